import { anonymizationChanges } from '../anonymize';
import {
  BaseConnector,
  type ChangingErasure,
  type ConnectorOptions,
  type FieldWrites,
  type Subject,
  type WriteOutcome,
} from '../base';
import { canonicalJson } from '../canonical';
import { type HttpRequest, type HttpSystemConfig, identityOf } from '../config';
import type { EraseOutcome, IdentityKind, Pass, ProbeReport, SourceRecord, VerifiedIdentities } from '../contract';
import { ConnectorConfigError } from '../errors';
import { isSameIdentity, normalizedIdentity } from '../identity';
import { type HttpAnswer, HttpClient, type HttpDeps } from './client';
import { translateHttpError } from './errors';
import { formBody, nested, requestUrl, type TemplateScope, valueAt } from './template';

/**
 * A system behind an HTTP API, described by configuration (connectors/config.ts HttpSystem; presets for Stripe,
 * Zendesk and Mailchimp in ./presets). What it does, and why:
 * - `locate` runs the lookup of the identity kind the system is searched by, follows the pages, and keeps only records
 *   whose identity field matches by the shared rule (../identity): vendor searches are fuzzy or prefix-matching, and a
 *   look-alike account must never be exported or erased. More pages than `maxPages` fail the pass (never truncated).
 * - `erase` deletes each record with the configured request sequence (Zendesk: soft delete, then permanent); a 404 is
 *   "already gone". `anonymize` writes the erasure's fields with the update request (removed fields are sent as null).
 * - `correct` / `setFlags` send the update request only for records that do not already hold every value (dotted
 *   fields address nested properties: `metadata.marketing`), so a re-run writes nothing.
 * - Requests are rate-limited and retried on 429/5xx honouring Retry-After (./client); errors reach the workflow as
 *   connector errors naming the system and the operation, never a URL or a body (./errors).
 */
export class HttpConnector extends BaseConnector<HttpSystemConfig> {
  protected readonly translate = translateHttpError;
  private readonly client: HttpClient;

  public constructor(system: HttpSystemConfig, deps: HttpDeps, options: ConnectorOptions) {
    super(system, options);
    this.client = new HttpClient(system, deps);
  }

  public async *locate(identities: VerifiedIdentities): Pass<SourceRecord> {
    const { kind, entry } = identityOf(this.system.identity);
    const value = normalizedIdentity(kind, identities[kind]);
    if (value === undefined) return { unreadable: 0 };
    const scope = { identity: value, vars: this.system.vars };
    for await (const record of this.pages('lookup', entry.lookup, scope, this.system.records.path)) {
      if (isSameIdentity(kind, valueAt(record, this.system.records.identity), value)) yield record;
    }
    return { unreadable: 0 };
  }

  /** Every value of the identity field, from the `list` request (for re-applying deletions after a restore). */
  public async *identities(kind: IdentityKind): Pass<string> {
    if (kind !== identityOf(this.system.identity).kind) return { unreadable: 0 };
    const list = this.system.list;
    if (list === undefined)
      throw new ConnectorConfigError(this.systemId, 'no `list` request: the system cannot be walked');
    const path = this.system.records.listPath ?? this.system.records.path;
    for await (const record of this.pages('list', list, { vars: this.system.vars }, path)) {
      const value = valueAt(record, this.system.records.identity);
      if (typeof value === 'string') yield value;
    }
    return { unreadable: 0 };
  }

  /** One lookup with an address that cannot exist (RFC 2606 `.invalid`): reachability and the key, no record read. */
  public override async probe(): Promise<ProbeReport> {
    const { kind, entry } = identityOf(this.system.identity);
    const probe = kind === 'email' ? 'dsar-probe@example.invalid' : 'dsar-probe-0000';
    try {
      await this.request('probe', entry.lookup, { identity: probe, vars: this.system.vars });
      return { reachable: true, checks: [{ name: 'lookup', ok: true, detail: `${entry.lookup.method} answered` }] };
    } catch (error) {
      const named = error instanceof Error ? error.message.replace(`${this.systemId}: `, '') : 'failed';
      return {
        reachable: false,
        checks: [{ name: 'lookup', ok: false, detail: named, fix: 'check baseUrl, the secret and the API key rights' }],
      };
    }
  }

  protected identityField(kind: IdentityKind): string | undefined {
    return kind === identityOf(this.system.identity).kind ? this.system.records.identity : undefined;
  }

  protected searchedKinds(): readonly IdentityKind[] {
    return [identityOf(this.system.identity).kind];
  }

  protected async eraseSubject(subject: Subject, erasure: ChangingErasure): Promise<EraseOutcome> {
    const outcome: EraseOutcome = { deleted: 0, anonymized: 0, retained: 0, unreadable: 0 };
    // collected first: deleting while paging would shift the pages under the walk
    const records = await this.collect(subject);
    for (const record of records) {
      if (erasure.strategy === 'delete') {
        if (await this.deleteRecord(record)) outcome.deleted += 1;
      } else {
        const { set, remove } = anonymizationChanges(record, erasure.fields, this.anonymizationKey);
        await this.update(record, { ...set, ...Object.fromEntries(remove.map((field) => [field, null])) });
        outcome.anonymized += 1;
      }
    }
    return outcome;
  }

