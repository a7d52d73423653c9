import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3ObjectsSystemConfig } from '../../../connectors/config';
import { SystemConfig } from '../../../connectors/config';
import { ConnectorConfigError, ConnectorUnavailableError } from '../../../connectors/errors';
import { drain } from '../../../connectors/pass';
import { S3ObjectsConnector } from '../../../connectors/s3-objects/s3-objects-connector';
import { startS3, type RunningEmulator } from '../../../infra/local/emulators';
import { note, pick, population, random, SUBJECT, SUBJECT_SPELLINGS } from './people';

const KEY = 'test-anonymisation-key';
const BUCKET = 'connector-data';

type Format = 'jsonl' | 'csv';

/** Lines every seeded prefix holds that cannot be parsed (see seedObjects): every pass over it reports them. */
const UNREADABLE: Record<Format, number> = { jsonl: 2, csv: 1 };
type Row = Record<string, string>;

/** One seeded line: its exact text (terminator included), and the record when it is a data line. */
interface SeedLine {
  text: string;
  record?: Row;
  subject: boolean;
}

interface SeedObject {
  key: string;
  contentType: string;
  lines: SeedLine[];
}

const COLUMNS = ['email', 'name', 'note', 'n'];

function csvCell(value: string, forceQuotes = false): string {
  return forceQuotes || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A data line in the given format; `style` varies the bytes a rewrite must keep (key order, spacing, quoting). */
function dataLine(format: Format, row: Row, eol: string, style: number, subject: boolean): SeedLine {
  if (format === 'jsonl') {
    const text = style % 4 === 0 ? JSON.stringify(row, null, 0).replace(/,"/g, ', "') : JSON.stringify(row);
    return { text: text + eol, record: row, subject };
  }
  const cells = COLUMNS.map((column, i) => csvCell(row[column] ?? '', style % 5 === 0 && i === 0));
  return { text: cells.join(',') + eol, record: row, subject };
}

/**
 * The objects of one scenario: ten objects mixing everybody (some CRLF, one ending without a newline on the subject's
 * line, one on somebody else's), one holding only the subject, one holding nobody of interest.
 */
function seedObjects(prefix: string, format: Format): SeedObject[] {
  const next = random(format === 'jsonl' ? 7 : 11);
  const people = population();
  const contentType = format === 'jsonl' ? 'application/x-ndjson' : 'text/csv; charset=utf-8';
  const header = (eol: string): SeedLine[] =>
    format === 'csv' ? [{ text: COLUMNS.join(',') + eol, subject: false }] : [];
  const objects: SeedObject[] = [];
  let n = 0;
  for (let o = 0; o < 10; o += 1) {
    const eol = o % 3 === 0 ? '\r\n' : '\n';
    const lines: SeedLine[] = [];
    people.forEach((person, i) => {
      if (i % 10 !== o && (i + 3) % 10 !== o && (i + 7) % 10 !== o) return;
      lines.push(
        dataLine(
          format,
          { email: person.email, name: person.name, note: note(next), n: String((n += 1)) },
          eol,
          i,
          false,
        ),
      );
    });
    if ([1, 2, 4, 7, 8].includes(o)) {
      for (let s = 0; s < 3; s += 1) {
        const row = {
          email: pick(next, SUBJECT_SPELLINGS),
          name: 'Ann "Annie" Example',
          note: note(next),
          n: String((n += 1)),
        };
        lines.splice(Math.floor(next() * lines.length), 0, dataLine(format, row, eol, s, true));
      }
    }
    if (o === 3) lines.splice(5, 0, { text: eol, subject: false }, { text: `   ${eol}`, subject: false });
    if (o === 5)
      lines.splice(9, 0, {
        text:
          format === 'jsonl'
            ? `{"email": "person.1@example.org", "name": broken${eol}`
            : `person.1@example.org,too,few${eol}`,
        subject: false,
      });
    if (o === 6 && format === 'jsonl') lines.splice(2, 0, { text: `[1,2,3]${eol}`, subject: false });
    if (o === 8) {
      const last = dataLine(
        format,
        { email: 'ANN@example.com', name: 'Ann', note: 'last line, no newline', n: String((n += 1)) },
        '',
        1,
        true,
      );
      lines.push(last);
    }
    if (o === 9)
      lines.push(
        dataLine(
          format,
          { email: 'person.9@example.org', name: 'Nine', note: 'no newline', n: String((n += 1)) },
          '',
          1,
          false,
        ),
      );
    objects.push({ key: `${prefix}mixed-${o}.${format}`, contentType, lines: [...header(eol), ...lines] });
  }
  const onlyAnn: SeedLine[] = [
    ...header('\n'),
    dataLine(format, { email: 'ann@example.com', name: 'Ann', note: 'only one, "here"', n: '9001' }, '\n', 1, true),
    dataLine(format, { email: 'Ann@Example.com', name: 'Ann', note: 'multi\nline', n: '9002' }, '\n', 1, true),
  ];
  if (format === 'jsonl') onlyAnn.push({ text: '\n', subject: false });
  objects.push({ key: `${prefix}only-ann.${format}`, contentType, lines: onlyAnn });
  const nobody: SeedLine[] = [...header('\n')];
  for (let i = 0; i < 50; i += 1) {
    nobody.push(
      dataLine(
        format,
        { email: `someone.${i}@example.net`, name: 'Someone', note: note(next), n: String(i) },
        '\n',
        i,
        false,
      ),
    );
  }
  objects.push({ key: `${prefix}nobody.${format}`, contentType, lines: nobody });
  return objects;
}

function subjectRecords(objects: SeedObject[]): Row[] {
  return objects.flatMap((object) => object.lines.filter((line) => line.subject).map((line) => line.record ?? {}));
}

function concat(lines: SeedLine[]): Buffer {
  return Buffer.from(lines.map((line) => line.text).join(''), 'utf8');
}

function hmac(value: string): string {
  return createHmac('sha256', KEY).update(value).digest('hex');
}

/** What a subject's line must become under the test's anonymize rule, computed independently of the connector. */
function anonymizedText(format: Format, line: SeedLine): string {
  const row = line.record ?? {};
  const eol = line.text.endsWith('\r\n') ? '\r\n' : line.text.endsWith('\n') ? '\n' : '';
  const email = hmac(row.email ?? '');
  if (format === 'jsonl') return JSON.stringify({ email, name: 'redacted', n: row.n }) + eol;
  return [email, 'redacted', '', csvCell(row.n ?? '')].join(',') + eol;
}

/** Every object's expected body after the erasure, or undefined when the object must be gone. */
function expectedAfter(
  objects: SeedObject[],
  format: Format,
  strategy: 'delete' | 'anonymize' | 'retain',
): Map<string, Buffer | undefined> {
  const expected = new Map<string, Buffer | undefined>();
  for (const object of objects) {
    if (strategy === 'retain') expected.set(object.key, concat(object.lines));
    else if (strategy === 'anonymize') {
      expected.set(
        object.key,
        Buffer.from(
          object.lines.map((line) => (line.subject ? anonymizedText(format, line) : line.text)).join(''),
          'utf8',
        ),
      );
    } else {
      const kept = object.lines.filter((line) => !line.subject);
      const keptData = kept.filter(
        (line) => line.text.trim() !== '' && !(format === 'csv' && line === object.lines[0]),
      );
      const hadSubject = object.lines.some((line) => line.subject);
      expected.set(object.key, hadSubject && keptData.length === 0 ? undefined : concat(kept));
    }
  }
  return expected;
}

describe('Class: S3ObjectsConnector (s3rver)', () => {
  let s3rver: RunningEmulator;
  let directory: string;
  let client: S3Client;
  const writes: string[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 's3-objects-connector-'));
    s3rver = await startS3({ directory });
    client = s3Client(s3rver.endpoint);
    // Records every write, so tests can prove objects without the subject's lines are never written.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (
          ['PutObjectCommand', 'DeleteObjectCommand', 'CreateMultipartUploadCommand'].includes(
            context.commandName ?? '',
          )
        ) {
          const input = args.input as { Key?: string };
          writes.push(`${context.commandName}:${input.Key}`);
        }
        return next(args);
      },
      { step: 'initialize', name: 'recordWrites' },
    );
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  afterAll(async () => {
    client.destroy();
    await s3rver.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  function s3Client(endpoint: string): S3Client {
    return new S3Client({
      endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  }

  function system(prefix: string, format: Format, erasure: S3ObjectsSystemConfig['erasure']): S3ObjectsSystemConfig {
    const parsed = SystemConfig.parse({
      id: 'event-archive',
      type: 's3-objects',
      bucket: BUCKET,
      prefix,
      format,
      identity: { email: { field: 'email' } },
      holds: { categories: ['identifiers'], purpose: 'testing' },
      erasure,
    });
    if (parsed.type !== 's3-objects') throw new Error('unexpected system type');
    return parsed;
  }

  async function seed(prefix: string, format: Format): Promise<SeedObject[]> {
    const objects = seedObjects(prefix, format);
    await Promise.all(
      objects.map((object) =>
        client.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: object.key,
            Body: concat(object.lines),
            ContentType: object.contentType,
          }),
        ),
      ),
    );
    writes.length = 0;
    return objects;
  }

  async function bodies(prefix: string): Promise<Map<string, Buffer>> {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    const result = new Map<string, Buffer>();
    for (const object of listed.Contents ?? []) {
      const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: object.Key }));
      result.set(object.Key ?? '', Buffer.from((await response.Body?.transformToByteArray()) ?? []));
    }
    return result;
  }

  async function collect(records: AsyncIterable<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for await (const record of records) found.push(record);
    return found;
  }

  function assertBodies(actual: Map<string, Buffer>, expected: Map<string, Buffer | undefined>): void {
    for (const [key, body] of expected) {
      if (body === undefined) expect(actual.has(key), `${key} should be deleted`).toBe(false);
      else expect(actual.get(key)?.equals(body), `${key} should be byte-identical to the expectation`).toBe(true);
    }
    expect([...actual.keys()].sort()).toEqual(
      [...expected]
        .filter(([, body]) => body !== undefined)
        .map(([key]) => key)
        .sort(),
    );
  }

  function subjectKeys(objects: SeedObject[]): string[] {
    return objects.filter((object) => object.lines.some((line) => line.subject)).map((object) => object.key);
  }

  describe.each<Format>(['jsonl', 'csv'])('Format: %s', (format) => {
    describe('Method: locate', () => {
      it('returns exactly the subject’s records, whatever their spelling, and counts malformed lines', async () => {
        // Prepare
        const prefix = `locate-${format}/`;
        const objects = await seed(prefix, format);
        const connector = new S3ObjectsConnector(system(prefix, format, { strategy: 'delete' }), client, {
          anonymizationKey: KEY,
        });

        // Act
        const found: Record<string, unknown>[] = [];
        const report = await drain(connector.locate({ email: SUBJECT }), (record) => {
          found.push(record);
        });

        // Assess
        const expected = subjectRecords(objects);
        expect(expected.length).toBe(18);
        expect(found).toHaveLength(expected.length);
        expect(found).toEqual(expect.arrayContaining(expected));
        expect(found.every((record) => String(record.email).trim().toLowerCase() === SUBJECT)).toBe(true);
        expect(report.unreadable).toBe(UNREADABLE[format]);
        expect(writes).toEqual([]);
      });

      it('finds a look-alike only by its own address', async () => {
        // Prepare
        const prefix = `lookalike-${format}/`;
        await seed(prefix, format);
        const connector = new S3ObjectsConnector(system(prefix, format, { strategy: 'delete' }), client, {
          anonymizationKey: KEY,
        });

        // Act
        const found = await collect(connector.locate({ email: 'xann@example.com' }));

        // Assess
        expect(found.length).toBeGreaterThan(0);
        expect(found.every((record) => record.email === 'xann@example.com')).toBe(true);
      });
    });

    describe('Method: erase', () => {
      it('delete: drops the subject’s lines, keeps everybody else’s byte for byte, and a second run changes nothing', async () => {
        // Prepare
        const prefix = `delete-${format}/`;
        const objects = await seed(prefix, format);
        const connector = new S3ObjectsConnector(system(prefix, format, { strategy: 'delete' }), client, {
          anonymizationKey: KEY,
        });

        // Act
        const first = await connector.erase({ email: SUBJECT });
        const writesOfFirst = [...writes];
        writes.length = 0;
        const second = await connector.erase({ email: SUBJECT });

        // Assess
        expect(first).toEqual({ deleted: 18, anonymized: 0, retained: 0, unreadable: UNREADABLE[format] });
        expect(second).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: UNREADABLE[format] });
        assertBodies(await bodies(prefix), expectedAfter(objects, format, 'delete'));
        const onlyAnn = `${prefix}only-ann.${format}`;
        expect(writesOfFirst.sort()).toEqual(
          subjectKeys(objects)
            .map((key) => (key === onlyAnn ? `DeleteObjectCommand:${key}` : `PutObjectCommand:${key}`))
            .sort(),
        );
        expect(writes).toEqual([]);
        expect(await collect(connector.locate({ email: SUBJECT }))).toEqual([]);
        const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${prefix}mixed-1.${format}` }));
        expect(head.ContentType).toBe(objects[0]?.contentType);
      });

      it('anonymize: rewrites only the subject’s lines, keeps the rest byte for byte, and a second run changes nothing', async () => {
        // Prepare
        const prefix = `anonymize-${format}/`;
        const objects = await seed(prefix, format);
        const erasure = {
          strategy: 'anonymize',
          reason: 'aggregate statistics',
          fields: {
            email: { action: 'hash' },
            name: { action: 'replace', value: 'redacted' },
            note: { action: 'remove' },
          },
        } as const;
        const connector = new S3ObjectsConnector(system(prefix, format, erasure), client, { anonymizationKey: KEY });

        // Act
        const first = await connector.erase({ email: SUBJECT });
        const writesOfFirst = [...writes];
        writes.length = 0;
        const second = await connector.erase({ email: SUBJECT });

        // Assess
        expect(first).toEqual({ deleted: 0, anonymized: 18, retained: 0, unreadable: UNREADABLE[format] });
        expect(second).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: UNREADABLE[format] });
        assertBodies(await bodies(prefix), expectedAfter(objects, format, 'anonymize'));
        expect(writesOfFirst.sort()).toEqual(
          subjectKeys(objects)
            .map((key) => `PutObjectCommand:${key}`)
            .sort(),
        );
        expect(writes).toEqual([]);
        expect(await collect(connector.locate({ email: SUBJECT }))).toEqual([]);
      });

      it('retain: touches nothing and reports the subject’s records as retained, every time', async () => {
        // Prepare
        const prefix = `retain-${format}/`;
        const objects = await seed(prefix, format);
        const erasure = { strategy: 'retain', reason: 'tax records', law: 'HGB §257' } as const;
        const connector = new S3ObjectsConnector(system(prefix, format, erasure), client, { anonymizationKey: KEY });

        // Act
        const first = await connector.erase({ email: SUBJECT });
        const second = await connector.erase({ email: SUBJECT });

        // Assess
        expect(first).toEqual({ deleted: 0, anonymized: 0, retained: 18, unreadable: UNREADABLE[format] });
        expect(second).toEqual(first);
        expect(writes).toEqual([]);
        assertBodies(await bodies(prefix), expectedAfter(objects, format, 'retain'));
        expect(await collect(connector.locate({ email: SUBJECT }))).toHaveLength(18);
      });

      it('a rewrite failing halfway throws ConnectorUnavailableError; the retried erase ends clean', async () => {
        // Prepare
        const prefix = `fault-${format}/`;
        const objects = await seed(prefix, format);
        const flaky = s3Client(s3rver.endpoint);
        let puts = 0;
        flaky.middlewareStack.add(
          (next, context) => async (args) => {
            if (context.commandName === 'PutObjectCommand' && (puts += 1) === 2) {
              throw new S3ServiceException({
                name: 'ServiceUnavailable',
                $fault: 'server',
                $metadata: { httpStatusCode: 503 },
                message: 'injected',
              });
            }
            return next(args);
          },
          { step: 'initialize', name: 'failSecondPut' },
        );
        const config = system(prefix, format, { strategy: 'delete' });

        // Act
        const failed = new S3ObjectsConnector(config, flaky, { anonymizationKey: KEY }).erase({ email: SUBJECT });
        await expect(failed).rejects.toBeInstanceOf(ConnectorUnavailableError);
        const afterFault = await bodies(prefix);
        const retried = await new S3ObjectsConnector(config, client, { anonymizationKey: KEY }).erase({
          email: SUBJECT,
        });

        // Assess
        const partiallyErased = objects.filter((object) => !afterFault.get(object.key)?.equals(concat(object.lines)));
        expect(partiallyErased).toHaveLength(1);
        expect(retried.deleted).toBe(
          18 - partiallyErased.flatMap((object) => object.lines.filter((line) => line.subject)).length,
        );
        assertBodies(await bodies(prefix), expectedAfter(objects, format, 'delete'));
        expect(
          await collect(new S3ObjectsConnector(config, client, { anonymizationKey: KEY }).locate({ email: SUBJECT })),
        ).toEqual([]);
        flaky.destroy();
      });
    });
  });

  describe('Errors', () => {
    it('a CSV object without the identity column is a configuration error', async () => {
      // Prepare
      const prefix = 'no-column/';
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}a.csv`, Body: 'mail,name\nann@example.com,Ann\n' }),
      );
      const connector = new S3ObjectsConnector(system(prefix, 'csv', { strategy: 'delete' }), client, {
        anonymizationKey: KEY,
      });

      // Act
      const located = collect(connector.locate({ email: SUBJECT }));

      // Assess
      await expect(located).rejects.toBeInstanceOf(ConnectorConfigError);
    });

    it('a missing bucket is a configuration error, without the subject’s email in the message', async () => {
      // Prepare
      const config = { ...system('x/', 'jsonl', { strategy: 'delete' }), bucket: 'no-such-bucket' };
      const connector = new S3ObjectsConnector(config, client, { anonymizationKey: KEY });

      // Act
      const erased = connector.erase({ email: SUBJECT });

      // Assess
      await expect(erased).rejects.toBeInstanceOf(ConnectorConfigError);
      await expect(erased).rejects.not.toThrow(/ann@/i);
    });
  });
});
