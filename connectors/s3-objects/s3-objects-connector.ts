import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadBucketCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { anonymizeRecord } from '../anonymize';
import {
  BaseConnector,
  type ChangingErasure,
  type ConnectorOptions,
  type FieldWrites,
  holdsAll,
  type Subject,
  REFUSED,
  type WriteOutcome,
} from '../base';
import { identityOf, type S3ObjectsSystemConfig } from '../config';
import type {
  EraseOutcome,
  IdentityKind,
  Pass,
  PassReport,
  ProbeCheck,
  ProbeReport,
  SourceRecord,
  VerifiedIdentities,
} from '../contract';
import { ConnectorConfigError } from '../errors';
import { CsvCodec } from './csv-codec';
import { isNoSuchKey, translateS3Error } from './errors';
import { JsonLinesCodec } from './json-lines-codec';
import { splitLines } from './line-splitter';
import {
  EARLIER_VERSION_REASON,
  isLocked,
  listObjects,
  OBJECT_LOCK_CHANGE_REASON,
  OBJECT_LOCK_REASON,
  type ObjectRef,
} from './versions';
import type { ObjectCodec, ParsedLine } from './object-codec';
import { isSameIdentity, normalizedIdentity } from '../identity';

export interface S3ObjectsConnectorOptions extends ConnectorOptions {
  /** longest line parsed; longer ones are skipped (and kept as they are on rewrite). Default 4 MiB. */
  maxLineBytes?: number;
  /** the clock Object Lock retention dates are compared with */
  now?: () => Date;
}

/** An object as it was read: its lines in order, and what a rewrite must preserve. */
interface OpenedObject {
  lines: AsyncGenerator<ParsedLine>;
  /** the codec reading the lines: it knows the CSV header a rewritten row must follow */
  codec: ObjectCodec;
  contentType?: string;
  metadata?: Record<string, string>;
  /** the ETag of what was read: rewrites and deletes are conditional on it */
  etag?: string;
  /** under S3 Object Lock (a retention period not yet over, or a legal hold): it cannot be changed or deleted */
  locked: boolean;
  close(): void;
}

/**
 * What the rewrite does with one of the subject's records: `keep` its line byte for byte (not counted), `drop` it, or
 * write this record in its place (both counted as changed).
 */
type Edit = (record: SourceRecord, codec: ObjectCodec) => SourceRecord | 'drop' | 'keep';

/** How many of an object's lines are the subject's, and how many are anybody else's (or unreadable). */
interface ObjectCensus {
  subject: number;
  /** the subject's lines an edit would change (counted only when the census is given one) */
  stale: number;
  /** fields of the writes this object cannot hold (a CSV header without that column) */
  missing: Set<string>;
  others: number;
  /** the ETag the census read: the rewrite's read, its upload and a delete all require it still to be current */
  etag?: string;
  locked: boolean;
}

const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

export class S3ObjectsConnector extends BaseConnector<S3ObjectsSystemConfig> {
  protected readonly translate = translateS3Error;
  private readonly client: S3Client;
  private readonly maxLineBytes: number;
  private readonly now: () => Date;

