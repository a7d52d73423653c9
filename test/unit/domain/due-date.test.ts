import { describe, expect, it } from 'vitest';
import { dueDate } from '../../../functions/core/domain/due-date';

describe('Function: dueDate', () => {
  describe('Method: gdpr (one calendar month)', () => {
    it.each([
      ['2026-03-15T10:00:00Z', '2026-04-15'],
      ['2026-01-31T23:59:59Z', '2026-02-28'],
      ['2028-01-31T00:00:00Z', '2028-02-29'],
      ['2026-03-31T12:00:00Z', '2026-04-30'],
      ['2026-12-15T08:00:00Z', '2027-01-15'],
      ['2026-12-31T08:00:00Z', '2027-01-31'],
      ['2026-02-28T08:00:00Z', '2026-03-28'],
    ])('received %s → due %s', (received, due) => {
      // Act
      const result = dueDate('gdpr', new Date(received));

      // Assess
      expect(result).toBe(due);
    });
  });

  describe('Method: ccpa (45 calendar days)', () => {
    it.each([
      ['2026-01-01T00:00:00Z', '2026-02-15'],
      ['2026-12-01T09:00:00Z', '2027-01-15'],
      ['2028-02-01T09:00:00Z', '2028-03-17'],
    ])('received %s → due %s', (received, due) => {
      // Act
      const result = dueDate('ccpa', new Date(received));

      // Assess
      expect(result).toBe(due);
    });
  });
});
