import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { type PostgresSystemConfig, SystemConfig } from '../../../connectors/config';
import { ConnectorConfigError, ConnectorUnavailableError } from '../../../connectors/errors';
import { translatePostgresError } from '../../../connectors/postgres/errors';
import { passwordOf, postgresPool } from '../../../connectors/postgres/pool';
import { PostgresConnector } from '../../../connectors/postgres/postgres-connector';
import {
  childrenFirst,
  membership,
  membershipParams,
  quoted,
  TRIM_CHARACTERS,
  tablePaths,
} from '../../../connectors/postgres/sql';

const holds = { categories: ['identifiers'], purpose: 'testing' };

/** customers (searched) and orders (searched) → order_items (linked by order_id). */
function shop(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'shop',
    type: 'postgres',
    connection: { local: 'shop' },
    tables: [
      { name: 'customers', key: ['id'], identity: { email: { column: 'email' } } },
      {
        name: 'orders',
        key: ['id'],
        identity: { email: { column: 'customer_email' } },
        relations: [{ table: 'order_items', column: 'order_id', references: 'id' }],
      },
      { name: 'order_items', key: ['id'] },
    ],
    holds,
    erasure: { strategy: 'delete' },
    ...overrides,
  };
}

function parsed(input: Record<string, unknown>): PostgresSystemConfig {
  const system = SystemConfig.parse(input);
  if (system.type !== 'postgres') throw new TypeError('unexpected system type');
  return system;
}

