import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresSystemConfig, SystemConfig } from '../../../connectors/config';
import type { SourceRecord } from '../../../connectors/contract';
import { ConnectorConfigError, ConnectorUnavailableError } from '../../../connectors/errors';
import { drain } from '../../../connectors/pass';
import { PostgresConnector } from '../../../connectors/postgres/postgres-connector';
import { type RunningPostgres, startPostgres } from '../../../infra/local/pglite';

/**
 * What the contract suite cannot see of Postgres: linked tables (customers → orders → order_items by foreign key),
 * each with its own strategy, walked children first in one transaction; corrections and flags on `table.column`;
 * identities that only SQL would find interesting; and the driver's errors translated at the edge.
 */

const KEY = 'postgres-test-key';
const SUBJECT = 'ann@example.com';

let server: RunningPostgres;
let pool: pg.Pool;
let schemas = 0;

beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 2 });
});

afterAll(async () => {
  await pool.end();
  await server.stop();
});

/** A fresh schema with customers (searched), orders (searched) and order_items (linked to orders by order_id). */
async function seedShop(): Promise<string> {
  const schema = `shop_${(schemas += 1)}`;
  await pool.query(`
    CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.customers (id integer PRIMARY KEY, email text NOT NULL, name text, marketing boolean NOT NULL DEFAULT true, tier text);
    CREATE TABLE ${schema}.orders (id integer PRIMARY KEY, customer_email text, ship_name text, note text);
    CREATE TABLE ${schema}.order_items (id integer PRIMARY KEY, order_id integer NOT NULL REFERENCES ${schema}.orders (id), sku text, gift text);
    INSERT INTO ${schema}.customers VALUES
      (1, 'ann@example.com', 'Ann', true, 'gold'), (2, ' ANN@Example.com', 'Ann B', true, NULL),
      (3, 'bob@example.com', 'Bob', true, NULL), (4, 'xann@example.com', 'Xann', true, NULL);
    INSERT INTO ${schema}.orders VALUES
      (10, 'Ann@example.com', 'Ann', 'ring twice'), (11, 'ann@example.com', 'Ann', NULL),
      (12, 'bob@example.com', 'Bob', 'ann@example.com asked'), (13, 'ann@example.com.au', 'Ann AU', NULL);
    INSERT INTO ${schema}.order_items VALUES
      (100, 10, 'A', 'for Ann'), (101, 10, 'B', NULL), (102, 11, 'C', NULL),
      (103, 12, 'A', 'for ann@example.com'), (104, 13, 'D', NULL);`);
  return schema;
}

function shopSystem(schema: string, overrides: Record<string, unknown> = {}): PostgresSystemConfig {
  const system = SystemConfig.parse({
    id: 'shop',
    type: 'postgres',
    connection: { local: 'shop' },
    tables: [
      { name: 'customers', schema, key: ['id'], identity: { email: { column: 'email' } } },
      {
        name: 'orders',
        schema,
        key: ['id'],
        identity: { email: { column: 'customer_email' } },
        relations: [{ table: 'order_items', column: 'order_id', references: 'id' }],
      },
      { name: 'order_items', schema, key: ['id'] },
    ],
    holds: { categories: ['identifiers', 'commercial information'], purpose: 'orders' },
    erasure: { strategy: 'delete' },
    ...overrides,
  });
  if (system.type !== 'postgres') throw new TypeError('unexpected system type');
  return system;
}

async function located(connector: PostgresConnector, email = SUBJECT): Promise<string[]> {
  const found: SourceRecord[] = [];
  await drain(connector.locate({ email }), (record) => {
    found.push(record);
  });
  return found.map((record) => `${String(record._table)}:${String(record.id)}`).sort();
}

async function ids(schema: string, table: string): Promise<number[]> {
  const { rows } = await pool.query(`SELECT id FROM ${schema}.${table} ORDER BY id`);
  return rows.map((row) => Number(row.id));
}

