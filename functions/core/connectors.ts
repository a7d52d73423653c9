import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type pg from 'pg';
import { postgresPool } from '../../connectors/postgres/pool';
import { createConnector } from '../../connectors/registry';
import type { Connector } from '../../connectors/contract';
import type { PostgresSystemConfig, SystemsConfig } from '../../connectors/config';
import { dynamoSourceClient, s3Client } from './adapters/aws-clients';
import { findConnectedSystem } from './systems';

export type ConnectorFor = (systemId: string, anonymizationKey?: string) => Connector;

/**
 * Connectors for the configured systems, built with this function's SDK clients. Only erasure needs the
 * anonymisation key (for keyed-hash fields); locating gets none.
 */
export function connectorFactory(config: SystemsConfig): ConnectorFor {
  return (systemId, anonymizationKey = '') =>
    createConnector(findConnectedSystem(config, systemId), {
      dynamodb: dynamoSourceClient(),
      s3: s3Client(),
      postgres: postgresPoolFor,
      anonymizationKey,
    });
}

/** The environment variable giving a local Postgres server's URL: `DSAR_POSTGRES_URL_<NAME>` (set by the twin). */
export function localPostgresEnv(name: string): string {
  return `DSAR_POSTGRES_URL_${name.toUpperCase().replaceAll('-', '_')}`;
}

const pools = new Map<string, pg.Pool>();

/**
 * One pool per Postgres system for the life of the function (a warm Lambda reuses its connections). The password comes
 * from Secrets Manager through Powertools (cached five minutes, so a rotated secret is picked up), or is an IAM token.
 */
function postgresPoolFor(system: PostgresSystemConfig): pg.Pool {
  let pool = pools.get(system.id);
  if (pool === undefined) {
    pool = postgresPool(system, {
      secret: async (id) => {
        const value = await getSecret(id, { maxAge: 300 });
        return typeof value === 'string' ? value : '';
      },
      localUrl: (name) => process.env[localPostgresEnv(name)],
    });
    pools.set(system.id, pool);
  }
  return pool;
}
