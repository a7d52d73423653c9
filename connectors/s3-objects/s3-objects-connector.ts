import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { anonymizeRecord, type AnonymizationFields } from '../anonymize';
import { BaseConnector, type ChangingErasure, type ConnectorOptions } from '../base';
import type { S3ObjectsSystemConfig } from '../config';
import type { EraseOutcome, IdentityKind, Pass, PassReport, SourceRecord, VerifiedIdentities } from '../contract';
import { ConnectorConfigError } from '../errors';
import { CsvCodec } from './csv-codec';
import { isNoSuchKey, translateS3Error } from './errors';
import { JsonLinesCodec } from './json-lines-codec';
import { splitLines } from './line-splitter';
import type { ObjectCodec, ParsedLine } from './object-codec';
import { isSameEmail, normalizedEmail } from '../identity';

export interface S3ObjectsConnectorOptions extends ConnectorOptions {
  /** longest line parsed; longer ones are skipped (and kept as they are on rewrite). Default 4 MiB. */
  maxLineBytes?: number;
}

/** An object as it was read: its lines in order, and what a rewrite must preserve. */
interface OpenedObject {
  lines: AsyncGenerator<ParsedLine>;
  /** the codec reading the lines: it knows the CSV header a rewritten row must follow */
  codec: ObjectCodec;
  contentType?: string;
  metadata?: Record<string, string>;
  close(): void;
}

/** How many of an object's lines are the subject's, and how many are anybody else's (or unreadable). */
interface ObjectCensus {
  subject: number;
  others: number;
}

const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * Objects under an S3 prefix holding one record per line (JSON Lines, or CSV with a header row), e.g. exports,
 * logs, event archives. Every object is streamed line by line: nothing ever holds a whole object in memory.
 *
 * Erasure rewrites only objects that hold the subject's lines, streaming them through a transform into an upload to the
 * same key; every other line keeps its exact bytes (terminators, quoting, header). An object holding nothing but the
 * subject's lines is deleted under the `delete` strategy.
 *
 * Concurrency: the rewrite is not guarded by a conditional write. The guard would be `IfMatch: <ETag read before>` on
 * the GetObject of the rewrite and on the Upload (lib-storage forwards it to PutObject / CompleteMultipartUpload) and
 * the DeleteObject; S3 honours it, but s3rver (the local twin) ignores If-Match entirely, so it is left out until it
 * can be tested. Until then a line appended to an object while it is being rewritten can be lost: erase objects
 * that are no longer being written to (closed log files, finished exports).
 */
export class S3ObjectsConnector extends BaseConnector<S3ObjectsSystemConfig> {
  protected readonly translate = translateS3Error;
  private readonly client: S3Client;
  private readonly maxLineBytes: number;