describe('Class: PostgresConnector', () => {
  describe('Method: locate', () => {
    it('finds the subject in every searched table and the rows linked to hers, each named by its table', async () => {
      // Prepare
      const schema = await seedShop();
      const connector = new PostgresConnector(shopSystem(schema), pool, { anonymizationKey: KEY });

      // Act
      const found = await located(connector);

      // Assess
      expect(found).toEqual(
        [
          'customers:1',
          'customers:2',
          'orders:10',
          'orders:11',
          'order_items:100',
          'order_items:101',
          'order_items:102',
        ].sort(),
      );
    });

    it('streams more rows than one cursor batch, and a pass left early gives its connection back', async () => {
      // Prepare
      const schema = await seedShop();
      await pool.query(
        `INSERT INTO ${schema}.orders SELECT g, 'ann@example.com', 'Ann', NULL FROM generate_series(1000, 1449) g`,
      );
      const single = new pg.Pool({ connectionString: server.url, max: 1 });
      const connector = new PostgresConnector(shopSystem(schema), single, { anonymizationKey: KEY });

      // Act
      for await (const _record of connector.locate({ email: SUBJECT })) break;
      const all = await located(connector);
      await single.end();

      // Assess
      expect(all).toHaveLength(7 + 450);
    });
  });

  describe('Method: erase', () => {
    it('deletes children before parents along the foreign key, in one transaction, and nothing of anybody else', async () => {
      // Prepare
      const schema = await seedShop();
      const connector = new PostgresConnector(shopSystem(schema), pool, { anonymizationKey: KEY });

      // Act
      const first = await connector.erase({ email: SUBJECT });
      const second = await connector.erase({ email: SUBJECT });

      // Assess
      expect(first).toEqual({ deleted: 7, anonymized: 0, retained: 0, unreadable: 0 });
      expect(second).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
      expect(await ids(schema, 'customers')).toEqual([3, 4]);
      expect(await ids(schema, 'orders')).toEqual([12, 13]);
      expect(await ids(schema, 'order_items')).toEqual([103, 104]);
    });

    it('applies each table’s strategy: customers deleted, orders anonymised, their items’ gift notes removed', async () => {
      // Prepare
      const schema = await seedShop();
      const base = shopSystem(schema);
      const system = shopSystem(schema, {
        tables: [
          base.tables[0],
          {
            ...base.tables[1],
            erasure: {
              strategy: 'anonymize',
              reason: 'bookkeeping (HGB §257)',
              fields: {
                customer_email: { action: 'hash' },
                ship_name: { action: 'replace', value: 'redacted' },
                note: { action: 'remove' },
              },
            },
          },
          {
            ...base.tables[2],
            erasure: { strategy: 'anonymize', reason: 'bookkeeping', fields: { gift: { action: 'remove' } } },
          },
        ],
      });
      const connector = new PostgresConnector(system, pool, { anonymizationKey: KEY });

      // Act
      const first = await connector.erase({ email: SUBJECT });
      const second = await connector.erase({ email: SUBJECT });
      const orders = await pool.query(`SELECT * FROM ${schema}.orders ORDER BY id`);
      const items = await pool.query(`SELECT * FROM ${schema}.order_items ORDER BY id`);

      // Assess
      expect(first).toEqual({ deleted: 2, anonymized: 5, retained: 0, unreadable: 0 });
      expect(second).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
      expect(await located(connector)).toEqual([]);
      expect(orders.rows[0]).toMatchObject({ id: 10, ship_name: 'redacted', note: null });
      expect(orders.rows[0]?.customer_email).toMatch(/^[0-9a-f]{64}$/);
      expect(orders.rows[2]).toEqual({
        id: 12,
        customer_email: 'bob@example.com',
        ship_name: 'Bob',
        note: 'ann@example.com asked',
      });
      expect(items.rows.map((row) => row.gift)).toEqual([null, null, null, 'for ann@example.com', null]);
      expect(await ids(schema, 'order_items')).toEqual([100, 101, 102, 103, 104]);
    });

    it('retains a table under an exemption: counts its rows, changes none, says why', async () => {
      // Prepare
      const schema = await seedShop();
      const base = shopSystem(schema);
      const retain = { strategy: 'retain', reason: 'tax records', law: 'AO §147' };
      const system = shopSystem(schema, {
        tables: [base.tables[0], { ...base.tables[1], erasure: retain }, { ...base.tables[2], erasure: retain }],
      });
      const connector = new PostgresConnector(system, pool, { anonymizationKey: KEY });

      // Act
      const first = await connector.erase({ email: SUBJECT });
      const second = await connector.erase({ email: SUBJECT });

      // Assess
      expect(first).toEqual({
        deleted: 2,
        anonymized: 0,
        retained: 5,
        retainedReason: 'table orders is retained: tax records; table order_items is retained: tax records',
        unreadable: 0,
      });
      expect(second).toMatchObject({ deleted: 0, retained: 5 });
      expect(await located(connector)).toEqual([
        'order_items:100',
        'order_items:101',
        'order_items:102',
        'orders:10',
        'orders:11',
      ]);
    });

    it('rolls the whole subject back when a table outside the configuration still references a row', async () => {
      // Prepare
      const schema = await seedShop();
      await pool.query(
        `CREATE TABLE ${schema}.invoices (id integer PRIMARY KEY, order_id integer REFERENCES ${schema}.orders (id)); INSERT INTO ${schema}.invoices VALUES (1, 11)`,
      );
      const connector = new PostgresConnector(shopSystem(schema), pool, { anonymizationKey: KEY });

      // Act
      const erasing = connector.erase({ email: SUBJECT });

      // Assess
      await expect(erasing).rejects.toThrow(ConnectorConfigError);
      await expect(erasing).rejects.toThrow(/SQLSTATE 23503/);
      expect(await ids(schema, 'customers')).toEqual([1, 2, 3, 4]);
      expect(await ids(schema, 'order_items')).toEqual([100, 101, 102, 103, 104]);
    });
  });

  describe('Method: identities', () => {
    it('yields the identity column of every searched table, as stored, and no linked table', async () => {
      // Prepare
      const schema = await seedShop();
      const connector = new PostgresConnector(shopSystem(schema), pool, { anonymizationKey: KEY });
      const values: string[] = [];

      // Act
      await drain(connector.identities('email'), (value) => {
        values.push(value);
      });

      // Assess
      expect(values.sort()).toEqual(
        [
          'ann@example.com',
          ' ANN@Example.com',
          'bob@example.com',
          'xann@example.com',
          'Ann@example.com',
          'ann@example.com',
          'bob@example.com',
          'ann@example.com.au',
        ].sort(),
      );
    });
  });

  describe('Method: correct and setFlags', () => {
    it('write table.column fields on the subject’s rows only, and a second run finds every row unchanged', async () => {
      // Prepare
      const schema = await seedShop();
      const system = shopSystem(schema, {
        correctable: { name: { field: 'customers.name' }, shipping_name: { field: 'orders.ship_name' } },
        flags: { marketing: { field: 'customers.marketing', on: false, off: true } },
      });
      const connector = new PostgresConnector(system, pool, { anonymizationKey: KEY });
      const changes = [
        { attribute: 'name', value: "Ann O'Neil" },
        { attribute: 'shipping_name', value: 'Ann ON' },
        { attribute: 'phone', value: '+49' },
      ];

      // Act
      const first = await connector.correct({ email: SUBJECT }, changes);
      const second = await connector.correct({ email: SUBJECT }, changes);
      const flagged = await connector.setFlags({ email: SUBJECT }, [
        { flag: 'marketing', on: true },
        { flag: 'profiling', on: true },
      ]);
      const customers = await pool.query(`SELECT id, name, marketing FROM ${schema}.customers ORDER BY id`);
      const orders = await pool.query(`SELECT id, ship_name FROM ${schema}.orders ORDER BY id`);

      // Assess
      expect(first).toEqual({
        matched: 4,
        changed: 4,
        unchanged: 0,
        retained: 0,
        unreadable: 0,
        refused: [{ name: 'phone', reason: 'this system has no field for it' }],
      });
      expect(second).toMatchObject({ matched: 4, changed: 0, unchanged: 4 });
      expect(flagged).toMatchObject({ matched: 2, changed: 2, unchanged: 0, refused: [{ name: 'profiling' }] });
      expect(customers.rows).toEqual([
        { id: 1, name: "Ann O'Neil", marketing: false },
        { id: 2, name: "Ann O'Neil", marketing: false },
        { id: 3, name: 'Bob', marketing: true },
        { id: 4, name: 'Xann', marketing: true },
      ]);
      expect(orders.rows.map((row) => row.ship_name)).toEqual(['Ann ON', 'Ann ON', 'Bob', 'Ann AU']);
    });
  });

  describe('injection-shaped identities', () => {
    it.each([
      ['a NUL', 'ann@example.com\u0000'],
      ['an underscore wildcard', 'ann@example_com'],
      ['a percent wildcard', 'ann@example.com%'],
      ['a backslash', 'ann@example.com\\'],
      ['a quote and OR', "' OR '1'='1"],
      ['a statement', "x'); DELETE FROM customers; --"],
      ['10 KB', 'a'.repeat(10 * 1024)],
    ])('%s matches nothing, erases nothing and writes nothing', async (_label, email) => {
      // Prepare
      const schema = await seedShop();
      const system = shopSystem(schema, { correctable: { name: { field: 'customers.name' } } });
      const connector = new PostgresConnector(system, pool, { anonymizationKey: KEY });

      // Act
      const found = await located(connector, email);
      const erased = await connector.erase({ email });
      const corrected = await connector.correct({ email }, [{ attribute: 'name', value: 'x' }]);

      // Assess
      expect(found).toEqual([]);
      expect(erased).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
      expect(corrected).toMatchObject({ matched: 0, changed: 0 });
      expect(await ids(schema, 'customers')).toEqual([1, 2, 3, 4]);
      expect(await ids(schema, 'order_items')).toEqual([100, 101, 102, 103, 104]);
    });
  });

  describe('errors at the edge', () => {
    it('a refused connection is transient: ConnectorUnavailableError', async () => {
      // Prepare: a port that was free a moment ago
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const address = probe.address();
          probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
        });
      });
      const closed = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', connectionTimeoutMillis: 2000 });
      const connector = new PostgresConnector(shopSystem('public'), closed, { anonymizationKey: KEY });

      // Act
      const locating = located(connector);

      // Assess
      await expect(locating).rejects.toThrow(ConnectorUnavailableError);
      await closed.end();
    });

    it('a table that does not exist is permanent: ConnectorConfigError naming neither value nor server text', async () => {
      // Prepare
      const connector = new PostgresConnector(shopSystem('no_such_schema'), pool, { anonymizationKey: KEY });

      // Act
      const locating = located(connector);

      // Assess
      await expect(locating).rejects.toThrow(ConnectorConfigError);
      await expect(locating).rejects.toThrow(/configured table does not exist \(SQLSTATE 42P01\)/);
    });
  });
});

