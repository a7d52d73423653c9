import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectedSystemConfig, SystemConfig } from './config';
import type { Connector } from './contract';
import { DynamoDbConnector } from './dynamodb/dynamodb-connector';
import { ConnectorConfigError } from './errors';
import type { HttpDeps } from './http/client';
import { HttpConnector } from './http/http-connector';
import { PostgresConnector } from './postgres/postgres-connector';
import type { PostgresPools } from './postgres/pool';
import { S3ObjectsConnector } from './s3-objects/s3-objects-connector';

/** What connectors are built with: SDK clients are injected (never created or patched here) and the anonymisation key. */
export interface ConnectorDeps {
  dynamodb: DynamoDBDocumentClient;
  s3: S3Client;
  /** HMAC key for `hash` anonymisation; the same deployment-wide key keeps hashes joinable across systems */
  anonymizationKey: string;
  /** a connection pool per Postgres system (absent where no Postgres system is configured) */
  postgres?: PostgresPools;
  /** how HTTP systems read their API key and find a local fake (absent where none is configured) */
  http?: HttpDeps;
}

type SystemType = ConnectedSystemConfig['type'];
type SystemOfType<T extends SystemType> = Extract<ConnectedSystemConfig, { type: T }>;
type Factories = { [T in SystemType]: (system: SystemOfType<T>, deps: ConnectorDeps) => Connector };

/** type → implementation: supporting a new kind of system is one line here (and its case in the config schema). */
const factories: Factories = {
  dynamodb: (system, deps) => new DynamoDbConnector(system, deps.dynamodb, { anonymizationKey: deps.anonymizationKey }),
  's3-objects': (system, deps) => new S3ObjectsConnector(system, deps.s3, { anonymizationKey: deps.anonymizationKey }),
  postgres: (system, deps) => {
    if (!deps.postgres) throw new ConnectorConfigError(system.id, 'no Postgres connections are set up here');
    return new PostgresConnector(system, deps.postgres(system), { anonymizationKey: deps.anonymizationKey });
  },
  http: (system, deps) => {
    if (!deps.http) throw new ConnectorConfigError(system.id, 'no HTTP access is set up here');
    return new HttpConnector(system, deps.http, { anonymizationKey: deps.anonymizationKey });
  },
};

function isKnownType(type: string): type is SystemType {
  return Object.hasOwn(factories, type);
}

/** The connector for one configured system. A type with no implementation is a configuration error. */
export function createConnector(system: SystemConfig, deps: ConnectorDeps): Connector {
  const type: string = system.type;
  // a manual system is asked through notices (functions/core/recipients.ts): no connector, by design
  if (system.type === 'manual') throw new ConnectorConfigError(system.id, 'a manual system has no connector');
  if (!isKnownType(type)) throw new ConnectorConfigError(system.id, `no connector for system type '${type}'`);
  return build(type, system as SystemOfType<typeof type>, deps);
}

/** Pairs a type with its factory (TypeScript cannot correlate the two through a union on its own). */
function build<T extends SystemType>(type: T, system: SystemOfType<T>, deps: ConnectorDeps): Connector {
  const factory: Factories[T] = factories[type];
  return factory(system, deps);
}
