import { describe, expect, it } from 'vitest';
import {
  STATUSES,
  TERMINAL_STATUSES,
  allowedPredecessors,
  canTransition,
  isAtOrPast,
} from '../../../functions/core/domain/status';

describe('Function: canTransition', () => {
  it('locks every terminal status', () => {
    // Assess
    for (const from of TERMINAL_STATUSES) {
      for (const to of STATUSES) expect(canTransition(from, to), `${from} → ${to}`).toBe(false);
    }
  });

  it('moves forward only', () => {
    // Assess
    expect(canTransition('received', 'pending_verification')).toBe(true);
    expect(canTransition('verified', 'locating')).toBe(true);
    expect(canTransition('locating', 'assembling')).toBe(true);
    expect(canTransition('assembling', 'locating')).toBe(false);
    expect(canTransition('delivering', 'verified')).toBe(false);
  });

  it('lets a step repeat in the same status (re-entrant steps)', () => {
    // Assess
    expect(canTransition('locating', 'locating')).toBe(true);
  });

  it('expires only requests still waiting for verification', () => {
    // Assess
    expect(canTransition('pending_verification', 'expired')).toBe(true);
    expect(canTransition('received', 'expired')).toBe(true);
    expect(canTransition('verified', 'expired')).toBe(false);
    expect(canTransition('locating', 'expired')).toBe(false);
  });

  it('lets any open request be rejected or cancelled', () => {
    // Assess
    expect(canTransition('locating', 'rejected')).toBe(true);
    expect(canTransition('received', 'cancelled')).toBe(true);
  });

  it('derives predecessors from the same rule', () => {
    // Act
    const from = allowedPredecessors('expired');

    // Assess
    expect(from.sort()).toEqual(['pending_verification', 'received']);
  });
});

describe('Status: retrying', () => {
  it('is entered from delivering, is not terminal, and ends completed or partially_completed', () => {
    // Assess
    expect(STATUSES).toContain('retrying');
    expect(TERMINAL_STATUSES.has('retrying')).toBe(false);
    expect(canTransition('delivering', 'retrying')).toBe(true);
    expect(canTransition('retrying', 'completed')).toBe(true);
    expect(canTransition('retrying', 'partially_completed')).toBe(true);
    expect(canTransition('retrying', 'cancelled')).toBe(true);
    expect(canTransition('retrying', 'expired')).toBe(false);
  });

  it('re-enters the pipeline at locating only, and that move is not mistaken for a replay', () => {
    // Assess
    expect(canTransition('retrying', 'locating')).toBe(true);
    expect(isAtOrPast('retrying', 'locating')).toBe(false);
    expect(canTransition('retrying', 'erasing')).toBe(false);
    expect(canTransition('retrying', 'delivering')).toBe(false);
    expect(isAtOrPast('retrying', 'delivering')).toBe(true);
    expect(allowedPredecessors('locating')).toContain('retrying');
    // a partially_completed deletion stays locked: the retry runs before it, never after
    expect(canTransition('partially_completed', 'retrying')).toBe(false);
  });
});
