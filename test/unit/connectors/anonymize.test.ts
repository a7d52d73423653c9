import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { anonymizationChanges, anonymizeRecord, keyedHash } from '../../../connectors/anonymize';

describe('Module: anonymize', () => {
  describe('Method: keyedHash', () => {
    it('is HMAC-SHA-256 hex of the value with the key: stable for equal values', () => {
      // Prepare
      const expected = createHmac('sha256', 'k1').update('ann@example.com').digest('hex');

      // Act
      const first = keyedHash('ann@example.com', 'k1');
      const second = keyedHash('ann@example.com', 'k1');

      // Assess
      expect(first).toBe(expected);
      expect(second).toBe(first);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
    });

    it('depends on the key, so it cannot be recomputed without it', () => {
      // Act
      const one = keyedHash('ann@example.com', 'k1');
      const other = keyedHash('ann@example.com', 'k2');

      // Assess
      expect(one).not.toBe(other);
    });

    it('hashes non-strings by a canonical form (sets in any order hash alike)', () => {
      // Act
      const a = keyedHash(new Set(['b', 'a']), 'k');
      const b = keyedHash(new Set(['a', 'b']), 'k');
      const n = keyedHash(42, 'k');

      // Assess
      expect(a).toBe(b);
      expect(n).toBe(createHmac('sha256', 'k').update('42').digest('hex'));
    });

    it('refuses an empty key', () => {
      // Act & Assess
      expect(() => keyedHash('x', '')).toThrow(/key/);
    });
  });

  describe('Method: anonymizeRecord', () => {
    it('removes, replaces and hashes the configured fields, leaves the rest, and does not mutate the input', () => {
      // Prepare
      const record = { email: 'ann@example.com', name: 'Ann', phone: '123', total: 42 };
      const fields = {
        email: { action: 'hash' },
        name: { action: 'remove' },
        phone: { action: 'replace', value: null },
      } as const;

      // Act
      const result = anonymizeRecord(record, fields, 'k');

      // Assess
      expect(result).toEqual({ email: keyedHash('ann@example.com', 'k'), phone: null, total: 42 });
      expect(Object.keys(result)).toEqual(['email', 'phone', 'total']);
      expect(record).toEqual({ email: 'ann@example.com', name: 'Ann', phone: '123', total: 42 });
    });

    it('never adds a field the record did not have', () => {
      // Prepare
      const fields = {
        fax: { action: 'replace', value: 'redacted' },
        email: { action: 'hash' },
        name: { action: 'remove' },
      } as const;

      // Act
      const changes = anonymizationChanges({ total: 1 }, fields, 'k');

      // Assess
      expect(changes).toEqual({ set: {}, remove: [] });
    });
  });
});
