import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, type LocalEndpoints, main, type SystemReport } from '../../../infra/cli/commands';
import { type RunningEmulator, startDynamoDb, startS3 } from '../../../infra/local/emulators';

const credentials = { accessKeyId: 'checkSystemsKey', secretAccessKey: 'checkSystemsSecret' };
const holds = { categories: ['identifiers'], purpose: 'testing' };

describe('Command: check-systems (against dynalite and s3rver)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-check-'));
  let dynamodb: RunningEmulator;
  let s3: RunningEmulator;
  let local: LocalEndpoints;

  beforeAll(async () => {
    dynamodb = await startDynamoDb({ credentials });
    s3 = await startS3({ directory: join(dir, 's3'), credentials });
    local = { dynamodb: dynamodb.endpoint, s3: s3.endpoint, credentials };
    const region = 'us-east-1';
    const ddb = new DynamoDBClient({ endpoint: dynamodb.endpoint, region, credentials });
    // a table without the index its system names
    await ddb.send(
      new CreateTableCommand({
        TableName: 'Customers',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    ddb.destroy();
    const client = new S3Client({ endpoint: s3.endpoint, region, credentials, forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: 'present-bucket' }));
    client.destroy();
  });

  afterAll(async () => {
    await dynamodb?.stop();
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the missing index and the missing bucket, passes the rest, and exits 1', async () => {
    // Prepare
    const file = join(dir, 'systems.json');
    const common = { holds, erasure: { strategy: 'delete' } };
    const s3System = { type: 's3-objects', prefix: 'p/', format: 'jsonl', identity: { email: { field: 'email' } } };
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        systems: [
          {
            id: 'customers',
            type: 'dynamodb',
            table: 'Customers',
            key: { partition: 'id' },
            identity: { email: { attribute: 'email', index: 'byEmail' } },
            ...common,
          },
          { id: 'events', bucket: 'present-bucket', ...s3System, ...common },
          { id: 'archive', bucket: 'missing-bucket', ...s3System, ...common },
        ],
      }),
    );
    const out: string[] = [];

    // Act
    const code = await main(
      ['check-systems', '--systems', file, '--json'],
      { out: (l) => out.push(l), err: () => {} },
      { local },
    );

    // Assess
    expect(code).toBe(EXIT.problems);
    const reports = JSON.parse(out.join('\n')) as SystemReport[];
    const failed = (id: string) =>
      reports
        .find((r) => r.system === id)
        ?.report.checks.filter((c) => !c.ok)
        .map((c) => c.name);
    expect(failed('customers')).toEqual(['index']);
    expect(failed('events')).toEqual([]);
    expect(failed('archive')).toEqual(['bucket']);
  });
});