function messages(input: Record<string, unknown>): string[] {
  const result = SystemConfig.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

/** The connector is built without touching its pool: a pool that fails if it is ever asked. */
const NO_POOL = {
  connect: () => Promise.reject(new Error('not expected')),
} as unknown as pg.Pool;

describe('Schema: SystemConfig (postgres)', () => {
  it('accepts tables with identity columns, a relation and per-table strategies; schema defaults to public', () => {
    // Prepare & Act
    const system = parsed(shop());

    // Assess
    expect(system.tables.map((table) => table.schema)).toEqual(['public', 'public', 'public']);
    expect(system.tables[1]?.relations).toEqual([{ table: 'order_items', column: 'order_id', references: 'id' }]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a table name that is not a plain identifier',
      { tables: [{ name: 'x"; DROP TABLE y; --', key: ['id'], identity: { email: { column: 'email' } } }] },
      /a Postgres name/,
    ],
    ['no searched table', { tables: [{ name: 'a', key: ['id'] }] }, /at least one table needs an identity column/],
    [
      'a relation to a table that is not configured',
      {
        tables: [
          {
            name: 'a',
            key: ['id'],
            identity: { email: { column: 'e' } },
            relations: [{ table: 'b', column: 'a_id', references: 'id' }],
          },
        ],
      },
      /table b is not configured/,
    ],
    [
      'a table nobody links to',
      {
        tables: [
          { name: 'a', key: ['id'], identity: { email: { column: 'e' } } },
          { name: 'b', key: ['id'] },
        ],
      },
      /table b has no identity column and no table links to it/,
    ],
    [
      'a retained child of a deleted parent',
      {
        tables: [
          {
            name: 'a',
            key: ['id'],
            identity: { email: { column: 'e' } },
            relations: [{ table: 'b', column: 'a_id', references: 'id' }],
          },
          { name: 'b', key: ['id'], erasure: { strategy: 'retain', reason: 'tax' } },
        ],
      },
      /table b is linked to a \(delete\): it may only be delete/,
    ],
    [
      'an anonymised child of a retained parent',
      {
        erasure: { strategy: 'retain', reason: 'tax' },
        tables: [
          {
            name: 'a',
            key: ['id'],
            identity: { email: { column: 'e' } },
            relations: [{ table: 'b', column: 'a_id', references: 'id' }],
          },
          {
            name: 'b',
            key: ['id'],
            erasure: { strategy: 'anonymize', reason: 'stats', fields: { note: { action: 'remove' } } },
          },
        ],
      },
      /it may only be delete or retain/,
    ],
    [
      'a table linked from two parents',
      {
        tables: [
          {
            name: 'a',
            key: ['id'],
            identity: { email: { column: 'e' } },
            relations: [{ table: 'c', column: 'a_id', references: 'id' }],
          },
          {
            name: 'b',
            key: ['id'],
            identity: { email: { column: 'e' } },
            relations: [{ table: 'c', column: 'b_id', references: 'id' }],
          },
          { name: 'c', key: ['id'] },
        ],
      },
      /table c is already linked to a/,
    ],
    [
      'a cloud connection without credentials',
      { connection: { host: 'db.example.internal', database: 'shop', user: 'dsar' } },
      /Invalid input/,
    ],
  ])('refuses %s, saying so', (_label, overrides, message) => {
    // Prepare & Act
    const found = messages(shop(overrides));

    // Assess
    expect(found.join('\n')).toMatch(message);
  });
});

describe('Class: PostgresConnector', () => {
  describe('Method: constructor', () => {
    it.each<[string, Record<string, unknown>, RegExp]>([
      [
        'an anonymised searched table that keeps its identity column',
        { erasure: { strategy: 'anonymize', reason: 'stats', fields: { name: { action: 'remove' } } } },
        /anonymize of table customers must cover its identity column 'email'/,
      ],
      [
        'an anonymisation of a link column',
        {
          erasure: {
            strategy: 'anonymize',
            reason: 'stats',
            fields: { email: { action: 'hash' }, customer_email: { action: 'hash' }, order_id: { action: 'remove' } },
          },
        },
        /cannot change key or link column 'order_id'/,
      ],
      [
        'a correction of an identity column',
        { correctable: { email: { field: 'orders.customer_email' } } },
        /may not write identity, key or link column 'orders.customer_email'/,
      ],
      [
        'a flag on a key column',
        { flags: { marketing: { field: 'customers.id', on: 0, off: 1 } } },
        /may not write identity, key or link column 'customers.id'/,
      ],
      [
        'a correction without its table',
        { correctable: { name: { field: 'name' } } },
        /must name a configured table's column as 'table.column'/,
      ],
      [
        'a correction of an unconfigured table',
        { correctable: { name: { field: 'invoices.name' } } },
        /must name a configured table's column/,
      ],
    ])('refuses %s', (_label, overrides, message) => {
      // Prepare
      const system = parsed(shop(overrides));

      // Act
      const build = () => new PostgresConnector(system, NO_POOL, { anonymizationKey: 'k' });

      // Assess
      expect(build).toThrow(ConnectorConfigError);
      expect(build).toThrow(message);
    });

    it('accepts corrections and flags on other columns of configured tables', () => {
      // Prepare
      const system = parsed(
        shop({
          correctable: { name: { field: 'customers.name' } },
          flags: { consent: { newsletter: { field: 'customers.newsletter', on: false, off: true } } },
        }),
      );

      // Act
      const build = () => new PostgresConnector(system, NO_POOL, { anonymizationKey: 'k' });

      // Assess
      expect(build).not.toThrow();
    });
  });

  describe('Method: erase', () => {
    it('refuses to start an erasure with a keyed hash but no key, before connecting', async () => {
      // Prepare
      const system = parsed(
        shop({ erasure: { strategy: 'anonymize', reason: 'stats', fields: { email: { action: 'hash' } } } }),
      );
      const connector = new PostgresConnector(
        parsed({ ...shop(), tables: [system.tables[0]], erasure: system.erasure }),
        NO_POOL,
        { anonymizationKey: '' },
      );

      // Act
      const erasing = connector.erase({ email: 'ann@example.com' });

      // Assess
      await expect(erasing).rejects.toThrow(/anonymisation key/);
    });
  });
});

describe('Module: sql', () => {
  it('quotes identifiers so that no name can end the quoting', () => {
    // Prepare & Act & Assess
    expect(quoted('order"items')).toBe('"order""items"');
  });

  it('matches a searched table by its identity parameter and a linked one through its parent, values never inlined', () => {
    // Prepare
    const paths = tablePaths(parsed(shop()).tables);

    // Act
    const conditions = paths.map(membership);

    // Assess
    expect(paths.map((path) => path.table.name)).toEqual(['customers', 'orders', 'order_items']);
    expect(conditions).toEqual([
      'lower(btrim("email"::text, $2)) = $1',
      'lower(btrim("customer_email"::text, $2)) = $1',
      '"order_id" IN (SELECT "id" FROM "public"."orders" WHERE lower(btrim("customer_email"::text, $2)) = $1)',
    ]);
    expect(childrenFirst(paths).map((path) => path.table.name)).toEqual(['order_items', 'customers', 'orders']);
  });

  it('matches each kind normalised as connectors/identity.ts does, by the value of the kind its table is searched by', () => {
    // Prepare
    const table = (kind: string) => ({
      table: { name: 't', schema: 'public', key: ['id'], relations: [], identity: { [kind]: { column: 'c' } } },
    });

    // Act
    const conditions = ['phone', 'customer_id', 'device_id'].map((kind) => membership(table(kind) as never));

    // Assess
    expect(conditions).toEqual([
      `regexp_replace(btrim("c"::text, $2), '[[:space:]().-]', '', 'g') = $1`,
      'btrim("c"::text, $2) = $1',
      'btrim("c"::text, $2) = $1',
    ]);
    const byId = table('customer_id') as never;
    expect(membershipParams({ customer_id: 'C-1', email: 'a@b.c' }, byId)).toEqual(['C-1', TRIM_CHARACTERS]);
    expect(membershipParams({ email: 'a@b.c' }, byId)).toBeUndefined();
  });
});

describe('Function: translatePostgresError', () => {
  const withCode = (code: string, message = 'server said: "ann@example.com" is bad') =>
    Object.assign(new Error(message), { code });

  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a serialization failure', withCode('40001')],
    ['a deadlock', withCode('40P01')],
    ['a server shutting down', withCode('57P01')],
    ['too many connections', withCode('53300')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
  ])('%s is transient', (_label, error) => {
    // Prepare & Act
    const translated = translatePostgresError('shop', 'SELECT orders', error);

    // Assess
    expect(translated).toBeInstanceOf(ConnectorUnavailableError);
    expect((translated as Error).cause).toBe(error);
  });

  it.each([
    ['refused credentials', withCode('28P01'), /credentials were refused/],
    ['a missing database', withCode('3D000'), /database does not exist/],
    ['a missing privilege', withCode('42501'), /lacks a privilege/],
    ['a value that does not fit', withCode('22P02'), /value does not fit/],
    ['a statement timeout', withCode('57014'), /statement was rejected/],
  ])('%s is permanent, and the message quotes no value', (_label, error, message) => {
    // Prepare & Act
    const translated = translatePostgresError('shop', 'UPDATE orders', error) as Error;

    // Assess
    expect(translated).toBeInstanceOf(ConnectorConfigError);
    expect(translated.message).toMatch(message);
    expect(translated.message).not.toContain('ann@');
  });

  it('leaves a programming error as it is', () => {
    // Prepare
    const error = new TypeError('bug');

    // Act & Assess
    expect(translatePostgresError('shop', 'x', error)).toBe(error);
  });
});

describe('Function: postgresPool', () => {
  it('reads the password from RDS’s JSON secret, or takes the secret as it is', () => {
    // Prepare & Act & Assess
    expect(passwordOf('{"username":"dsar","password":"s3cret"}')).toBe('s3cret');
    expect(passwordOf('plain')).toBe('plain');
  });

  it('refuses a local server that is not on loopback, and one that is not running', () => {
    // Prepare
    const system = parsed(shop());

    // Act
    const remote = () =>
      postgresPool(system, { secret: async () => '', localUrl: () => 'postgres://postgres@10.0.0.5:5432/postgres' });
    const missing = () => postgresPool(system, { secret: async () => '', localUrl: () => undefined });

    // Assess
    expect(remote).toThrow(/not on loopback/);
    expect(missing).toThrow(/no local Postgres server named 'shop'/);
  });
});
