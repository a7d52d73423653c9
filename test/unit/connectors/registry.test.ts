import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { SystemConfig } from '../../../connectors/config';
import { DynamoDbConnector } from '../../../connectors/dynamodb/dynamodb-connector';
import { ConnectorConfigError } from '../../../connectors/errors';
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
    const system = { id: 'crm', type: 'postgres', holds, erasure: { strategy: 'delete' } } as unknown as SystemConfig;

    // Act
    const create = (): unknown => createConnector(system, deps);

    // Assess
    expect(create).toThrow(ConnectorConfigError);
    expect(create).toThrow(/crm: no connector for system type 'postgres'/);
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
