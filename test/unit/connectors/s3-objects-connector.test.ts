import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectVersionsCommand,
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
import { REFUSED } from '../../../connectors/base';
import {
  EARLIER_VERSION_REASON,
  OBJECT_LOCK_CHANGE_REASON,
  OBJECT_LOCK_REASON,
} from '../../../connectors/s3-objects/versions';

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
  describe('Method: erase (conditional writes)', () => {
    it('reads, rewrites and deletes only if the object still has the ETag the census read', async () => {
      // Prepare
      listing('clicks/mixed.jsonl', 'clicks/only.jsonl');
      s3.on(GetObjectCommand, { Key: 'clicks/mixed.jsonl' }).callsFake(() => ({
        Body: body('{"email":"ann@example.com"}\n{"email":"bob@example.com"}\n'),
        ETag: '"mixed-1"',
      }));
      s3.on(GetObjectCommand, { Key: 'clicks/only.jsonl' }).callsFake(() => ({
        Body: body('{"email":"ann@example.com"}\n'),
        ETag: '"only-1"',
      }));
      s3.on(PutObjectCommand).resolves({});
      s3.on(DeleteObjectCommand).resolves({});

      // Act
      const outcome = await connector().erase({ email: EMAIL });

      // Assess
      expect(outcome).toEqual({ deleted: 2, anonymized: 0, retained: 0, unreadable: 0 });
      const reads = s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input);
      // the census reads fresh; the rewrite's read is conditional on what the census saw
      expect(reads).toContainEqual({ Bucket: 'events', Key: 'clicks/mixed.jsonl', IfMatch: '"mixed-1"' });
      expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ IfMatch: '"mixed-1"' });
      expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'events',
        Key: 'clicks/only.jsonl',
        IfMatch: '"only-1"',
      });
    });

    it.each([
      ['PutObject', PutObjectCommand],
      ['DeleteObject', DeleteObjectCommand],
    ] as const)(
      'turns a 412 on %s (the object changed meanwhile) into a retried ConnectorUnavailableError',
      async (_, command) => {
        // Prepare
        listing('clicks/a.jsonl');
        const text =
          command === PutObjectCommand
            ? '{"email":"ann@example.com"}\n{"email":"bob@example.com"}\n'
            : '{"email":"ann@example.com"}\n';
        s3.on(GetObjectCommand).callsFake(() => ({ Body: body(text), ETag: '"e1"' }));
        s3.on(command).rejects(s3Error('PreconditionFailed', 412));

        // Act
        const erased = connector().erase({ email: EMAIL });

        // Assess
        await expect(erased).rejects.toBeInstanceOf(ConnectorUnavailableError);
      },
    );

    it('turns a 412 on the rewrite’s read into ConnectorUnavailableError and uploads nothing', async () => {
      // Prepare
      listing('clicks/a.jsonl');
      s3.on(GetObjectCommand).callsFake((input: { IfMatch?: string }) => {
        if (input.IfMatch !== undefined) throw s3Error('PreconditionFailed', 412);
        return { Body: body('{"email":"ann@example.com"}\n{"email":"bob@example.com"}\n'), ETag: '"e1"' };
      });

      // Act
      const erased = connector().erase({ email: EMAIL });

      // Assess
      await expect(erased).rejects.toBeInstanceOf(ConnectorUnavailableError);
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it('keeps big integers and long decimals exactly when it re-serialises an anonymised line', async () => {
      // Prepare
      listing('clicks/a.jsonl');
      s3.on(GetObjectCommand).callsFake(() => ({
        Body: body('{"email":"ann@example.com","id":12345678901234567890,"amount":0.12345678901234567891,"n":1.5}\n'),
        ETag: '"e1"',
      }));
      s3.on(PutObjectCommand).resolves({});
      const config = system({
        erasure: { strategy: 'anonymize', reason: 'r', fields: { email: { action: 'replace', value: 'erased' } } },
      });

      // Act
      const outcome = await connector(config).erase({ email: EMAIL });

      // Assess
      expect(outcome.anonymized).toBe(1);
      const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
      expect(Buffer.from(put?.Body as Uint8Array).toString('utf8')).toBe(
        '{"email":"erased","id":12345678901234567890,"amount":0.12345678901234567891,"n":1.5}\n',
      );
    });
  });

  describe('Method: correct', () => {
    const rules = { correctable: { name: { field: 'name' }, phone: { field: 'tel' } } };

    it('rewrites only objects holding stale lines of the subject, If-Match on the census ETag, others’ bytes kept', async () => {
      // Prepare: a.jsonl holds one stale and one current line of Ann; b.jsonl only current ones; c.jsonl none
      listing('clicks/a.jsonl', 'clicks/b.jsonl', 'clicks/c.jsonl');
      const a =
        '{"email":"bob@example.com", "name": "Ann"}\r\n{"email":"ANN@example.com","name":"Anne","n":12345678901234567890}\r\n{"email":"ann@example.com", "name":"Ann"}\r\n{broken\r\n';
      s3.on(GetObjectCommand, { Key: 'clicks/a.jsonl' }).callsFake(() => ({
        Body: body(a),
        ContentType: 'application/x-ndjson',
        ETag: '"a1"',
      }));
      s3.on(GetObjectCommand, { Key: 'clicks/b.jsonl' }).callsFake(() => ({
        Body: body('{"email":"ann@example.com","name":"Ann"}\n'),
        ETag: '"b1"',
      }));
      s3.on(GetObjectCommand, { Key: 'clicks/c.jsonl' }).callsFake(() => ({
        Body: body('{"email":"carl@example.com"}\n'),
        ETag: '"c1"',
      }));
      s3.on(PutObjectCommand).resolves({});

      // Act
      const outcome = await connector(system(rules)).correct({ email: EMAIL }, [{ attribute: 'name', value: 'Ann' }]);

      // Assess
      expect(outcome).toEqual({ matched: 3, changed: 1, unchanged: 2, retained: 0, unreadable: 1, refused: [] });
      const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
      expect(puts).toHaveLength(1);
      expect(puts[0]).toMatchObject({ Key: 'clicks/a.jsonl', IfMatch: '"a1"', ContentType: 'application/x-ndjson' });
      expect(Buffer.from(puts[0]?.Body as Uint8Array).toString('utf8')).toBe(
        '{"email":"bob@example.com", "name": "Ann"}\r\n{"email":"ANN@example.com","name":"Ann","n":12345678901234567890}\r\n{"email":"ann@example.com", "name":"Ann"}\r\n{broken\r\n',
      );
      expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toContainEqual({
        Bucket: 'events',
        Key: 'clicks/a.jsonl',
        IfMatch: '"a1"',
      });
      expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    });

    it('adds a missing property to the subject’s JSON line only', async () => {
      // Prepare
      listing('clicks/a.jsonl');
      s3.on(GetObjectCommand).callsFake(() => ({
        Body: body('{"email":"ann@example.com"}\n{"email":"bob@example.com"}\n'),
        ETag: '"a1"',
      }));
      s3.on(PutObjectCommand).resolves({});

      // Act
      const outcome = await connector(system(rules)).correct({ email: EMAIL }, [
        { attribute: 'phone', value: '+1 555' },
      ]);

      // Assess
      expect(outcome).toMatchObject({ matched: 1, changed: 1, refused: [] });
      const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
      expect(Buffer.from(put?.Body as Uint8Array).toString('utf8')).toBe(
        '{"email":"ann@example.com","tel":"+1 555"}\n{"email":"bob@example.com"}\n',
      );
    });

    it('CSV: refuses a field that is not a column (the header and others’ rows stay byte for byte), writes the rest', async () => {
      // Prepare
      listing('clicks/a.csv');
      const csv = 'email,name\r\nbob@example.com,"Bob, ""B"""\r\nann@example.com,Anne\r\n';
      s3.on(GetObjectCommand).callsFake(() => ({ Body: body(csv), ETag: '"a1"' }));
      s3.on(PutObjectCommand).resolves({});
      const config = system({ ...rules, format: 'csv' });

      // Act
      const outcome = await connector(config).correct({ email: EMAIL }, [
        { attribute: 'name', value: 'Ann, "A"' },
        { attribute: 'phone', value: '+1 555' },
      ]);

      // Assess
      expect(outcome).toEqual({
        matched: 1,
        changed: 1,
        unchanged: 0,
        retained: 0,
        unreadable: 0,
        refused: [{ name: 'phone', reason: REFUSED.noColumn }],
      });
      const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
      expect(Buffer.from(put?.Body as Uint8Array).toString('utf8')).toBe(
        'email,name\r\nbob@example.com,"Bob, ""B"""\r\nann@example.com,"Ann, ""A"""\r\n',
      );
    });

    it('CSV: a cell already reading as the configured value (false as "false") is unchanged and nothing is written', async () => {
      // Prepare
      listing('clicks/a.csv');
      s3.on(GetObjectCommand).callsFake(() => ({ Body: body('email,optIn\nann@example.com,false\n'), ETag: '"a1"' }));
      const config = system({ format: 'csv', flags: { marketing: { field: 'optIn', on: false, off: true } } });

      // Act
      const outcome = await connector(config).setFlags({ email: EMAIL }, [{ flag: 'marketing', on: true }]);

      // Assess
      expect(outcome).toEqual({ matched: 1, changed: 0, unchanged: 1, retained: 0, unreadable: 0, refused: [] });
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it('turns a 412 on the rewrite (the object changed meanwhile) into a retried ConnectorUnavailableError', async () => {
      // Prepare
      listing('clicks/a.jsonl');
      s3.on(GetObjectCommand).callsFake(() => ({ Body: body('{"email":"ann@example.com"}\n'), ETag: '"a1"' }));
      s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));

      // Act
      const corrected = connector(system(rules)).correct({ email: EMAIL }, [{ attribute: 'name', value: 'Ann' }]);

      // Assess
      await expect(corrected).rejects.toBeInstanceOf(ConnectorUnavailableError);
    });
  });

  describe('Versioned buckets', () => {
    const versioned = () => system({ versioned: true });
    const line = (email: string) => `{"email":"${email}"}\n`;

    /** ListObjectVersions: [key, versionId, isLatest] …, plus a delete marker that must be ignored. */
    function versions(...list: [string, string, boolean][]): void {
      s3.on(ListObjectVersionsCommand).resolves({
        Versions: list.map(([Key, VersionId, IsLatest]) => ({ Key, VersionId, IsLatest })),
        DeleteMarkers: [{ Key: 'clicks/a.jsonl', VersionId: 'marker', IsLatest: false }],
      });
    }

    it('locate reads every version, so a subject left in an old one is found', async () => {
      // Prepare
      versions(['clicks/a.jsonl', 'v2', true], ['clicks/a.jsonl', 'v1', false]);
      s3.on(GetObjectCommand, { VersionId: 'v2' }).callsFake(() => ({ Body: body(line('bob@example.com')) }));
      s3.on(GetObjectCommand, { VersionId: 'v1' }).callsFake(() => ({ Body: body(line(EMAIL)) }));

      // Act
      const found = await collect(connector(versioned()).locate({ email: EMAIL }));

      // Assess
      expect(found).toEqual([{ email: EMAIL }]);
      expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
    });

    it('follows ListObjectVersions’ markers page by page', async () => {
      // Prepare
      s3.on(ListObjectVersionsCommand)
        .resolvesOnce({
          Versions: [{ Key: 'clicks/a.jsonl', VersionId: 'v1', IsLatest: true }],
          IsTruncated: true,
          NextKeyMarker: 'clicks/a.jsonl',
          NextVersionIdMarker: 'v1',
        })
        .resolvesOnce({ Versions: [{ Key: 'clicks/b.jsonl', VersionId: 'v9', IsLatest: true }] });
      s3.on(GetObjectCommand).callsFake(() => ({ Body: body(line(EMAIL)) }));

      // Act
      const found = await collect(connector(versioned()).locate({ email: EMAIL }));

      // Assess
      expect(found).toHaveLength(2);
      expect(s3.commandCalls(ListObjectVersionsCommand)[1]?.args[0].input).toMatchObject({
        KeyMarker: 'clicks/a.jsonl',
        VersionIdMarker: 'v1',
      });
    });

    it('erase deletes every version holding the subject by VersionId and rewrites the current one', async () => {
      // Prepare: v3 (current) mixes Ann and Bob, v2 is Bob's only, v1 is Ann's only, v0 mixes both
      versions(
        ['clicks/a.jsonl', 'v3', true],
        ['clicks/a.jsonl', 'v2', false],
        ['clicks/a.jsonl', 'v1', false],
        ['clicks/a.jsonl', 'v0', false],
      );
      const content: Record<string, string> = {
        v3: line(EMAIL) + line('bob@example.com'),
        v2: line('bob@example.com'),
        v1: line(EMAIL),
        v0: line('bob@example.com') + line(EMAIL),
      };
      s3.on(GetObjectCommand).callsFake((input: { VersionId: string }) => ({
        Body: body(content[input.VersionId] ?? ''),
        ETag: `"etag-${input.VersionId}"`,
      }));
      s3.on(PutObjectCommand).resolves({});
      s3.on(DeleteObjectCommand).resolves({});

      // Act
      const outcome = await connector(versioned()).erase({ email: EMAIL });

      // Assess
      expect(outcome).toEqual({ deleted: 3, anonymized: 0, retained: 0, unreadable: 0 });
      const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
      expect(put).toMatchObject({ Key: 'clicks/a.jsonl', IfMatch: '"etag-v3"' });
      expect(Buffer.from(put?.Body as Uint8Array).toString('utf8')).toBe(line('bob@example.com'));
      const deleted = s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input);
      expect(deleted).toEqual([
        { Bucket: 'events', Key: 'clicks/a.jsonl', VersionId: 'v3' },
        { Bucket: 'events', Key: 'clicks/a.jsonl', VersionId: 'v1' },
        { Bucket: 'events', Key: 'clicks/a.jsonl', VersionId: 'v0' },
      ]);
      // the rewrite's read was of that very version
      expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toContainEqual({
        Bucket: 'events',
        Key: 'clicks/a.jsonl',
        VersionId: 'v3',
        IfMatch: '"etag-v3"',
      });
    });

    it.each([
      ['a legal hold', { ObjectLockLegalHoldStatus: 'ON' as const }],
      [
        'a retention period not yet over',
        { ObjectLockMode: 'COMPLIANCE' as const, ObjectLockRetainUntilDate: new Date('2031-01-01T00:00:00Z') },
      ],
    ])(
      'reports versions under %s as retained with the lock as the reason, and deletes nothing of them',
      async (_, lock) => {
        // Prepare
        versions(['clicks/a.jsonl', 'v2', true], ['clicks/a.jsonl', 'v1', false]);
        s3.on(GetObjectCommand, { VersionId: 'v2' }).callsFake(() => ({ Body: body(line(EMAIL)), ETag: '"2"' }));
        s3.on(GetObjectCommand, { VersionId: 'v1' }).callsFake(() => ({
          Body: body(line(EMAIL) + line(EMAIL)),
          ETag: '"1"',
          ...lock,
        }));
        s3.on(DeleteObjectCommand).resolves({});
        const subject = new S3ObjectsConnector(versioned(), client, {
          anonymizationKey: 'k',
          now: () => new Date('2030-01-01T00:00:00Z'),
        });

        // Act
        const outcome = await subject.erase({ email: EMAIL });

        // Assess
        expect(outcome).toEqual({
          deleted: 1,
          anonymized: 0,
          retained: 2,
          unreadable: 0,
          retainedReason: OBJECT_LOCK_REASON,
        });
        expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.VersionId)).toEqual(['v2']);
      },
    );

    it('setFlags rewrites the current version and deletes the one it replaced; earlier stale versions are retained, not deleted', async () => {
      // Prepare: v3 (current) and v1 hold Ann without the flag; v2 holds her with it already set
      versions(['clicks/a.jsonl', 'v3', true], ['clicks/a.jsonl', 'v2', false], ['clicks/a.jsonl', 'v1', false]);
      const content: Record<string, string> = {
        v3: `${line(EMAIL)}${line('bob@example.com')}`,
        v2: '{"email":"ann@example.com","held":"yes"}\n',
        v1: `${line('carl@example.com')}${line(EMAIL)}`,
      };
      s3.on(GetObjectCommand).callsFake((input: { VersionId: string }) => ({
        Body: body(content[input.VersionId] ?? ''),
        ETag: `"etag-${input.VersionId}"`,
      }));
      s3.on(PutObjectCommand).resolves({});
      s3.on(DeleteObjectCommand).resolves({});
      const config = system({ versioned: true, flags: { restriction: { field: 'held', on: 'yes', off: 'no' } } });

      // Act
      const outcome = await connector(config).setFlags({ email: EMAIL }, [{ flag: 'restriction', on: true }]);

      // Assess
      expect(outcome).toEqual({
        matched: 3,
        changed: 1,
        unchanged: 1,
        retained: 1,
        retainedReason: EARLIER_VERSION_REASON,
        unreadable: 0,
        refused: [],
      });
      const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
      expect(put).toMatchObject({ Key: 'clicks/a.jsonl', IfMatch: '"etag-v3"' });
      expect(Buffer.from(put?.Body as Uint8Array).toString('utf8')).toBe(
        `{"email":"ann@example.com","held":"yes"}\n${line('bob@example.com')}`,
      );
      expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input)).toEqual([
        { Bucket: 'events', Key: 'clicks/a.jsonl', VersionId: 'v3' },
      ]);
    });

    it('correct leaves a locked current version as it is, its stale lines retained with the lock as the reason', async () => {
      // Prepare
      versions(['clicks/a.jsonl', 'v1', true]);
      s3.on(GetObjectCommand).callsFake(() => ({
        Body: body(line(EMAIL) + line(EMAIL)),
        ETag: '"1"',
        ObjectLockLegalHoldStatus: 'ON',
      }));
      const config = system({ versioned: true, correctable: { name: { field: 'name' } } });

      // Act
      const outcome = await connector(config).correct({ email: EMAIL }, [{ attribute: 'name', value: 'Ann' }]);

      // Assess
      expect(outcome).toEqual({
        matched: 2,
        changed: 0,
        unchanged: 0,
        retained: 2,
        retainedReason: OBJECT_LOCK_CHANGE_REASON,
        unreadable: 0,
        refused: [],
      });
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
      expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    });

    it('erases a version whose retention period is over', async () => {
      // Prepare
      versions(['clicks/a.jsonl', 'v1', true]);
      s3.on(GetObjectCommand).callsFake(() => ({
        Body: body(line(EMAIL)),
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: new Date('2020-01-01T00:00:00Z'),
      }));
      s3.on(DeleteObjectCommand).resolves({});

      // Act
      const outcome = await connector(versioned()).erase({ email: EMAIL });

      // Assess
      expect(outcome).toEqual({ deleted: 1, anonymized: 0, retained: 0, unreadable: 0 });
    });
  });
});
