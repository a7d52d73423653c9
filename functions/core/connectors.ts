import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type pg from 'pg';
import { postgresPool } from '../../connectors/postgres/pool';
import { createConnector } from '../../connectors/registry';
import type { Connector } from '../../connectors/contract';
import type { ConnectedSystemConfig, PostgresSystemConfig, SystemsConfig } from '../../connectors/config';
import type { HttpDeps } from '../../connectors/http/client';
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
      http: httpDeps(findConnectedSystem(config, systemId)),
      anonymizationKey,
    });
}

/** The environment variables giving a local API's URL and key: `DSAR_HTTP_URL_<NAME>`, `DSAR_HTTP_SECRET_<NAME>`. */
export function localHttpEnv(name: string): { url: string; secret: string } {
  const suffix = name.toUpperCase().replaceAll('-', '_');
  return { url: `DSAR_HTTP_URL_${suffix}`, secret: `DSAR_HTTP_SECRET_${suffix}` };
}

/**
 * How an HTTP system reads its key: the named Secrets Manager secret through Powertools (cached five minutes, so a
 * rotated key is picked up); for a local fake the twin started, the key it made at this start.
 */
export function httpDeps(system: ConnectedSystemConfig): HttpDeps | undefined {
  if (system.type !== 'http') return undefined;
  const local = typeof system.baseUrl === 'string' ? undefined : localHttpEnv(system.baseUrl.local);
  return {
    secret: async (name) => {
      if (local) return process.env[local.secret] ?? '';
      const value = await getSecret(name, { maxAge: 300 });
      return typeof value === 'string' ? value : '';
    },
    localUrl: () => (local ? process.env[local.url] : undefined),
  };
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
