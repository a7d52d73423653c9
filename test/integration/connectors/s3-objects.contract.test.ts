import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SystemConfig } from '../../../connectors/config';
import { S3ObjectsConnector } from '../../../connectors/s3-objects/s3-objects-connector';
import { startS3 } from '../../../infra/local/emulators';
import { connectorContract, type ContractHarness, type ContractRecord } from '../../contract/connector-contract';

const KEY = 'contract-test-key';
const BUCKET = 'contract';
const OBJECTS = 3;
const COLUMNS: readonly (keyof ContractRecord)[] = [
  'id',
  'email',
  'name',
  'referrer',
  'marketing',
  'analytics',
  'restricted',
];

type Format = 'jsonl' | 'csv';

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function line(format: Format, record: ContractRecord): string {
  return format === 'jsonl'
    ? `${JSON.stringify(record)}\n`
    : `${COLUMNS.map((column) => csvCell(record[column])).join(',')}\n`;
}

/** A line no parser can read: not JSON, or a row of the wrong width. */
function unreadableLine(format: Format, n: number): string {
  return format === 'jsonl' ? `{"id": "broken-${n}", "email": \n` : `broken-${n},too,few\n`;
}

/** The id a line of the snapshot belongs to; undefined for a header or a line that cannot be read. */
function idOf(format: Format, text: string): string | undefined {
  if (format === 'csv') {
    const id = text.split(',')[0] ?? '';
    return id === 'id' || id.startsWith('broken') ? undefined : id;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && 'id' in parsed ? String(parsed.id) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The S3 objects connector against s3rver, for both formats. Each seed gets a prefix of its own, its records spread
 * over a few objects (so some objects are rewritten and some, holding only the subject, deleted). The snapshot maps
 * each record's id to its line's exact text: "unchanged" means byte for byte. s3rver listens on loopback only and is
 * stopped after the suite.
 */
function harness(format: Format): () => Promise<ContractHarness> {
  return async () => {
    const directory = mkdtempSync(join(tmpdir(), `s3-contract-${format}-`));
    const s3rver = await startS3({ directory });
    const client = new S3Client({
      endpoint: s3rver.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    let seeds = 0;
    return {
      canHoldUnreadable: true,
      async seed(records, erasure, options) {
        const prefix = `seed-${(seeds += 1)}/`;
        const bodies: string[] = Array.from({ length: OBJECTS }, () =>
          format === 'csv' ? `${COLUMNS.join(',')}\n` : '',
        );
        records.forEach((record, i) => {
          bodies[i % OBJECTS] += line(format, record);
        });
        for (let n = 0; n < options.unreadable; n += 1) bodies[0] += unreadableLine(format, n);
        await Promise.all(
          bodies.map((Body, i) =>
            client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}part-${i}.${format}`, Body })),
          ),
        );
        const system = SystemConfig.parse({
          id: 'contract',
          type: 's3-objects',
          bucket: BUCKET,
          prefix,
          format,
          identity: { [options.identityKind ?? 'email']: { field: 'email' } },
          holds: { categories: ['identifiers'], purpose: 'contract tests' },
          erasure,
          ...options.changes,
        });
        if (system.type !== 's3-objects') throw new Error('unexpected system type');
        return {
          connector: new S3ObjectsConnector(system, client, { anonymizationKey: KEY }),
          async snapshot() {
            const lines = new Map<string, unknown>();
            for await (const page of paginateListObjectsV2({ client }, { Bucket: BUCKET, Prefix: prefix })) {
              for (const object of page.Contents ?? []) {
                const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: object.Key }));
                const text = (await response.Body?.transformToString('utf8')) ?? '';
                for (const piece of text.split(/(?<=\n)/)) {
                  const id = idOf(format, piece);
                  if (id !== undefined) lines.set(id, piece);
                }
              }
            }
            return lines;
          },
        };
      },
      async close() {
        client.destroy();
        await s3rver.stop();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  };
}

connectorContract('S3 objects, JSON Lines (s3rver)', harness('jsonl'));
connectorContract('S3 objects, CSV (s3rver)', harness('csv'));