  protected async updateSubject(subject: Subject, writes: FieldWrites): Promise<WriteOutcome> {
    const outcome: WriteOutcome = { matched: 0, changed: 0, unchanged: 0, retained: 0, unreadable: 0 };
    for (const record of await this.collect(subject)) {
      outcome.matched += 1;
      const holds = Object.entries(writes).every(
        ([field, value]) => canonicalJson(valueAt(record, field)) === canonicalJson(value),
      );
      if (holds) outcome.unchanged += 1;
      else {
        await this.update(record, writes);
        outcome.changed += 1;
      }
    }
    return outcome;
  }

  private async collect(subject: Subject): Promise<SourceRecord[]> {
    const records: SourceRecord[] = [];
    for await (const record of this.locate(subject)) records.push(record);
    return records;
  }

  /** The delete sequence for one record; false when the first request finds it already gone. */
  private async deleteRecord(record: SourceRecord): Promise<boolean> {
    let deleted = false;
    for (const [i, request] of (this.system.erase.delete ?? []).entries()) {
      const answer = await this.request('delete', request, { record, vars: this.system.vars });
      if (i === 0) deleted = answer.status !== 404;
    }
    return deleted;
  }

  private async update(record: SourceRecord, fields: Readonly<Record<string, unknown>>): Promise<void> {
    const update = this.system.update;
    if (update === undefined) throw new ConnectorConfigError(this.systemId, 'no `update` request is configured');
    const body =
      update.encoding === 'form'
        ? { type: 'application/x-www-form-urlencoded', text: formBody(fields) }
        : {
            type: 'application/json',
            text: JSON.stringify(update.wrap ? { [update.wrap]: nested(fields) } : nested(fields)),
          };
    await this.request('update', update, { record, vars: this.system.vars }, body);
  }

  /** The records of every page of `request`, one at a time; more than `maxPages` pages fail the pass. */
  private async *pages(
    operation: string,
    request: HttpRequest,
    scope: TemplateScope,
    recordsPath: string,
  ): AsyncGenerator<SourceRecord> {
    const { maxPages } = this.system;
    let url: URL | undefined = requestUrl(this.client.baseUrl(), request, scope);
    for (let page = 1; url !== undefined; page += 1) {
      if (page > maxPages)
        throw new ConnectorConfigError(this.systemId, `${operation}: more than ${maxPages} pages (raise maxPages)`);
      const answer = await this.call(operation, () => this.client.send(request.method, url as URL));
      const found = answer.status === 404 ? [] : recordsIn(valueAt(answer.body, recordsPath));
      yield* found;
      url = this.nextPage(url, answer, found);
    }
  }

  private nextPage(url: URL, answer: HttpAnswer, found: SourceRecord[]): URL | undefined {
    const pagination = this.system.pagination;
    if (answer.status === 404 || found.length === 0) return undefined;
    if (pagination.type === 'cursor') {
      if (valueAt(answer.body, pagination.hasMore) !== true) return undefined;
      const next = new URL(url);
      next.searchParams.set(pagination.param, String(valueAt(found.at(-1), this.system.records.id)));
      return next;
    }
    if (pagination.type === 'next-url') {
      const link = valueAt(answer.body, pagination.next);
      if (typeof link !== 'string' || link === '') return undefined;
      const next = new URL(link, url);
      // a next link elsewhere would carry the key to another host
      if (next.origin !== url.origin)
        throw new ConnectorConfigError(this.systemId, 'a next-page link points to another origin');
      return next;
    }
    if (pagination.type === 'offset') {
      const offset = Number(url.searchParams.get(pagination.offsetParam) ?? 0) + found.length;
      const total = Number(valueAt(answer.body, pagination.total) ?? 0);
      if (offset >= total) return undefined;
      const next = new URL(url);
      next.searchParams.set(pagination.offsetParam, String(offset));
      return next;
    }
    return undefined;
  }

  private request(
    operation: string,
    request: HttpRequest,
    scope: TemplateScope,
    body?: { type: string; text: string },
  ): Promise<HttpAnswer> {
    return this.call(operation, () =>
      this.client.send(request.method, requestUrl(this.client.baseUrl(), request, scope), body),
    );
  }
}

/** The records at a response's records path: a list, or one object (a lookup by id). */
function recordsIn(value: unknown): SourceRecord[] {
  if (Array.isArray(value))
    return value.filter((item): item is SourceRecord => typeof item === 'object' && item !== null);
  return typeof value === 'object' && value !== null ? [value as SourceRecord] : [];
}