  public constructor(system: S3ObjectsSystemConfig, client: S3Client, options: S3ObjectsConnectorOptions) {
    super(system, options);
    this.client = client;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * HeadBucket (the bucket exists and these credentials reach it), ListObjectsV2 with MaxKeys 1 under the prefix (list
   * permission; keys are not reported), GetBucketVersioning against the `versioned` declaration: a versioned bucket
   * declared unversioned would keep old versions of an erased subject.
   */
  public override async probe(): Promise<ProbeReport> {
    const { bucket, prefix } = this.system;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (error) {
      const name = errorName(error);
      const missing = name === 'NotFound' || name === 'NoSuchBucket';
      return {
        reachable: missing || name === 'Forbidden' || name === 'AccessDenied',
        checks: [
          {
            name: 'bucket',
            ok: false,
            detail: `HeadBucket on '${bucket}' failed: ${name}`,
            fix: missing
              ? 'create the bucket, or correct `bucket` in the systems file'
              : name === 'Forbidden' || name === 'AccessDenied'
                ? `grant s3:ListBucket on '${bucket}' to these credentials`
                : 'check the endpoint, region, credentials and network access to S3',
          },
        ],
      };
    }
    const checks: ProbeCheck[] = [{ name: 'bucket', ok: true, detail: `'${bucket}' exists` }];
    try {
      const listed = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
      checks.push({
        name: 'list',
        ok: true,
        detail: (listed.KeyCount ?? 0) > 0 ? `objects under '${prefix}'` : `no objects under '${prefix}' yet`,
      });
    } catch (error) {
      checks.push({
        name: 'list',
        ok: false,
        detail: `ListObjectsV2 under '${prefix}' failed: ${errorName(error)}`,
        fix: `grant s3:ListBucket on '${bucket}' to these credentials`,
      });
    }
    try {
      const { Status } = await this.client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
      const versioned = Status === 'Enabled' || Status === 'Suspended';
      const declared = this.system.versioned === true;
      checks.push(
        versioned === declared
          ? { name: 'versioning', ok: true, detail: `versioning ${Status ?? 'never enabled'}, declared ${declared}` }
          : {
              name: 'versioning',
              ok: false,
              detail: `versioning ${Status ?? 'never enabled'}, but the systems file declares versioned: ${declared}`,
              fix: versioned
                ? 'set "versioned": true, or old versions of erased records stay behind'
                : 'remove "versioned": true (or enable versioning on the bucket)',
            },
      );
    } catch (error) {
      checks.push({
        name: 'versioning',
        ok: false,
        detail: `GetBucketVersioning failed: ${errorName(error)}`,
        fix: `grant s3:GetBucketVersioning on '${bucket}' to these credentials`,
      });
    }
    checks.push(await this.objectLockCheck(bucket));
    return { reachable: true, checks };
  }

  /**
   * Object Lock decides whether erasure can happen at all: a locked version cannot be deleted before its retention
   * ends (connectors report it retained, with the lock as the reason, and the receipt is not complete). Said here, so
   * the operator knows before a deletion request does; an endpoint without Object Lock (an emulator) is not checked.
   */
  private async objectLockCheck(bucket: string): Promise<ProbeCheck> {
    try {
      const { ObjectLockConfiguration: lock } = await this.client.send(
        new GetObjectLockConfigurationCommand({ Bucket: bucket }),
      );
      if (lock?.ObjectLockEnabled !== 'Enabled') return { name: 'object lock', ok: true, detail: 'not enabled' };
      const retention = lock.Rule?.DefaultRetention;
      const period = retention?.Days ? `${retention.Days} days` : retention?.Years ? `${retention.Years} years` : '';
      return {
        name: 'object lock',
        ok: true,
        detail: `enabled${retention ? ` (default ${retention.Mode} ${period})` : ''}: locked records are reported retained until their lock ends`,
      };
    } catch (error) {
      const name = errorName(error);
      if (name === 'ObjectLockConfigurationNotFoundError')
        return { name: 'object lock', ok: true, detail: 'not enabled' };
      if (name === 'NotImplemented')
        return { name: 'object lock', ok: true, detail: 'not checked: this endpoint has no Object Lock' };
      return {
        name: 'object lock',
        ok: false,
        detail: `GetObjectLockConfiguration failed: ${name}`,
        fix: `grant s3:GetBucketObjectLockConfiguration on '${bucket}' to these credentials`,
      };
    }
  }

  /**
   * Object (version) by object, like an anonymising erasure: a census first, and only an object holding the subject's
   * stale lines is rewritten (If-Match on the census ETag; every other line keeps its exact bytes, and so do the
   * subject's lines that already hold every value). A locked object is not rewritten: its stale lines are `retained`.
   *
   * CSV: a field that is not a column of an object is refused (`refusedFields`), not added. Adding a column would
   * rewrite the header and every other person's row of that object (and objects under one prefix may differ), which
   * breaks the rule that nothing but the subject's lines changes; the operator adds the column, the subject is told.
   * JSON Lines records have no schema: a missing property is added to the subject's line only.
   *
   * Versioned buckets: the version a rewrite replaces is deleted by its id, as erasure does. It holds nothing the new
   * version does not (every other line is copied byte for byte), only the stale values, which `locate` would otherwise
   * keep finding. Earlier versions are not deleted: a version cannot be changed, and deleting one would delete other
   * people's lines that may exist nowhere else (records since changed or removed) — collateral damage that the subject's
   * correction (GDPR Art. 16) or restriction (Art. 18) does not justify, unlike an erasure (Art. 17). Their stale lines
   * are reported `retained` with the reason, every run, so the subject is told; the bucket's lifecycle rules expire them.
   */
  protected async updateSubject(subject: Subject, writes: FieldWrites): Promise<WriteOutcome> {
    const email = this.searchValue(subject);
    const outcome: WriteOutcome = { matched: 0, changed: 0, unchanged: 0, retained: 0, unreadable: 0 };
    const missing = new Set<string>();
    const edit: Edit = (record, codec) => {
      const held = Object.fromEntries(Object.entries(writes).filter(([field]) => codec.canHold(field)));
      if (holdsAll(record, held, (value) => codec.readBack(value))) return 'keep';
      return { ...record, ...held };
    };
    for await (const ref of this.objects()) {
      const census = await this.census(ref, email, outcome, edit, Object.keys(writes));
      if (census.subject === 0) continue;
      for (const field of census.missing) missing.add(field);
      outcome.matched += census.subject;
      outcome.unchanged += census.subject - census.stale;
      if (census.stale === 0) continue;
      if (census.locked || !ref.latest) {
        outcome.retained += census.stale;
        outcome.retainedReason = withReason(
          outcome.retainedReason,
          census.locked ? OBJECT_LOCK_CHANGE_REASON : EARLIER_VERSION_REASON,
        );
        continue;
      }
      const changed = await this.rewrite(ref, census.etag, email, edit);
      outcome.changed += changed;
      // lines found stale by the census but no longer by the rewrite (the same content: the rewrite reads by ETag)
      outcome.unchanged += census.stale - changed;
      if (ref.versionId !== undefined) await this.deleteObject(ref, census.etag);
    }
    return {
      ...outcome,
      refusedFields: [...missing].map((field) => ({ field, reason: REFUSED.noColumn })),
    };
  }

  /** The report counts the lines that could not be parsed (malformed JSON, a CSV row of the wrong width, a runaway line). */
  public async *locate(identities: VerifiedIdentities): Pass<SourceRecord> {
    const report: PassReport = { unreadable: 0 };
    const { kind } = this.identity;
    const value = normalizedIdentity(kind, identities[kind]);
    if (value === undefined) return report;
    for await (const record of this.records(report)) {
      if (this.isSubjects(record, value)) yield record;
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
    if (field === undefined) return report;
    for await (const record of this.records(report)) {
      const value: unknown = record[field];
      if (typeof value === 'string') yield value;
    }
    return report;
  }

  protected identityField(kind: IdentityKind): string | undefined {
    return this.system.identity[kind]?.field;
  }

  protected searchedKinds(): readonly IdentityKind[] {
    return [this.identity.kind];
  }

  /** The one identity kind the lines are searched by, and their field holding it (read from `system` only). */
  private get identity() {
    return identityOf(this.system.identity);
  }

  /** The subject's normalised value of this system's kind (the base only passes subjects that have one). */
  private searchValue(subject: Subject): string {
    return subject[this.identity.kind] ?? '';
  }

  /**
   * Object (version) by object: a census first, and only an object holding the subject's lines is written. A locked
   * version is counted as retained; a noncurrent version is deleted by its id; the current one is rewritten or deleted.
   */
  protected async eraseSubject(subject: Subject, erasure: ChangingErasure): Promise<EraseOutcome> {
    const email = this.searchValue(subject);
    const outcome: EraseOutcome = { deleted: 0, anonymized: 0, retained: 0, unreadable: 0 };
    for await (const ref of this.objects()) {
      const census = await this.census(ref, email, outcome);
      if (census.subject === 0) continue;
      if (census.locked) {
        outcome.retained += census.subject;
        outcome.retainedReason = OBJECT_LOCK_REASON;
      } else if (!ref.latest) {
        await this.deleteObject(ref, census.etag);
        outcome.deleted += census.subject;
      } else await this.eraseFrom(ref, email, erasure, census, outcome);
    }
    return outcome;
  }

  /** Every parsed record of every object under the prefix, one line in memory at a time; unreadable lines are counted in `report`. */
  private async *records(report: PassReport): AsyncGenerator<SourceRecord> {
    for await (const ref of this.objects()) {
      const object = await this.open(ref);
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
    ref: ObjectRef,
    email: string,
    erasure: ChangingErasure,
    census: ObjectCensus,
    outcome: EraseOutcome,
  ): Promise<void> {
    if (erasure.strategy === 'delete' && census.others === 0) {
      await this.deleteObject(ref, census.etag);
      outcome.deleted += census.subject;
      return;
    }
    const fields = erasure.strategy === 'anonymize' ? erasure.fields : undefined;
    const edit: Edit =
      fields === undefined ? () => 'drop' : (record) => anonymizeRecord(record, fields, this.anonymizationKey);
    const changed = await this.rewrite(ref, census.etag, email, edit);
    if (fields === undefined) outcome.deleted += changed;
    else outcome.anonymized += changed;
    // the rewrite is the new current version; the version it replaced still holds the subject
    if (ref.versionId !== undefined) await this.deleteObject(ref, census.etag);
  }

  /**
   * DeleteObject: by VersionId in a versioned bucket (a version never changes, so its id is the guard: a delete
   * marker would only hide it), else conditional on the census ETag.
   */
  private async deleteObject(ref: ObjectRef, etag: string | undefined): Promise<void> {
    const guard =
      ref.versionId !== undefined ? { VersionId: ref.versionId } : etag !== undefined ? { IfMatch: etag } : {};
    await this.call('DeleteObject', () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.system.bucket, Key: ref.key, ...guard })),
    );
  }

