import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { SystemConfig } from '../../../connectors/config';
import { DynamoDbConnector } from '../../../connectors/dynamodb/dynamodb-connector';
import { ConnectorConfigError } from '../../../connectors/errors';
import type pg from 'pg';
import { PostgresConnector } from '../../../connectors/postgres/postgres-connector';
import { createConnector, type ConnectorDeps } from '../../../connectors/registry';
import { S3ObjectsConnector } from '../../../connectors/s3-objects/s3-objects-connector';

const deps: ConnectorDeps = {
  dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  s3: new S3Client({}),
  anonymizationKey: 'k',
};
const holds = { categories: ['identifiers'], purpose: 'testing' };

describe('Function: createConnector', () => {
  it('maps a dynamodb system to the DynamoDB connector', () => {
    // Prepare
    const system = SystemConfig.parse({
      id: 'customers',
      type: 'dynamodb',
      table: 'Customers',
      key: { partition: 'id' },
      identity: { email: { attribute: 'email', index: 'byEmail' } },
      holds,
      erasure: { strategy: 'delete' },
    });

    // Act
    const connector = createConnector(system, deps);

    // Assess
    expect(connector).toBeInstanceOf(DynamoDbConnector);
    expect(connector.systemId).toBe('customers');
  });

  it('maps an s3-objects system to the S3 objects connector', () => {
    // Prepare
    const system = SystemConfig.parse({
      id: 'clickstream',
      type: 's3-objects',
      bucket: 'events',
      format: 'jsonl',
      identity: { email: { field: 'email' } },
      holds,
      erasure: { strategy: 'retain', reason: 'legal hold' },
    });

    // Act
    const connector = createConnector(system, deps);

    // Assess
    expect(connector).toBeInstanceOf(S3ObjectsConnector);
    expect(connector.systemId).toBe('clickstream');
  });

  it('rejects a type without an implementation as a configuration error', () => {
    // Prepare
    const system = { id: 'crm', type: 'mongodb', holds, erasure: { strategy: 'delete' } } as unknown as SystemConfig;

    // Act
    const create = (): unknown => createConnector(system, deps);

    // Assess
    expect(create).toThrow(ConnectorConfigError);
    expect(create).toThrow(/crm: no connector for system type 'mongodb'/);
  });

  it('builds a Postgres connector over the pool made for its system, and refuses one where no pools are set up', () => {
    // Prepare
    const system = SystemConfig.parse({
      id: 'shop',
      type: 'postgres',
      connection: { local: 'shop' },
      tables: [{ name: 'customers', key: ['id'], identity: { email: { column: 'email' } } }],
      holds,
      erasure: { strategy: 'delete' },
    });
    const asked: string[] = [];
    const postgres = (of: { id: string }) => {
      asked.push(of.id);
      return { connect: () => Promise.reject(new Error('not expected')) } as unknown as pg.Pool;
    };

    // Act
    const connector = createConnector(system, { ...deps, postgres });
    const without = (): unknown => createConnector(system, deps);

    // Assess
    expect(connector).toBeInstanceOf(PostgresConnector);
    expect(asked).toEqual(['shop']);
    expect(without).toThrow(/shop: no Postgres connections are set up here/);
  });

  it('surfaces a connector’s own configuration checks', () => {
    // Prepare
    const system = SystemConfig.parse({
      id: 'orders',
      type: 'dynamodb',
      table: 'Orders',
      key: { partition: 'orderId' },
      identity: { email: { attribute: 'email' } },
      holds,
      erasure: { strategy: 'anonymize', reason: 'accounting', fields: { name: { action: 'remove' } } },
    });

    // Act & Assess
    expect(() => createConnector(system, deps)).toThrow(ConnectorConfigError);
  });
});
