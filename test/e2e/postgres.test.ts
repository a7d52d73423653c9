import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportDocument } from '../../functions/core/domain/export-format';
import { DeletionReceipt } from '../../functions/core/domain/receipt-format';
import { linkIn } from '../../infra/local/client';
import { DEMO_ERASED_PERSON, DEMO_PERSON } from '../../infra/local/demo-company';
import { runRequest, startTestTwinWithSystems, type TestTwin } from './support';

/**
 * The twin with an orders database served by PGlite: the default systems plus a Postgres system named `orders` locally.
 * The twin starts the server, seeds customers → orders → order_items, and the functions reach it over the wire.
 */
const ORDERS_SYSTEM = {
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
        reason: 'orders are kept for bookkeeping',
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
      erasure: {
        strategy: 'anonymize',
        reason: 'kept with their order',
        fields: { gift_message: { action: 'remove' } },
      },
    },
  ],
  holds: { categories: ['identifiers', 'commercial_information'], purpose: 'orders and fulfilment' },
  erasure: { strategy: 'delete' },
};

describe('End to end: a Postgres system in the twin', () => {
  let t: TestTwin;

  beforeAll(async () => {
    t = await startTestTwinWithSystems((systems) => {
      systems.systems.push(ORDERS_SYSTEM);
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('exports the subject’s customer row, orders and their items, each named by its table', async () => {
    // Act
    const run = await runRequest(t.client, { type: 'access', regulation: 'gdpr', subject: DEMO_PERSON });
    const document = ExportDocument.parse(
      JSON.parse((await t.client.download(linkIn(run.delivery, '/download'))).body),
    );

    // Assess
    expect(run.final).toMatchObject({ status: 'completed', systems: { searched: 3, failed: 0 } });
    const orders = document.systems.find((s) => s.id === 'orders-db');
    expect(orders?.records.map((r) => r._table)).toEqual([
      'customers',
      'orders',
      'orders',
      'order_items',
      'order_items',
      'order_items',
      'order_items',
    ]);
    expect(orders?.records[0]).toMatchObject({ email: DEMO_PERSON.email, name: DEMO_PERSON.name });
  });

  it('erases the subject there: customer deleted, orders and items anonymised, proven by the receipt', async () => {
    // Act
    const run = await runRequest(t.client, { type: 'deletion', regulation: 'gdpr', subject: DEMO_ERASED_PERSON });
    const receipt = DeletionReceipt.parse(
      JSON.parse((await t.client.download(linkIn(run.delivery, '/download'))).body),
    );
    const local = JSON.parse(readFileSync(join(t.dataDir, 'local.json'), 'utf8')) as { postgres: { orders: string } };
    const pool = new pg.Pool({ connectionString: local.postgres.orders, max: 1 });
    const left = await pool.query('SELECT count(*)::int AS n FROM customers WHERE email = $1', [
      DEMO_ERASED_PERSON.email,
    ]);
    const others = await pool.query('SELECT count(*)::int AS n FROM customers');
    await pool.end();

    // Assess
    expect(run.final.status).toBe('completed');
    expect(receipt.systems.find((s) => s.id === 'orders-db')).toMatchObject({
      outcome: 'erased',
      found: { records: 7 },
      erased: { deleted: 1, anonymized: 6, retained: 0 },
      confirmed: { remaining: 0, expected: 0 },
    });
    expect(left.rows[0]?.n).toBe(0);
    expect(others.rows[0]?.n).toBeGreaterThan(10);
  });
});