  /** The objects under the prefix (every version of each in a versioned bucket), with this connector's error edge. */
  private objects(): AsyncGenerator<ObjectRef> {
    return listObjects(
      this.client,
      this.system,
      (operation, send) => this.call(operation, send),
      (operation, source) => this.translated(operation, source),
    );
  }

  /**
   * Streams an object's parsed lines; undefined when it vanished since the listing. `ifMatch`: the read must be of
   * that very content (412 PreconditionFailed otherwise, translated as transient).
   */
  private async open(ref: ObjectRef, ifMatch?: string): Promise<OpenedObject | undefined> {
    let response: GetObjectCommandOutput;
    try {
      response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.system.bucket,
          Key: ref.key,
          ...(ref.versionId !== undefined ? { VersionId: ref.versionId } : {}),
          ...(ifMatch !== undefined ? { IfMatch: ifMatch } : {}),
        }),
      );
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
      etag: response.ETag,
      locked: isLocked(response, this.now()),
      close: () => body.destroy(),
    };
  }

  /** The object's lines, classified by its format; errors while streaming are translated here. */
  private async *parse(body: Readable, codec: ObjectCodec): AsyncGenerator<ParsedLine> {
    const quoteAware = this.system.format === 'csv';
    const field = this.identity.entry.field;
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

  /**
   * First pass: does this object hold the subject's lines, and anybody else's? With an `edit`, how many of the subject's
   * lines it would change, and which of `fields` the object cannot hold. Nothing is written; unreadable lines are
   * counted in `report`.
   */
  private async census(
    ref: ObjectRef,
    email: string,
    report: PassReport,
    edit?: Edit,
    fields: readonly string[] = [],
  ): Promise<ObjectCensus> {
    const object = await this.open(ref);
    const census: ObjectCensus = {
      subject: 0,
      stale: 0,
      missing: new Set(),
      others: 0,
      etag: object?.etag,
      locked: object?.locked ?? false,
    };
    if (object === undefined) return census;
    try {
      for await (const parsed of object.lines) {
        countUnreadable(parsed, report);
        if (parsed.kind === 'record' && this.isSubjects(parsed.record, email)) {
          census.subject += 1;
          if (edit !== undefined && edit(parsed.record, object.codec) !== 'keep') census.stale += 1;
        } else if (parsed.kind !== 'structure') census.others += 1;
      }
      for (const field of fields) if (!object.codec.canHold(field)) census.missing.add(field);
    } finally {
      object.close();
    }
    return census;
  }

  /**
   * Second pass: stream the object through the transform into an upload to the same key. The whole object is
   * read before the upload completes (PutObject or CompleteMultipartUpload happen at the end), so the reader never
   * sees its own output. Returns how many of the subject's lines the edit dropped or replaced.
   */
  private async rewrite(ref: ObjectRef, etag: string | undefined, email: string, edit: Edit): Promise<number> {
    const object = await this.open(ref, etag);
    if (object === undefined) return 0;
    const counter = { changed: 0 };
    try {
      const upload = new Upload({
        client: this.client,
        params: {
          Bucket: this.system.bucket,
          Key: ref.key,
          Body: Readable.from(this.transform(object, email, edit, counter)),
          ContentType: object.contentType,
          Metadata: object.metadata,
          // only if the object is still what the census read: else 412, retried on the new content
          ...(etag !== undefined ? { IfMatch: etag } : {}),
        },
      });
      await this.call('PutObject (rewrite)', () => upload.done());
    } finally {
      object.close();
    }
    return counter.changed;
  }

  /** Every line's exact bytes, except the subject's lines the edit drops or re-serialises. */
  private async *transform(
    object: OpenedObject,
    email: string,
    edit: Edit,
    counter: { changed: number },
  ): AsyncGenerator<Buffer> {
    for await (const parsed of object.lines) {
      const result =
        parsed.kind === 'record' && this.isSubjects(parsed.record, email) ? edit(parsed.record, object.codec) : 'keep';
      if (result === 'keep') {
        yield parsed.line.bytes;
        continue;
      }
      counter.changed += 1;
      if (result !== 'drop') yield object.codec.write(result, parsed.line.terminator);
    }
  }

  private isSubjects(record: SourceRecord, value: string): boolean {
    const { kind, entry } = this.identity;
    return isSameIdentity(kind, record[entry.field], value);
  }
}

/** Two different reasons are both told (an object under lock and an earlier version in one pass). */
function withReason(current: string | undefined, reason: string): string {
  if (current === undefined) return reason;
  return current.includes(reason) ? current : `${current}; ${reason}`;
}

/** A malformed line counts once (an oversized one arrives in pieces). */
function countUnreadable(parsed: ParsedLine, report: PassReport): void {
  if (parsed.kind === 'malformed' && (parsed.line.oversized?.first ?? true)) report.unreadable += 1;
}

/** An SDK error's name only: its message may carry more than a check should repeat. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
