import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type S3ObjectsSystemConfig, SystemConfig } from '../../../connectors/config';
import { ConnectorConfigError, ConnectorUnavailableError } from '../../../connectors/errors';
import { drain } from '../../../connectors/pass';
import { S3ObjectsConnector } from '../../../connectors/s3-objects/s3-objects-connector';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });
const EMAIL = 'ann@example.com';

function system(overrides: Record<string, unknown> = {}): S3ObjectsSystemConfig {
  const parsed = SystemConfig.parse({
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
  if (parsed.type !== 's3-objects') throw new Error('unexpected type');
  return parsed;
}

function connector(config: S3ObjectsSystemConfig = system()): S3ObjectsConnector {
  return new S3ObjectsConnector(config, client, { anonymizationKey: 'k' });
}

/** A GetObject body: the SDK's Node.js stream is a Readable, which is all the connector relies on. */
function body(...pieces: (string | Error)[]): GetObjectCommandOutput['Body'] {
  const stream = new Readable({ read() {} });
  for (const piece of pieces) {
    if (piece instanceof Error) process.nextTick(() => stream.destroy(piece));
    else stream.push(Buffer.from(piece));
  }
  if (!pieces.some((piece) => piece instanceof Error)) stream.push(null);
  return stream as unknown as GetObjectCommandOutput['Body'];
}

async function collect(records: AsyncIterable<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for await (const record of records) found.push(record);
  return found;
}

function listing(...keys: string[]): void {
  s3.on(ListObjectsV2Command).resolves({ Contents: keys.map((Key) => ({ Key })) });
}

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} for ${EMAIL}`,
  });
}

describe('Class: S3ObjectsConnector', () => {
  beforeEach(() => {
    s3.reset();
  });

  describe('Method: constructor', () => {
    it('rejects an anonymize rule that leaves the identity field', () => {
      // Prepare
      const config = system({
        erasure: { strategy: 'anonymize', reason: 'r', fields: { name: { action: 'remove' } } },
      });

      // Act & Assess
      expect(() => connector(config)).toThrow(ConnectorConfigError);
    });
  });

  describe('Method: locate', () => {
    it('streams the objects under the prefix and yields the subject’s lines, counting malformed ones', async () => {
      // Prepare
      listing('clicks/a.jsonl', 'clicks/b.jsonl');
      s3.on(GetObjectCommand, { Key: 'clicks/a.jsonl' }).resolves({
        Body: body('{"email":"ANN@example.com","p":1}\r\n{"email":"xann@example.com"}\r\n{broken\r\n'),
      });
      s3.on(GetObjectCommand, { Key: 'clicks/b.jsonl' }).resolves({
        Body: body('{"email":"bob@example.com"}\n{"em', 'ail":" ann@example.com ","p":2}\n[]\n'),
      });
      const subject = connector();

      // Act
      const found: Record<string, unknown>[] = [];
      const report = await drain(subject.locate({ email: EMAIL }), (record) => {
        found.push(record);
      });

      // Assess
      expect(found).toEqual([
        { email: 'ANN@example.com', p: 1 },
        { email: ' ann@example.com ', p: 2 },
      ]);
      expect(report.unreadable).toBe(2);
      expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toMatchObject({
        Bucket: 'events',
        Prefix: 'clicks/',
      });
    });

    it('skips an object deleted between listing and reading', async () => {
      // Prepare
      listing('clicks/gone.jsonl');
      s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } }));

      // Act
      const found = await collect(connector().locate({ email: EMAIL }));

      // Assess
      expect(found).toEqual([]);
    });

    it('translates NoSuchBucket into ConnectorConfigError without the email in the message', async () => {
      // Prepare
      const error = s3Error('NoSuchBucket', 404);
      s3.on(ListObjectsV2Command).rejects(error);

      // Act
      const located = collect(connector().locate({ email: EMAIL }));

      // Assess
      await expect(located).rejects.toBeInstanceOf(ConnectorConfigError);
      await expect(located).rejects.toMatchObject({ cause: error });
      await expect(located).rejects.not.toThrow(/ann@/);
    });

    it.each([
      ['SlowDown', s3Error('SlowDown', 503)],
      ['AccessDenied', s3Error('AccessDenied', 403)],
    ])('translates %s on GetObject', async (name, error) => {
      // Prepare
      listing('clicks/a.jsonl');
      s3.on(GetObjectCommand).rejects(error);

      // Act
      const located = collect(connector().locate({ email: EMAIL }));

      // Assess
      await expect(located).rejects.toBeInstanceOf(
        name === 'SlowDown' ? ConnectorUnavailableError : ConnectorConfigError,
      );
    });

    it('translates a connection reset while streaming a body into ConnectorUnavailableError', async () => {
      // Prepare
      listing('clicks/a.jsonl');
      s3.on(GetObjectCommand).resolves({
        Body: body('{"email":"ann@example.com"}\n{"email', Object.assign(new Error('aborted'), { code: 'ECONNRESET' })),
      });

      // Act
      const located = collect(connector().locate({ email: EMAIL }));

      // Assess
      await expect(located).rejects.toBeInstanceOf(ConnectorUnavailableError);
    });
  });

  describe('Method: erase', () => {
    it('rewrites an object keeping the other lines’ bytes, its content type and metadata', async () => {
      // Prepare
      listing('clicks/a.jsonl');
      const text =
        '{"email":"bob@example.com", "x": 1}\r\n{"email":"Ann@Example.com"}\r\n\r\n{not json}\r\n{"email":"carl@example.com"}';
      s3.on(GetObjectCommand).callsFake(() => ({
        Body: body(text),
        ContentType: 'application/x-ndjson',
        Metadata: { owner: 'analytics' },
        ETag: '"e1"',
      }));
      s3.on(PutObjectCommand).resolves({});

      // Act
      const outcome = await connector().erase({ email: EMAIL });

      // Assess
      expect(outcome).toEqual({ deleted: 1, anonymized: 0, retained: 0, unreadable: 1 });
      const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
      expect(put).toMatchObject({
        Bucket: 'events',
        Key: 'clicks/a.jsonl',
        ContentType: 'application/x-ndjson',
        Metadata: { owner: 'analytics' },
      });
      expect(Buffer.from(put?.Body as Uint8Array).toString('utf8')).toBe(
        '{"email":"bob@example.com", "x": 1}\r\n\r\n{not json}\r\n{"email":"carl@example.com"}',
      );
    });

    it('writes nothing to an object without the subject’s lines', async () => {
      // Prepare
      listing('clicks/a.jsonl');
      s3.on(GetObjectCommand).callsFake(() => ({ Body: body('{"email":"bob@example.com"}\n') }));

      // Act
      const outcome = await connector().erase({ email: EMAIL });

      // Assess
      expect(outcome).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
      expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    });

    it('deletes an object that holds only the subject’s lines', async () => {
      // Prepare
      listing('clicks/a.jsonl');
      s3.on(GetObjectCommand).callsFake(() => ({
        Body: body('{"email":"ann@example.com"}\n\n{"email":"ANN@example.com"}\n'),
      }));
      s3.on(DeleteObjectCommand).resolves({});

      // Act
      const outcome = await connector().erase({ email: EMAIL });

      // Assess
      expect(outcome).toEqual({ deleted: 2, anonymized: 0, retained: 0, unreadable: 0 });
      expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'events',
        Key: 'clicks/a.jsonl',
      });
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it('translates a body failing during the rewrite into ConnectorUnavailableError, and writes nothing', async () => {
      // Prepare
      listing('clicks/a.jsonl');
      const text = '{"email":"ann@example.com"}\n{"email":"bob@example.com"}\n';
      let reads = 0;
      s3.on(GetObjectCommand).callsFake(() => ({
        Body:
          (reads += 1) === 1
            ? body(text)
            : body(text.slice(0, 20), Object.assign(new Error('aborted'), { code: 'ECONNRESET' })),
      }));

      // Act
      const erased = connector().erase({ email: EMAIL });

      // Assess
      await expect(erased).rejects.toBeInstanceOf(ConnectorUnavailableError);
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it('translates a failed rewrite into ConnectorUnavailableError', async () => {
      // Prepare
      listing('clicks/a.jsonl');
      s3.on(GetObjectCommand).callsFake(() => ({
        Body: body('{"email":"ann@example.com"}\n{"email":"bob@example.com"}\n'),
      }));
      s3.on(PutObjectCommand).rejects(s3Error('InternalError', 500));

      // Act
      const erased = connector().erase({ email: EMAIL });

      // Assess
      await expect(erased).rejects.toBeInstanceOf(ConnectorUnavailableError);
    });
  });
});
