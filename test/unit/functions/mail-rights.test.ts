import { describe, expect, it } from 'vitest';
import { fold, guessRight, RIGHT_PHRASES } from '../../../functions/receive-mail/rights';

describe('Function: guessRight', () => {
  it.each([
    ['Please delete my data', '', { type: 'deletion' }],
    ['Request', 'I want you to erase my account and everything about me.', { type: 'deletion' }],
    ['Solicitud', 'Quiero borrar mis datos de su sistema.', { type: 'deletion' }],
    ['Derecho al olvido', '', { type: 'deletion' }],
    ['ELIMINACIÓN DE MIS DATOS', '', { type: 'deletion' }],
    ['Hello', 'Could you send me a copy of my data?', { type: 'access' }],
    ['Derecho de acceso', '¿Qué datos tienen sobre mí?', { type: 'access' }],
    ['Do Not Sell My Personal Information', '', { type: 'opt_out', scope: 'sale_sharing' }],
    ['', "Please don't sell my info.", { type: 'opt_out', scope: 'sale_sharing' }],
    ['No vendan mis datos', '', { type: 'opt_out', scope: 'sale_sharing' }],
    ['Unsubscribe', 'Stop sending me these.', { type: 'opt_out', scope: 'marketing' }],
    ['Portabilidad', '', { type: 'portability' }],
  ])('reads %j / %j as one right', (subject, text, expected) => {
    // Act
    const guess = guessRight(subject, text);

    // Assess
    expect(guess).toEqual(expected);
  });

  it('is unclear when two rights are asked for', () => {
    // Act
    const guess = guessRight('Privacy', 'Send me a copy of my data, then delete my data.');

    // Assess
    expect(guess).toBe('unclear');
  });

  it('is unclear when the Spanish words ask for two rights', () => {
    // Act
    const guess = guessRight('Datos', 'Quiero una copia de mis datos y después borrar mis datos.');

    // Assess
    expect(guess).toBe('unclear');
  });

  it('is unclear when no right is named, and does not read "access" alone as a request for access', () => {
    // Act
    const guess = guessRight('Help', 'I cannot access my account since Tuesday.');

    // Assess
    expect(guess).toBe('unclear');
  });

  it('does not read quoted lines of a reply as the request', () => {
    // Act
    const guess = guessRight('Re: your request', 'Yes, please delete my data.\n> Send me a copy of my data');

    // Assess
    expect(guess).toEqual({ type: 'deletion' });
  });

  it('matches whole words only', () => {
    // Act
    const guess = guessRight('', 'The optouts page is broken');

    // Assess
    expect(guess).toBe('unclear');
  });
});

describe('Function: fold', () => {
  it('folds case, accents and punctuation to single spaces', () => {
    // Act / Assess
    expect(fold("Supresión — DON'T!")).toBe(' supresion don t ');
  });

  it('keeps every phrase of the data matchable (no phrase folds to nothing)', () => {
    // Act
    const empty = RIGHT_PHRASES.flatMap((r) => r.phrases).filter((p) => fold(p).trim() === '');

    // Assess
    expect(empty).toEqual([]);
  });
});
