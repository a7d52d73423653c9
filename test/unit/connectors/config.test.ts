import { describe, expect, it } from 'vitest';
import { ConnectedSystemConfig as SystemConfig } from '../../../connectors/config';

const holds = { categories: ['identifiers'], purpose: 'testing' };
const SYSTEMS = {
  dynamodb: {
    id: 'customers',
    type: 'dynamodb',
    table: 'Customers',
    key: { partition: 'id' },
    identity: { email: { attribute: 'email', index: 'byEmail' } },
    holds,
    erasure: { strategy: 'delete' },
  },
  's3-objects': {
    id: 'clickstream',
    type: 's3-objects',
    bucket: 'events',
    format: 'jsonl',
    identity: { email: { field: 'email' } },
    holds,
    erasure: { strategy: 'delete' },
  },
} as const;

describe('Schema: SystemConfig', () => {
  describe('Field: concurrency', () => {
    it.each(Object.keys(SYSTEMS))('is optional for a %s system (the default applies)', (type) => {
      // Prepare
      const system = SYSTEMS[type as keyof typeof SYSTEMS];

      // Act
      const parsed = SystemConfig.parse(system);

      // Assess
      expect(parsed.concurrency).toBeUndefined();
    });

    it.each([1, 4, 100])('accepts %d', (concurrency) => {
      // Prepare & Act
      const parsed = SystemConfig.parse({ ...SYSTEMS['s3-objects'], concurrency });

      // Assess
      expect(parsed.concurrency).toBe(concurrency);
    });

    it.each([0, -1, 101, 2.5, '4'])('refuses %j, naming the field', (concurrency) => {
      // Prepare & Act
      const parsed = SystemConfig.safeParse({ ...SYSTEMS.dynamodb, concurrency });

      // Assess
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['concurrency']);
    });
  });

  describe('Field: identity', () => {
    it('takes exactly one kind: email, phone, customer_id or device_id', () => {
      // Prepare
      const withIdentity = (identity: unknown) => SystemConfig.safeParse({ ...SYSTEMS['s3-objects'], identity });

      // Act & Assess
      expect(withIdentity({ customer_id: { field: 'customerId' } }).success).toBe(true);
      expect(withIdentity({ phone: { field: 'phone' } }).success).toBe(true);
      expect(withIdentity({}).error?.issues[0]?.message).toMatch(/exactly one identity kind/);
      expect(withIdentity({ email: { field: 'e' }, customer_id: { field: 'c' } }).success).toBe(false);
      expect(withIdentity({ passport: { field: 'p' } }).success).toBe(false);
    });

    it('a system of record names what it resolves, at least one kind, never email', () => {
      // Prepare
      const resolving = (resolves: unknown) => SystemConfig.safeParse({ ...SYSTEMS.dynamodb, resolves });

      // Act & Assess
      expect(resolving({ customer_id: { field: 'customerId' }, phone: { field: 'phone' } }).success).toBe(true);
      expect(resolving({}).success).toBe(false);
      expect(resolving({ email: { field: 'email' } }).success).toBe(false);
    });
  });
});

describe('Schema: SystemConfig (recordDate)', () => {
  it('reads a bare field name as ISO-8601 dates', () => {
    // Act
    const parsed = SystemConfig.parse({ ...SYSTEMS.dynamodb, recordDate: 'createdAt' });

    // Assess
    expect(parsed.type === 'dynamodb' && parsed.recordDate).toEqual({ field: 'createdAt', format: 'iso' });
  });

  it('takes Unix seconds or milliseconds when the format says so', () => {
    // Act
    const parsed = SystemConfig.parse({
      ...SYSTEMS['s3-objects'],
      recordDate: { field: 'ts', format: 'epoch_millis' },
    });

    // Assess
    expect(parsed.type === 's3-objects' && parsed.recordDate).toEqual({ field: 'ts', format: 'epoch_millis' });
  });

  it.each([
    ['an unknown format', { recordDate: { field: 'ts', format: 'rfc2822' } }, 'format'],
    ['an empty field', { recordDate: '' }, 'recordDate'],
    ['a field the export excludes', { recordDate: 'createdAt', export: { exclude: ['CreatedAt'] } }, 'export.exclude'],
    ['a field the include list leaves out', { recordDate: 'createdAt', export: { include: ['email'] } }, 'include'],
    ['a secret-looking field', { recordDate: 'sessionStartedAt' }, 'secret'],
  ])('refuses %s', (_what, extra, message) => {
    // Act
    const parsed = SystemConfig.safeParse({ ...SYSTEMS.dynamodb, ...extra });

    // Assess
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(message);
  });

  it('refuses a Postgres table whose record-date column the export withholds, naming the table', () => {
    // Act
    const parsed = SystemConfig.safeParse({
      id: 'shop',
      type: 'postgres',
      connection: { local: 'shop' },
      tables: [{ name: 'orders', key: ['id'], identity: { email: { column: 'email' } }, recordDate: 'placed_at' }],
      holds,
      erasure: { strategy: 'delete' },
      export: { exclude: ['placed_at'] },
    });

    // Assess
    expect(parsed.error?.issues.map((i) => i.path)).toEqual([['tables', 0, 'recordDate']]);
  });
});
