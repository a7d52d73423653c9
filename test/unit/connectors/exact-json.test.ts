import { describe, expect, it } from 'vitest';
import { canonicalJson, plainJson } from '../../../connectors/canonical';
import { parseExactJson } from '../../../connectors/exact-json';
import { ExactNumber } from '../../../connectors/exact-number';
import { isSecretField } from '../../../connectors/export-filter';

describe('Function: parseExactJson', () => {
  it('keeps numbers a double would round as their digits, and the rest as numbers', () => {
    // Act
    const value = parseExactJson(
      '{"big":12345678901234567890,"dec":0.12345678901234567891,"huge":1e400,"n":-1.5,"s":"1234567890123456789","a":[1e2,null,true]}',
    );

    // Assess
    expect(value).toEqual({
      big: new ExactNumber('12345678901234567890'),
      dec: new ExactNumber('0.12345678901234567891'),
      huge: new ExactNumber('1e400'),
      n: -1.5,
      s: '1234567890123456789',
      a: [100, null, true],
    });
    expect(plainJson(value)).toBe(
      '{"big":12345678901234567890,"dec":0.12345678901234567891,"huge":1e400,"n":-1.5,"s":"1234567890123456789","a":[100,null,true]}',
    );
  });

  it.each([
    '{"a":12345678901234567890,}',
    '{"a":12345678901234567890',
    '{"a":012345678901234567890}',
    '{"a":12345678901234567890} x',
    "{'a':12345678901234567890}",
    '{"a":12345678901234567890,"b":"raw\u0001control"}',
  ])('refuses malformed text like JSON.parse: %s', (text) => {
    // Act & Assess
    expect(() => parseExactJson(text)).toThrow(SyntaxError);
  });

  it('treats __proto__ as a member, as JSON.parse does', () => {
    // Act
    const value = parseExactJson('{"__proto__":{"x":1},"n":12345678901234567890}') as Record<string, unknown>;

    // Assess
    expect(Object.keys(value)).toEqual(['__proto__', 'n']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('hashes an exact number and an equal plain number to the same canonical text', () => {
    // Act & Assess
    expect(canonicalJson({ n: new ExactNumber('42') })).toBe(canonicalJson({ n: 42 }));
  });
});

describe('Function: isSecretField', () => {
  it.each([
    'password',
    'PasswordHash',
    'password_hash',
    'passwd',
    'pwd',
    'clientSecret',
    'access_token',
    'refreshToken',
    'api_key',
    'apiKey',
    'APIKEY',
    'mfa',
    'mfaSeed',
    'otp',
    'totp_seed',
    'private_key',
    'PrivateKey',
    'session',
    'sessionId',
    'session-cookie',
  ])('withholds %s', (name) => {
    expect(isSecretField(name)).toBe(true);
  });

  it.each(['email', 'name', 'footpath', 'description', 'hotpotato', 'keyboard', 'sessions'])('keeps %s', (name) => {
    expect(isSecretField(name)).toBe(false);
  });
});
