import { describe, expect, it } from 'vitest';
import { SystemConfig } from '../../../connectors/config';
import { TABLE_FIELD } from '../../../connectors/postgres/postgres-connector';
import type { Regulation, RequestType } from '../../../functions/core/domain/request';
import {
  LookbackFilter,
  type LookbackWindow,
  POSTGRES_TABLE_FIELD,
  lookbackWindow,
  periodStart,
  recordDateValue,
} from '../../../functions/core/policy/lookback';

const PROMISE = { period: 'P12M', source: '«cover just the year time frame going before the solicitation»' } as const;
const request = (type: RequestType, regulation: Regulation, receivedAt = '2026-03-15T23:30:00.000Z') => ({
  type,
  regulation,
  receivedAt,
});

const holds = { categories: ['identifiers'], purpose: 'testing' };
const dated = (recordDate: unknown) =>
  SystemConfig.parse({
    id: 'orders',
    type: 's3-objects',
    bucket: 'orders',
    format: 'jsonl',
    identity: { email: { field: 'email' } },
    holds,
    erasure: { strategy: 'delete' },
    ...(recordDate === undefined ? {} : { recordDate }),
  });
const WINDOW: LookbackWindow = { from: '2025-03-15', ...PROMISE };

describe('Function: lookbackWindow', () => {
  it('applies the profile’s lookback to a CCPA access request, from the receipt date (UTC) back', () => {
    // Act
    const window = lookbackWindow({ lookback: PROMISE }, request('access', 'ccpa'));

    // Assess
    expect(window).toEqual({ from: '2025-03-15', period: 'P12M', source: PROMISE.source });
  });

  it('applies it to a CCPA portability request too (the same disclosure, in a portable format)', () => {
    expect(lookbackWindow({ lookback: PROMISE }, request('portability', 'ccpa'))?.from).toBe('2025-03-15');
  });

  it.each(['gdpr', 'uk_gdpr', 'vcdpa', 'cpa', 'ctdpa', 'tdpsa'] as const)(
    'never narrows a %s request (access to all the data held: no period in that law)',
    (regulation) => {
      expect(lookbackWindow({ lookback: PROMISE }, request('access', regulation))).toBeUndefined();
    },
  );

  it.each(['deletion', 'correction', 'categories', 'opt_out'] as const)('never applies to %s', (type) => {
    expect(lookbackWindow({ lookback: PROMISE }, request(type, 'ccpa'))).toBeUndefined();
  });

  it('is absent when the profile states no lookback', () => {
    expect(lookbackWindow({}, request('access', 'ccpa'))).toBeUndefined();
  });

  it('keeps to the statute’s 12 months when the profile states less (§1798.130(a)(2)(B))', () => {
    // Act
    const window = lookbackWindow({ lookback: { period: 'P6M', source: '«six months»' } }, request('access', 'ccpa'));

    // Assess
    expect(window).toMatchObject({ from: '2025-03-15', period: 'P12M' });
    expect(window?.source).toContain('§1798.130(a)(2)(B)');
  });

  it('keeps the profile’s longer period (a promise beyond the law)', () => {
    // Act
    const window = lookbackWindow({ lookback: { period: 'P2Y', source: '«two years»' } }, request('access', 'ccpa'));

    // Assess
    expect(window).toEqual({ from: '2024-03-15', period: 'P2Y', source: '«two years»' });
  });
});

describe('Function: periodStart', () => {
  it.each([
    ['2026-03-15', 'P12M', '2025-03-15'],
    ['2024-02-29', 'P12M', '2023-02-28'],
    ['2024-02-29', 'P1Y', '2023-02-28'],
    ['2025-03-31', 'P1M', '2025-02-28'],
    ['2024-03-31', 'P1M', '2024-02-29'],
    ['2026-01-31', 'P2M', '2025-11-30'],
    ['2026-03-01', 'P30D', '2026-01-30'],
    ['2025-01-01', 'P1D', '2024-12-31'],
  ] as const)('%s minus %s is %s', (received, period, from) => {
    expect(periodStart(received, period)).toBe(from);
  });
});

