import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SystemConfig } from '../../../connectors/config';
import { drain } from '../../../connectors/pass';
import { postgresPool } from '../../../connectors/postgres/pool';
import { PostgresConnector } from '../../../connectors/postgres/postgres-connector';
import { seedOrdersDatabase, startPostgres } from '../../../infra/local/pglite';

const dataDir = mkdtempSync(join(tmpdir(), 'dsar-pglite-'));

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const CUSTOMERS = [
  { email: 'ada.lovelace@example.com', name: 'Ada Lovelace' },
  { email: 'grace.hopper@example.com', name: 'Grace Hopper' },
];

/** The demo's orders system as the twin would configure it: customers deleted, orders and items anonymised. */
const ORDERS = SystemConfig.parse({
  id: 'orders-db',
  type: 'postgres',
  connection: { local: 'orders' },
  tables: [
    { name: 'customers', key: ['id'], identity: { email: { column: 'email' } } },
    {
      name: 'orders',
      key: ['id'],
      identity: { email: { column: 'customer_email' } },
      relations: [{ table: 'order_items', column: 'order_id', references: 'id' }],
      erasure: {
        strategy: 'anonymize',
        reason: 'bookkeeping',
        fields: {
          customer_email: { action: 'hash' },
          ship_name: { action: 'replace', value: 'erased' },
          ship_address: { action: 'remove' },
        },
      },
    },
    {
      name: 'order_items',
      key: ['id'],
      erasure: { strategy: 'anonymize', reason: 'bookkeeping', fields: { gift_message: { action: 'remove' } } },
    },
  ],
  holds: { categories: ['identifiers', 'commercial_information'], purpose: 'orders' },
  erasure: { strategy: 'delete' },
});

describe('Function: startPostgres', () => {
  it('serves the seeded orders database over the wire to the functions’ pool, keeps it on disk across a restart, seeds it once', async () => {
    // Prepare
    const first = await startPostgres({ dataDir });
    await seedOrdersDatabase(first.db, CUSTOMERS);
    await first.stop();

    // Act
    const second = await startPostgres({ dataDir });
    await seedOrdersDatabase(second.db, CUSTOMERS);
    if (ORDERS.type !== 'postgres') throw new TypeError('unexpected system type');
    // the functions' own pool, from the system's `local` name: dates and times come back as the server wrote them
    const pool = postgresPool(ORDERS, {
      secret: async () => '',
      localUrl: (name) => (name === 'orders' ? second.url : undefined),
    });
    const counts = await pool.query(
      'SELECT (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_items) AS items',
    );
    const placed = await pool.query('SELECT placed_at FROM orders ORDER BY id LIMIT 1');
    await pool.end();
    await second.stop();

    // Assess
    expect(new URL(second.url).hostname).toBe('127.0.0.1');
    expect(counts.rows[0]).toEqual({ customers: 2, orders: 4, items: 8 });
    expect(placed.rows[0]?.placed_at).toBe('2026-01-15 10:00:00+00');
  });

  it('the demo orders system: an access finds customer, orders and items; an erasure leaves nothing that matches', async () => {
    // Prepare
    const server = await startPostgres();
    await seedOrdersDatabase(server.db, CUSTOMERS);
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    if (ORDERS.type !== 'postgres') throw new TypeError('unexpected system type');
    const connector = new PostgresConnector(ORDERS, pool, { anonymizationKey: 'demo-key' });
    const tablesOf = async () => {
      const found: string[] = [];
      await drain(connector.locate({ email: 'ada.lovelace@example.com' }), (record) => {
        found.push(String(record._table));
      });
      return found;
    };

    // Act
    const before = await tablesOf();
    const erased = await connector.erase({ email: 'ada.lovelace@example.com' });
    const after = await tablesOf();
    const grace = await pool.query(
      "SELECT count(*)::int AS n FROM orders WHERE customer_email = 'grace.hopper@example.com'",
    );
    await pool.end();
    await server.stop();

    // Assess
    expect(before).toEqual([
      'customers',
      'orders',
      'orders',
      'order_items',
      'order_items',
      'order_items',
      'order_items',
    ]);
    expect(erased).toEqual({ deleted: 1, anonymized: 6, retained: 0, unreadable: 0 });
    expect(after).toEqual([]);
    expect(grace.rows[0]?.n).toBe(2);
  });
});