describe('Method: PostgresConnector.probe', () => {
  it('says which configured tables and columns are missing, touching no row', async () => {
    // Prepare: the shop, a flag on a column that is not there, and a table that does not exist
    const schema = await seedShop();
    const system = shopSystem(schema, {
      flags: { marketing: { field: 'customers.marketing_ok', on: false, off: true } },
    });
    system.tables.push({
      name: 'refunds',
      schema,
      key: ['id'],
      identity: { email: { column: 'email' } },
      relations: [],
    });
    const before = (await pool.query(`SELECT count(*)::int AS n FROM ${schema}.customers`)).rows[0];

    // Act
    const report = await new PostgresConnector(system, pool, { anonymizationKey: KEY }).probe();
    const healthy = await new PostgresConnector(shopSystem(schema), pool, { anonymizationKey: KEY }).probe();

    // Assess
    expect(report.reachable).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['connection', true],
      [`table ${schema}.customers`, false],
      [`table ${schema}.orders`, true],
      [`table ${schema}.order_items`, true],
      [`table ${schema}.refunds`, false],
    ]);
    expect(report.checks[1]?.detail).toBe(`${schema}.customers has no column marketing_ok`);
    expect(healthy.checks.every((c) => c.ok)).toBe(true);
    expect((await pool.query(`SELECT count(*)::int AS n FROM ${schema}.customers`)).rows[0]).toEqual(before);
  });

  it('reports an unreachable server as not reachable, with what to check', async () => {
    // Prepare: a pool aimed at a port nothing listens on
    const nowhere = new pg.Pool({ connectionString: 'postgres://u:p@127.0.0.1:1/db', max: 1 });

    // Act
    const report = await new PostgresConnector(shopSystem('public'), nowhere, { anonymizationKey: KEY }).probe();
    await nowhere.end();

    // Assess
    expect(report).toMatchObject({ reachable: false, checks: [{ name: 'connection', ok: false }] });
    expect(report.checks[0]?.fix).toMatch(/host, port/);
  });
});