describe('Function: recordDateValue', () => {
  it.each([
    ['2025-03-15', '2025-03-15'],
    ['2025-03-15T00:00:00Z', '2025-03-15'],
    ['2025-03-15T23:59:59.999Z', '2025-03-15'],
    ['2025-03-15T01:00:00+05:00', '2025-03-14'],
    ['2025-03-14T22:00:00-0300', '2025-03-15'],
    ['2025-03-15 10:00:00+00', '2025-03-15'],
    ['2025-03-15T10:00', '2025-03-15'],
    ['2025-03-15T10:00:00', '2025-03-15'],
  ])('reads ISO %s as %s (UTC)', (value, date) => {
    expect(recordDateValue(value, 'iso')).toBe(date);
  });

  it.each([
    ['an impossible date', '2025-02-30'],
    ['an impossible time', '2025-03-15T25:00:00Z'],
    ['another form', '15/03/2025'],
    ['a number where ISO is declared', 1742000000],
    ['nothing', undefined],
    ['null', null],
    ['an empty string', ''],
  ])('gives no date for %s', (_what, value) => {
    expect(recordDateValue(value, 'iso')).toBeUndefined();
  });

  it.each([
    ['epoch_seconds', 1742083200, '2025-03-16'],
    ['epoch_seconds', '1742083199', '2025-03-15'],
    ['epoch_seconds', 1742083199.5, '2025-03-15'],
    ['epoch_millis', 1742083200000, '2025-03-16'],
    ['epoch_millis', '1742083199999', '2025-03-15'],
  ] as const)('reads %s %s as %s', (format, value, date) => {
    expect(recordDateValue(value, format)).toBe(date);
  });

  it.each([
    ['epoch_seconds', '2025-03-15'],
    ['epoch_seconds', 'soon'],
    ['epoch_millis', 1e20],
    ['epoch_millis', true],
  ] as const)('gives no date for %s %s', (format, value) => {
    expect(recordDateValue(value, format)).toBeUndefined();
  });
});

describe('Class: LookbackFilter', () => {
  describe('Method: keeps', () => {
    it('keeps records dated on or after the first day, leaves out the day before, and counts', () => {
      // Prepare
      const filter = LookbackFilter.for(dated('createdAt'), WINDOW);

      // Act
      const kept = [
        { createdAt: '2025-03-15T00:00:00Z' },
        { createdAt: '2025-03-14T23:59:59Z' },
        { createdAt: '2026-03-20' },
        { createdAt: '2020-01-01' },
      ].map((record) => filter?.keeps(record));

      // Assess
      expect(kept).toEqual([true, false, true, false]);
      expect(filter?.report()).toEqual({ ...WINDOW, outside: 2, undated: 0 });
    });

    it('keeps records without a readable date, and counts them', () => {
      // Prepare
      const filter = LookbackFilter.for(dated({ field: 'created', format: 'epoch_seconds' }), WINDOW);

      // Act
      const kept = [{}, { created: 'yesterday' }, { created: null }, { created: 1_000_000 }].map((record) =>
        filter?.keeps(record),
      );

      // Assess
      expect(kept).toEqual([true, true, true, false]);
      expect(filter?.report()).toMatchObject({ outside: 1, undated: 3 });
    });

    it('does not read a date from an inherited property', () => {
      // Prepare
      const filter = LookbackFilter.for(dated('constructor'), WINDOW);

      // Act & Assess
      expect(filter?.keeps({})).toBe(true);
      expect(filter?.report()).toMatchObject({ outside: 0, undated: 1 });
    });
  });

  describe('Method: for', () => {
    it('is undefined for a system that declares no record date (answered whole)', () => {
      expect(LookbackFilter.for(dated(undefined), WINDOW)).toBeUndefined();
    });

    it('is undefined without a window', () => {
      expect(LookbackFilter.for(dated('createdAt'), undefined)).toBeUndefined();
    });

    it('dates a Postgres row by its own table’s column, and answers a table without one whole', () => {
      // Prepare
      const system = SystemConfig.parse({
        id: 'shop',
        type: 'postgres',
        connection: { local: 'shop' },
        tables: [
          {
            name: 'customers',
            key: ['id'],
            identity: { email: { column: 'email' } },
            relations: [{ table: 'orders', column: 'customer_id', references: 'id' }],
          },
          { name: 'orders', key: ['id'], recordDate: 'placed_at' },
        ],
        holds,
        erasure: { strategy: 'delete' },
      });
      const filter = LookbackFilter.for(system, WINDOW);

      // Act
      const kept = [
        { [POSTGRES_TABLE_FIELD]: 'customers', id: 1, placed_at: '2001-01-01' },
        { [POSTGRES_TABLE_FIELD]: 'orders', id: 2, placed_at: '2001-01-01 10:00:00+00' },
        { [POSTGRES_TABLE_FIELD]: 'orders', id: 3, placed_at: '2025-06-01 10:00:00+00' },
      ].map((record) => filter?.keeps(record));

      // Assess
      expect(kept).toEqual([true, false, true]);
      expect(filter?.report()).toMatchObject({ outside: 1, undated: 0 });
    });

    it('names the table field as the Postgres connector writes it', () => {
      expect(POSTGRES_TABLE_FIELD).toBe(TABLE_FIELD);
    });
  });
});
