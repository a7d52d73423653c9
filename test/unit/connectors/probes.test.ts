import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import {
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NotFound,
  S3Client,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SystemConfig } from '../../../connectors/config';
import { DynamoDbConnector } from '../../../connectors/dynamodb/dynamodb-connector';
import { S3ObjectsConnector } from '../../../connectors/s3-objects/s3-objects-connector';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

function dynamo(overrides: Record<string, unknown> = {}): DynamoDbConnector {
  const system = SystemConfig.parse({
    id: 'customers',
    type: 'dynamodb',
    table: 'Customers',
    key: { partition: 'id' },
    identity: { email: { attribute: 'email', index: 'byEmail' } },
    holds: { categories: ['identifiers'], purpose: 'testing' },
    erasure: { strategy: 'delete' },
    ...overrides,
  });
  if (system.type !== 'dynamodb') throw new TypeError('unexpected type');
  return new DynamoDbConnector(system, DynamoDBDocumentClient.from(new DynamoDBClient({})), { anonymizationKey: '' });
}

function bucket(overrides: Record<string, unknown> = {}): S3ObjectsConnector {
  const system = SystemConfig.parse({
    id: 'clickstream',
    type: 's3-objects',
    bucket: 'events',
    prefix: 'clicks/',
    format: 'jsonl',
    identity: { email: { field: 'email' } },
    holds: { categories: ['internet_activity'], purpose: 'testing' },
    erasure: { strategy: 'delete' },
    ...overrides,
  });
  if (system.type !== 's3-objects') throw new TypeError('unexpected type');
  return new S3ObjectsConnector(system, new S3Client({ region: 'us-east-1' }), { anonymizationKey: '' });
}

const index = (name: string, key: string, projection: 'ALL' | 'KEYS_ONLY' = 'ALL') => ({
  IndexName: name,
  KeySchema: [{ AttributeName: key, KeyType: 'HASH' as const }],
  Projection: { ProjectionType: projection },
});

describe('Class: DynamoDbConnector', () => {
  beforeEach(() => ddb.reset());

  describe('Method: probe', () => {
    it('passes a table whose index is keyed by the identity attribute and projects ALL', async () => {
      // Prepare
      ddb.on(DescribeTableCommand).resolves({ Table: { GlobalSecondaryIndexes: [index('byEmail', 'email')] } });

      // Act
      const report = await dynamo().probe();

      // Assess
      expect(report.reachable).toBe(true);
      expect(report.checks.every((check) => check.ok)).toBe(true);
      expect(report.checks.map((check) => check.name)).toEqual(['table', 'index key', 'index projection']);
    });

    it('fails a missing index and says to create it', async () => {
      // Prepare
      ddb.on(DescribeTableCommand).resolves({ Table: { GlobalSecondaryIndexes: [] } });

      // Act
      const report = await dynamo().probe();

      // Assess
      expect(report.checks).toContainEqual(
        expect.objectContaining({ name: 'index', ok: false, fix: expect.stringContaining("GSI 'byEmail'") }),
      );
    });

    it('fails an index keyed by another attribute or not projecting ALL', async () => {
      // Prepare
      ddb
        .on(DescribeTableCommand)
        .resolves({ Table: { GlobalSecondaryIndexes: [index('byEmail', 'mail', 'KEYS_ONLY')] } });

      // Act
      const report = await dynamo().probe();

      // Assess
      expect(report.checks.filter((check) => !check.ok).map((check) => check.name)).toEqual([
        'index key',
        'index projection',
      ]);
    });

    it('fails a table to be scanned that holds more items than scanCeiling', async () => {
      // Prepare
      ddb.on(DescribeTableCommand).resolves({ Table: { ItemCount: 11 } });

      // Act
      const report = await dynamo({ identity: { email: { attribute: 'email' } }, scanCeiling: 10 }).probe();

      // Assess
      expect(report.checks).toContainEqual(expect.objectContaining({ name: 'scan ceiling', ok: false }));
    });

    it('reports a missing table as a failed check with the fix, not a throw', async () => {
      // Prepare
      ddb
        .on(DescribeTableCommand)
        .rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));

      // Act
      const report = await dynamo().probe();

      // Assess
      expect(report.reachable).toBe(false);
      expect(report.checks).toEqual([
        expect.objectContaining({ name: 'table', ok: false, fix: expect.stringContaining('create the table') }),
      ]);
    });
  });
});

describe('Class: S3ObjectsConnector', () => {
  beforeEach(() => s3.reset());

  describe('Method: probe', () => {
    it('passes a reachable, listable bucket whose versioning matches the declaration', async () => {
      // Prepare
      s3.on(HeadBucketCommand).resolves({});
      s3.on(ListObjectsV2Command).resolves({ KeyCount: 1, Contents: [{ Key: 'clicks/ann@example.com.jsonl' }] });
      s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
      s3.on(GetObjectLockConfigurationCommand).rejects(
        Object.assign(new Error('none'), { name: 'ObjectLockConfigurationNotFoundError' }),
      );

      // Act
      const report = await bucket({ versioned: true }).probe();

      // Assess
      expect(report).toEqual({ reachable: true, checks: expect.any(Array) });
      expect(report.checks.every((check) => check.ok)).toBe(true);
      expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toEqual({
        Bucket: 'events',
        Prefix: 'clicks/',
        MaxKeys: 1,
      });
      // keys are never echoed (a key may carry an identity)
      expect(JSON.stringify(report)).not.toContain('ann@example.com');
    });

    it('fails a versioned bucket declared unversioned: old versions would survive an erasure', async () => {
      // Prepare
      s3.on(HeadBucketCommand).resolves({});
      s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
      s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });

      // Act
      const report = await bucket().probe();

      // Assess
      expect(report.checks).toContainEqual(
        expect.objectContaining({ name: 'versioning', ok: false, fix: expect.stringContaining('"versioned": true') }),
      );
    });

    it('says when Object Lock is on, and its default retention: locked records cannot be erased until it ends', async () => {
      // Prepare
      s3.on(HeadBucketCommand).resolves({});
      s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
      s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
      s3.on(GetObjectLockConfigurationCommand).resolves({
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
        },
      });

      // Act
      const report = await bucket({ versioned: true }).probe();

      // Assess
      expect(report.checks).toContainEqual({
        name: 'object lock',
        ok: true,
        detail: 'enabled (default COMPLIANCE 30 days): locked records are reported retained until their lock ends',
      });
    });

    it('fails when the Object Lock configuration cannot be read, naming the permission', async () => {
      // Prepare
      s3.on(HeadBucketCommand).resolves({});
      s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
      s3.on(GetBucketVersioningCommand).resolves({});
      s3.on(GetObjectLockConfigurationCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

      // Act
      const report = await bucket().probe();

      // Assess
      expect(report.checks).toContainEqual(
        expect.objectContaining({
          name: 'object lock',
          ok: false,
          fix: expect.stringContaining('GetBucketObjectLockConfiguration'),
        }),
      );
    });

    it('fails a missing bucket and says to create it', async () => {
      // Prepare
      s3.on(HeadBucketCommand).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));

      // Act
      const report = await bucket().probe();

      // Assess
      expect(report.checks).toEqual([
        expect.objectContaining({ name: 'bucket', ok: false, fix: expect.stringContaining('create the bucket') }),
      ]);
      expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
    });
  });
});
