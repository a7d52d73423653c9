import pg from 'pg';
import { SystemConfig } from '../../../connectors/config';
import { PostgresConnector } from '../../../connectors/postgres/postgres-connector';
import { startPostgres } from '../../../infra/local/pglite';
import { connectorContract, type ContractHarness, renamedChanges } from '../../contract/connector-contract';

const KEY = 'contract-test-key';

/**
 * The Postgres connector against PGlite served over the wire protocol on loopback, reached with `pg` as RDS is.
 * Each seed gets a schema of its own holding one searched table; the server is stopped after the suite.
 */

async function harness(): Promise<ContractHarness> {
  const server = await startPostgres();
  const pool = new pg.Pool({ connectionString: server.url, max: 2 });
  let schemas = 0;
  return {
    async seed(records, erasure, options) {
      const schema = `contract_${(schemas += 1)}`;
      await pool.query(`CREATE SCHEMA ${schema}`);
      await pool.query(
        `CREATE TABLE ${schema}.people (id text PRIMARY KEY, email text NOT NULL, name text, referrer text,
           marketing text, analytics text, restricted text)`,
      );
      for (const record of records)
        await pool.query(
          `INSERT INTO ${schema}.people (id, email, name, referrer, marketing, analytics, restricted)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            record.id,
            record.email,
            record.name,
            record.referrer,
            record.marketing,
            record.analytics,
            record.restricted,
          ],
        );
      const system = SystemConfig.parse({
        id: 'contract',
        type: 'postgres',
        connection: { local: 'contract' },
        tables: [
          { name: 'people', schema, key: ['id'], identity: { [options.identityKind ?? 'email']: { column: 'email' } } },
        ],
        holds: { categories: ['identifiers'], purpose: 'contract tests' },
        erasure,
        ...renamedChanges(options.changes, (field) => `people.${field}`),
      });
      if (system.type !== 'postgres') throw new TypeError('unexpected system type');
      return {
        connector: new PostgresConnector(system, pool, { anonymizationKey: KEY }),
        async snapshot() {
          const { rows } = await pool.query(`SELECT * FROM ${schema}.people ORDER BY id`);
          return new Map(rows.map((row) => [String(row.id), row]));
        },
      };
    },
    async close() {
      await pool.end();
      await server.stop();
    },
  };
}

connectorContract('Postgres (PGlite over the wire)', harness);