  public constructor(system: S3ObjectsSystemConfig, client: S3Client, options: S3ObjectsConnectorOptions) {
    super(system, options);
    this.client = client;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** The report counts the lines that could not be parsed (malformed JSON, a CSV row of the wrong width, a runaway line). */
  public async *locate(identities: VerifiedIdentities): Pass<SourceRecord> {
    const report: PassReport = { unreadable: 0 };
    const email = normalizedEmail(identities);
    if (email === undefined) return report;
    for await (const record of this.records(report)) {
      if (this.isSubjects(record, email)) yield record;
    }
    return report;
  }

  /**
   * The identity field's value on every line of every object under the prefix, streamed object by object and line by
   * line like `locate` (one line in memory at a time). Unparseable lines have no value to give and are counted in the report.
   */
  public async *identities(kind: IdentityKind): Pass<string> {
    const report: PassReport = { unreadable: 0 };
    const field = this.identityField(kind);
    for await (const record of this.records(report)) {
      const value: unknown = record[field];
      if (typeof value === 'string') yield value;
    }
    return report;
  }

  protected identityField(kind: IdentityKind): string {
    return this.system.identity[kind].field;
  }

  /** Object by object: a census first, and only an object holding the subject's lines is written. */
  protected async eraseSubject(email: string, erasure: ChangingErasure): Promise<EraseOutcome> {
    const outcome: EraseOutcome = { deleted: 0, anonymized: 0, retained: 0, unreadable: 0 };
    for await (const key of this.keys()) {
      const census = await this.census(key, email, outcome);
      if (census.subject > 0) await this.eraseFrom(key, email, erasure, census, outcome);
    }
    return outcome;
  }

  /** Every parsed record of every object under the prefix, one line in memory at a time; unreadable lines are counted in `report`. */
  private async *records(report: PassReport): AsyncGenerator<SourceRecord> {
    for await (const key of this.keys()) {
      const object = await this.open(key);
      if (object === undefined) continue;
      try {
        for await (const parsed of object.lines) {
          countUnreadable(parsed, report);
          if (parsed.kind === 'record') yield parsed.record;
        }
      } finally {
        object.close();
      }
    }
  }

  private async eraseFrom(
    key: string,
    email: string,
    erasure: ChangingErasure,
    census: ObjectCensus,
    outcome: EraseOutcome,
  ): Promise<void> {
    if (erasure.strategy === 'delete' && census.others === 0) {
      await this.call('DeleteObject', () =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.system.bucket, Key: key })),
      );
      outcome.deleted += census.subject;
    } else {
      const fields = erasure.strategy === 'anonymize' ? erasure.fields : undefined;
      const changed = await this.rewrite(key, email, fields);
      if (fields === undefined) outcome.deleted += changed;
      else outcome.anonymized += changed;
    }
  }

  /** Keys under the prefix, page by page. */
  private async *keys(): AsyncGenerator<string> {
    const paginator = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.system.bucket, Prefix: this.system.prefix },
    );
    for await (const page of this.translated('ListObjectsV2', paginator)) {
      for (const object of page.Contents ?? []) if (object.Key !== undefined) yield object.Key;
    }
  }

  /** Streams an object's parsed lines; undefined when it vanished since the listing. */
  private async open(key: string): Promise<OpenedObject | undefined> {
    let response: GetObjectCommandOutput;
    try {
      response = await this.client.send(new GetObjectCommand({ Bucket: this.system.bucket, Key: key }));
    } catch (error) {
      if (isNoSuchKey(error)) return undefined;
      throw this.translate(this.systemId, 'GetObject', error);
    }
    const body = response.Body === undefined ? Readable.from([]) : response.Body;
    if (!(body instanceof Readable))
      throw new ConnectorConfigError(this.systemId, 'S3 GetObject did not return a Node.js stream');
    const codec: ObjectCodec = this.system.format === 'csv' ? new CsvCodec() : new JsonLinesCodec();
    return {
      lines: this.parse(body, codec),
      codec,
      contentType: response.ContentType,
      metadata: response.Metadata,
      close: () => body.destroy(),
    };
  }

  /** The object's lines, classified by its format; errors while streaming are translated here. */
  private async *parse(body: Readable, codec: ObjectCodec): AsyncGenerator<ParsedLine> {
    const quoteAware = this.system.format === 'csv';
    const field = this.identityField('email');
    for await (const line of this.translated(
      'GetObject (reading the body)',
      splitLines(body, { quoteAware, maxLineBytes: this.maxLineBytes }),
    )) {
      const parsed = codec.read(line);
      if (!codec.canHold(field))
        throw new ConnectorConfigError(this.systemId, `a CSV object under the prefix has no '${field}' column`);
      yield parsed;
    }
  }

  /** First pass: does this object hold the subject's lines, and anybody else's? Nothing is written; unreadable lines are counted in `report`. */
  private async census(key: string, email: string, report: PassReport): Promise<ObjectCensus> {
    const census: ObjectCensus = { subject: 0, others: 0 };
    const object = await this.open(key);
    if (object === undefined) return census;
    try {
      for await (const parsed of object.lines) {
        countUnreadable(parsed, report);
        if (parsed.kind === 'record' && this.isSubjects(parsed.record, email)) census.subject += 1;
        else if (parsed.kind !== 'structure') census.others += 1;
      }
    } finally {
      object.close();
    }
    return census;
  }

  /**
   * Second pass: stream the object through the transform into an upload to the same key. The whole object is
   * read before the upload completes (PutObject or CompleteMultipartUpload happen at the end), so the reader never
   * sees its own output. Returns how many of the subject's lines were dropped or anonymised.
   */
  private async rewrite(key: string, email: string, fields: AnonymizationFields | undefined): Promise<number> {
    const object = await this.open(key);
    if (object === undefined) return 0;
    const counter = { changed: 0 };
    try {
      const upload = new Upload({
        client: this.client,
        params: {
          Bucket: this.system.bucket,
          Key: key,
          Body: Readable.from(this.transform(object, email, fields, counter)),
          ContentType: object.contentType,
          Metadata: object.metadata,
        },
      });
      await this.call('PutObject (rewrite)', () => upload.done());
    } finally {
      object.close();
    }
    return counter.changed;
  }

  /** Every line's exact bytes, except the subject's: dropped (delete) or re-serialised anonymised (anonymize). */
  private async *transform(
    object: OpenedObject,
    email: string,
    fields: AnonymizationFields | undefined,
    counter: { changed: number },
  ): AsyncGenerator<Buffer> {
    for await (const parsed of object.lines) {
      if (parsed.kind !== 'record' || !this.isSubjects(parsed.record, email)) {
        yield parsed.line.bytes;
        continue;
      }
      counter.changed += 1;
      if (fields !== undefined)
        yield object.codec.write(anonymizeRecord(parsed.record, fields, this.anonymizationKey), parsed.line.terminator);
    }
  }

  private isSubjects(record: SourceRecord, email: string): boolean {
    const stored = record[this.system.identity.email.field];
    return isSameEmail(stored, email);
  }
}

/** A malformed line counts once (an oversized one arrives in pieces). */
function countUnreadable(parsed: ParsedLine, report: PassReport): void {
  if (parsed.kind === 'malformed' && (parsed.line.oversized?.first ?? true)) report.unreadable += 1;
}
