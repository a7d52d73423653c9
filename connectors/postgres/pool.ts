import { Signer } from '@aws-sdk/rds-signer';
import pg from 'pg';
import type { PostgresSystemConfig } from '../config';
import { ConnectorConfigError } from '../errors';
import { sdkErrorTranslator } from '../sdk-errors';

/** What the connector needs of a pool: a client for one pass or one transaction (released by the connector). */
export type PostgresPool = Pick<pg.Pool, 'connect'>;

/** A pool for a configured system (the registry's dependency: one per system, reused across invocations). */
export type PostgresPools = (system: PostgresSystemConfig) => PostgresPool;

/** Where the credentials and local addresses come from (the composition root gives them: connectors read no env). */
export interface PoolSources {
  /** the SecretString of a Secrets Manager secret (ARN or name) */
  secret(id: string): Promise<string>;
  /** the `postgres://` URL of a local server the twin started, by name */
  localUrl(name: string): string | undefined;
}

/**
 * Column types handed over as the server's text rather than parsed: dates and times (a JS Date drops microseconds and
 * the offset the row was written with) and bytea (a Buffer does not survive JSON). An export shows what is stored.
 */
const AS_TEXT = new Set([
  1082, // date
  1083, // time
  1114, // timestamp
  1184, // timestamptz
  1186, // interval
  1266, // timetz
  17, // bytea
]);

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    AS_TEXT.has(oid)
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

const translateSecretsError = sdkErrorTranslator({
  service: 'Secrets Manager',
  transient: ['InternalServiceError', 'ThrottlingException', 'TimeoutError'],
  permanent: ['ResourceNotFoundException', 'AccessDeniedException', 'DecryptionFailure', 'InvalidRequestException'],
});

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The password in a secret: RDS's JSON (`{"username":…,"password":…}`) or the secret string itself. */
export function passwordOf(secretString: string): string {
  try {
    const parsed: unknown = JSON.parse(secretString);
    if (parsed !== null && typeof parsed === 'object' && 'password' in parsed && typeof parsed.password === 'string')
      return parsed.password;
  } catch {
    // not JSON: the secret is the password
  }
  return secretString;
}

/**
 * A pool for one system. Credentials are fetched when a connection is opened (pg calls `password`), so building the
 * pool is synchronous and costs nothing for a function that never reaches this system; an IAM token (15 minutes) is
 * signed per connection. Small: a Lambda serves one request at a time, and the database's connections are shared.
 */
export function postgresPool(system: PostgresSystemConfig, sources: PoolSources): pg.Pool {
  const connection = system.connection;
  const common = { max: 2, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000, types };
  if ('local' in connection) {
    const url = sources.localUrl(connection.local);
    if (url === undefined)
      throw new ConnectorConfigError(system.id, `no local Postgres server named '${connection.local}' is running`);
    if (!LOOPBACK.has(new URL(url).hostname))
      throw new ConnectorConfigError(system.id, `local Postgres server '${connection.local}' is not on loopback`);
    return quiet(new pg.Pool({ ...common, connectionString: url }));
  }
  const { host, port, database, user, auth, ssl } = connection;
  const password =
    'secret' in auth
      ? async () => {
          try {
            return passwordOf(await sources.secret(auth.secret));
          } catch (error) {
            throw translateSecretsError(system.id, 'GetSecretValue', error);
          }
        }
      : () => new Signer({ hostname: host, port, username: user, region: auth.iam.region }).getAuthToken();
  return quiet(
    new pg.Pool({
      ...common,
      host,
      port,
      database,
      user,
      password,
      ssl: ssl === 'verify-full' ? { rejectUnauthorized: true } : { rejectUnauthorized: false },
    }),
  );
}

/**
 * An idle connection the server closes (a failover, a restart, the twin stopping) makes the pool emit 'error'; with no
 * listener Node would end the process. The pool drops that connection by itself and the next query opens a new one, so
 * there is nothing to do here (a query in flight still fails, and is translated by the connector).
 */
function quiet(pool: pg.Pool): pg.Pool {
  pool.on('error', () => undefined);
  return pool;
}
