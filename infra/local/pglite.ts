import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { SystemsConfig } from '../../connectors/config';
import { localPostgresEnv } from '../../functions/core/connectors';

/**
 * A Postgres server for the local twin and the tests: PGlite (Postgres compiled to WASM, in this process) served over
 * the Postgres wire protocol on loopback, so the connector reaches it with `pg` exactly as it reaches RDS.
 * PGlite is one connection at heart: the socket server queues clients, which is enough for one twin and its tests.
 */
export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** the database itself, for seeding and inspection without a socket */
  db: PGlite;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * Starts PGlite on a port the OS picks. `dataDir` keeps the database on disk (the twin's data dir, so it survives
 * restarts); absent, it lives in memory and is gone when stopped.
 */
export async function startPostgres(options: { dataDir?: string } = {}): Promise<RunningPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const server = new PGLiteSocketServer({ db, host: HOST, port: 0, maxConnections: 16 });
  await server.start();
  const port = Number(server.getServerConn().split(':').at(-1));
  return {
    url: `postgres://postgres@${HOST}:${port}/postgres`,
    db,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * The demo's orders database: customers, their orders (kept for the bookkeeping duty, anonymised on erasure) and the
 * orders' items (linked by order_id). Idempotent: seeding twice leaves one copy. `customers` are (email, name) pairs.
 */
export async function seedOrdersDatabase(
  db: PGlite,
  customers: readonly { email: string; name: string }[],
): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS customers (
      id serial PRIMARY KEY, email text NOT NULL, name text, phone text,
      marketing_opt_in boolean NOT NULL DEFAULT true);
    CREATE INDEX IF NOT EXISTS customers_email ON customers (lower(btrim(email)));
    CREATE TABLE IF NOT EXISTS orders (
      id serial PRIMARY KEY, customer_email text, ship_name text, ship_address text,
      total numeric(12, 2) NOT NULL, placed_at timestamptz NOT NULL);
    CREATE INDEX IF NOT EXISTS orders_email ON orders (lower(btrim(customer_email)));
    CREATE TABLE IF NOT EXISTS order_items (
      id serial PRIMARY KEY, order_id integer NOT NULL REFERENCES orders (id),
      sku text NOT NULL, quantity integer NOT NULL, gift_message text);`);
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
  if ((rows[0]?.n ?? 0) > 0) return;
  let order = 0;
  const unique = [...new Map(customers.map((customer) => [customer.email, customer])).values()];
  for (const [i, customer] of unique.entries()) {
    await db.query('INSERT INTO customers (email, name, phone) VALUES ($1, $2, $3)', [
      customer.email,
      customer.name,
      `+4930${String(1000000 + i)}`,
    ]);
    for (let n = 0; n < 2; n += 1) {
      order += 1;
      await db.query(
        'INSERT INTO orders (id, customer_email, ship_name, ship_address, total, placed_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [order, customer.email, customer.name, `${i + 1} Demo Street`, `${19 + n}.90`, `2026-0${n + 1}-15T10:00:00Z`],
      );
      await db.query(
        'INSERT INTO order_items (order_id, sku, quantity, gift_message) VALUES ($1, $2, 1, $3), ($1, $4, 2, NULL)',
        [order, `SKU-${n}`, n === 0 ? `for ${customer.name}` : null, `SKU-${n + 10}`],
      );
    }
  }
  await db.query(`SELECT setval('orders_id_seq', $1)`, [Math.max(order, 1)]);
}

/** The local Postgres servers a systems configuration names (`"connection": { "local": NAME }`), one per name. */
export function localPostgresNames(systems: SystemsConfig): string[] {
  const names = systems.systems.flatMap((system) =>
    system.type === 'postgres' && 'local' in system.connection ? [system.connection.local] : [],
  );
  return [...new Set(names)].sort();
}

export interface LocalPostgresServers {
  /** name → URL, for the functions' environment and local.json */
  urls: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts a PGlite server for every local Postgres name in the systems configuration (on disk under
 * `<dataDir>/postgres/<name>`, or in memory) and points the functions at it (`DSAR_POSTGRES_URL_<NAME>`). With
 * `seedOrders`, a server named `orders` gets the demo's orders database, once.
 */
export async function startLocalPostgres(
  systems: SystemsConfig,
  options: { dataDir?: string; seedOrders?: readonly { email: string; name: string }[] },
): Promise<LocalPostgresServers> {
  const running: RunningPostgres[] = [];
  const urls: Record<string, string> = {};
  const stop = async () => {
    for (const server of running.reverse()) await server.stop().catch(() => undefined);
  };
  try {
    for (const name of localPostgresNames(systems)) {
      const server = await startPostgres({
        dataDir: options.dataDir ? join(options.dataDir, 'postgres', name) : undefined,
      });
      running.push(server);
      if (name === 'orders' && options.seedOrders) await seedOrdersDatabase(server.db, options.seedOrders);
      urls[name] = server.url;
      process.env[localPostgresEnv(name)] = server.url;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, stop };
}
