import { describe, expect, it } from 'vitest';
import { isSameIdentity, normalizedIdentities, normalizedIdentity } from '../../../connectors/identity';

describe('Function: normalizedIdentity', () => {
  it.each([
    ['email', '  Ada@Example.COM ', 'ada@example.com'],
    ['phone', '+44 20 7946 0958', '+442079460958'],
    ['phone', '+1 (415) 555-0100', '+14155550100'],
    ['phone', '+49.30.1234567', '+49301234567'],
    ['customer_id', ' C-1042 ', 'C-1042'],
    ['customer_id', 1042, '1042'],
    ['device_id', 'AbC-123', 'AbC-123'],
  ] as const)('%s %j → %j', (kind, value, expected) => {
    // Act & Assess
    expect(normalizedIdentity(kind, value)).toBe(expected);
  });

  it.each([
    ['phone', '020 7946 0958', 'no country code: not E.164'],
    ['phone', '+0 123 456 789', 'no country code starts with 0'],
    ['phone', '+1234', 'too short'],
    ['phone', '+1234567890123456', 'too long'],
    ['phone', "+1' OR '1'='1", 'SQL'],
    ['phone', '+1*', 'a wildcard'],
    ['email', '   ', 'blank'],
    ['customer_id', '', 'empty'],
    ['customer_id', 1.5, 'a fraction'],
    ['customer_id', { $ne: null }, 'an object'],
  ] as const)('%s %j is no identity (%s)', (kind, value, _why) => {
    // Act & Assess
    expect(normalizedIdentity(kind, value)).toBeUndefined();
  });
});

describe('Function: isSameIdentity', () => {
  it('compares ids exactly (case kept), emails case-insensitively, phones by their digits', () => {
    // Act & Assess
    expect(isSameIdentity('customer_id', 'c-1042', 'C-1042')).toBe(false);
    expect(isSameIdentity('customer_id', ' C-1042', 'C-1042')).toBe(true);
    expect(isSameIdentity('email', 'ADA@example.com', 'ada@example.com')).toBe(true);
    expect(isSameIdentity('phone', '+44 (20) 7946-0958', '+442079460958')).toBe(true);
    expect(isSameIdentity('phone', '+44 20 7946 0959', '+442079460958')).toBe(false);
  });
});

describe('Function: normalizedIdentities', () => {
  it('keeps each usable kind normalised and leaves the unusable out', () => {
    // Act & Assess
    expect(normalizedIdentities({ email: ' A@B.C ', phone: '12345', customer_id: 'C-1' })).toEqual({
      email: 'a@b.c',
      customer_id: 'C-1',
    });
  });
});
