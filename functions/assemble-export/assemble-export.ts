import type { SystemConfig, SystemsConfig } from '../../connectors/config';
import type { SystemOutcome } from '../core/domain/request';
import type { ExportDocument } from '../core/domain/export-format';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { plainJson } from '../../connectors/canonical';
import { parseExactJson } from '../../connectors/exact-json';
import { parseWithheldLine, type Withheld } from '../../connectors/export-filter';
import { archiveKey, exportKey, htmlKey, partKey } from '../core/domain/document-keys';
import { WrongRequestTypeError } from '../core/domain/errors';
import { openObject } from '../core/domain/json-stream';
import { subjectEmail } from '../core/domain/request-record';
import { logger } from '../core/logger';
import { LookbackFilter, type LookbackReport, type LookbackWindow, lookbackWindow } from '../core/policy/lookback';
import type { Profile } from '../core/policy/profile';
import type { DocumentStore, NoticeStore, RequestRecord, RequestRepository } from '../core/ports';
import { manualSystemId } from '../core/recipients';
import { findSystem } from '../core/systems';
import { closePage, escapeHtml, facts, list, openPage } from './html';
import { csvRow, partRecords, provided, recordJson, zipArchive } from './portability';
import {
  categoriesHtml,
  categoriesStatement,
  disclosuresHtml,
  disclosuresStatement,
  documentHeader,
} from './statements';

/**
 * Assemble the document of a "know" right, dispatching on the request's type (the input stays `{ requestId, outcomes }`,
 * the output `{ documentKey, complete }`):
 * - `access` (GDPR Art. 15, CCPA §1798.110): one JSON document (format `dsar-export` v1) streamed from the per-system
 *   parts, and its HTML rendering beside it ("a readily usable format", CCPA §1798.130(a)(2)(B));
 * - `portability` (GDPR Art. 20): one zip with a JSON document (`dsar-portability` v1) and one CSV per system, holding
 *   only systems marked `portability` and only their provided fields — outcomes of other systems never appear;
 * - `categories` (CCPA §1798.110(a)(1)–(4), §1798.115(a)) and `disclosures` (Civ. Code §1798.83): statements from the
 *   data map alone, JSON and HTML; they never depend on outcomes (the workflow may skip the search for them).
 * `complete` is false when any system failed or held records it could not read (then `needsReview`, with the reason
 * per system): what could not be read was not searched, and GDPR Art. 15 asks for all of it — the delivery then says
 * "partly complete", never "complete". Any other right has no document here: WrongRequestTypeError, nothing written
 * (an opt-out must never turn into an export of the data it limits).
 * A lookback (core/policy/lookback.ts: the profile's promise, under the CCPA only) leaves out of the access and
 * portability documents the records of dated systems that fall before its window, and each such system's section says
 * the window and how many records fell outside it. It is applied here, at assembly, and nowhere else: the search still
 * finds every record (recordCount), and deletion never sees it.
 * Re-entrant: re-running rewrites the same documents from the same parts; the parts go once the documents are written.
 */
export class AssembleExport {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly documents: DocumentStore,
    private readonly systems: SystemsConfig,
    private readonly now: () => Date = () => new Date(),
    /** the manual systems' answers (how many records each owner sent) */
    private readonly notices?: Pick<NoticeStore, 'get'>,
    /** the company profile in force (its lookback); read at each request, like the policy step's */
    private readonly profile: () => Pick<Profile, 'lookback'> = () => ({}),
  ) {}

  /**
   * `located`: the connected systems' outcomes; `answers`: the notices' answers, of which the manual systems' become
   * outcomes of their own (see manualOutcome).
   */
  public async execute(
    requestId: string,
    located: SystemOutcome[],
    answers: readonly NoticeAnswerOf[] = [],
  ): Promise<{ documentKey: string; complete: boolean }> {
    const outcomes = [...located, ...(await this.manualOutcomes(requestId, answers))];
    const before = await this.requests.load(requestId);
    if (!DOCUMENT_TYPES.has(before.type))
      throw new WrongRequestTypeError(requestId, 'access, portability, categories or disclosures');
    await this.requests.advance(requestId, 'assembling');
    // a re-run may bring other outcomes (a system retried): the record keeps the latest
    await this.requests.update(requestId, { outcomes });
    const record = await this.requests.load(requestId);
    const header = documentHeader(record, record.verified?.email ?? subjectEmail(record), this.now().toISOString());
    const window = lookbackWindow(this.profile(), record);
    let result: { documentKey: string; complete: boolean };
    switch (record.type) {
      case 'categories': {
        const statement = categoriesStatement(header, this.systems);
        result = await this.statement(requestId, JSON.stringify(statement), categoriesHtml(statement));
        break;
      }
      case 'disclosures': {
        const statement = disclosuresStatement(header, record.receivedAt, this.systems);
        result = await this.statement(requestId, JSON.stringify(statement), disclosuresHtml(statement));
        break;
      }
      case 'portability':
        result = await this.portability(header, outcomes, window);
        break;
      default:
        result = await this.access(record, header, outcomes, window);
    }
    // The parts were copies made for this document: once it is written, they go (the lifecycle rule is the backstop).
    await Promise.all(outcomes.flatMap((o) => (o.partKey ? [this.documents.remove(o.partKey)] : [])));
    logger.info('document assembled', { type: record.type, systems: outcomes.length, complete: result.complete });
    return result;
  }

  /** The manual systems' answers as outcomes, in the order of the configuration. */
  private async manualOutcomes(requestId: string, answers: readonly NoticeAnswerOf[]): Promise<SystemOutcome[]> {
    const outcomes: SystemOutcome[] = [];
    for (const { recipientId, answer } of answers) {
      const systemId = manualSystemId(recipientId);
      if (systemId === undefined) continue;
      const records = answer === 'found' ? (await this.notices?.get(requestId, recipientId))?.records : undefined;
      outcomes.push(manualOutcome(requestId, systemId, answer, records));
    }
    return outcomes;
  }

  /** A statement from the data map: its JSON and its HTML, complete by construction (nothing was searched). */
  private async statement(requestId: string, json: string, html: string) {
    const key = exportKey(requestId);
    await this.documents.write(key, Readable.from([json]), 'application/json');
    await this.documents.write(htmlKey(requestId), Readable.from([html]), 'text/html; charset=utf-8');
    return { documentKey: key, complete: true };
  }

  private async access(
    record: RequestRecord,
    header: DocumentHeader,
    outcomes: SystemOutcome[],
    window: LookbackWindow | undefined,
  ) {
    const key = exportKey(record.requestId);
    await this.documents.write(key, this.document(record, header, outcomes, window), 'application/json');
    await this.documents.write(
      htmlKey(record.requestId),
      this.accessHtml(record, header, outcomes, window),
      'text/html; charset=utf-8',
    );
    const { complete, needsReview } = judge(outcomes);
    logger.info('export assembled', { systems: outcomes.length, complete, needsReview });
    return { documentKey: key, complete };
  }

  private async *document(
    record: RequestRecord,
    header: DocumentHeader,
    outcomes: SystemOutcome[],
    window: LookbackWindow | undefined,
  ): AsyncGenerator<string> {
    yield openObject(
      {
        format: 'dsar-export',
        version: 1,
        request: header.request,
        // only what was verified and searched by: a name typed on the request proved nothing
        subject: { ...header.subject, ...resolvedIdentities(record) },
      },
      'systems',
    );
    yield '[';
    for (const [i, outcome] of outcomes.entries()) {
      const system = findSystem(this.systems, outcome.systemId);
      const { holds } = system;
      const lookback = LookbackFilter.for(system, window);
      const section = {
        id: outcome.systemId,
        status: outcome.status,
        recordCount: outcome.recordCount,
        categories: holds.categories,
        purpose: holds.purpose,
        source: holds.source,
        recipients: holds.recipients,
        retention: holds.retention,
        error: outcome.error,
        unreadableRecords: outcome.unreadable,
      };
      yield `${i > 0 ? ',' : ''}${openObject(section, 'records')}`;
      const withheld: Withheld[] = [];
      if (outcome.partKey && outcome.status === 'found')
        yield* recordsArray(await this.documents.read(outcome.partKey), withheld, lookback);
      else yield '[]';
      // after the records: a part says what it withheld on its last line, and the lookback has counted what it left out
      const covered = lookback ? `,"lookback":${JSON.stringify(lookback.report())}` : '';
      yield `,"withheld":${JSON.stringify(withheld)}${covered}}`;
    }
    yield `],"summary":${JSON.stringify(summaryOf(outcomes))}}`;
  }

  /** The access export for a person: the same facts and records as the JSON, read from the same parts, escaped. */
  private async *accessHtml(
    record: RequestRecord,
    header: DocumentHeader,
    outcomes: SystemOutcome[],
    window: LookbackWindow | undefined,
  ): AsyncGenerator<string> {
    const summary = summaryOf(outcomes);
    yield openPage('Your personal data');
    yield facts([
      ['Request', header.request.id],
      ['Received', header.request.receivedAt],
      ['Regulation', header.request.regulation.toUpperCase()],
      ['Searched for', header.subject.email],
      ...(resolvedIdentities(record).identities ?? []).map(({ kind, value, from }): [string, string] => [
        `Also searched by (${kind})`,
        `${value}, found in ${from}`,
      ]),
      ['Generated', header.request.generatedAt],
      ['Systems searched', summary.systems],
      ['Records found', summary.records],
      ['Complete', summary.complete ? 'yes' : 'no — see the notes below'],
    ]);
    for (const reason of summary.reviewReasons)
      yield `<p class="note">${escapeHtml(`${reason.system}: ${reason.reason}`)}</p>`;
    for (const outcome of outcomes) {
      const system = findSystem(this.systems, outcome.systemId);
      const { holds } = system;
      const lookback = LookbackFilter.for(system, window);
      yield `<h2>${escapeHtml(outcome.systemId)}</h2>`;
      yield facts([
        [
          'Status',
          outcome.status === 'failed' ? `could not be searched (${outcome.error ?? 'error'})` : outcome.status,
        ],
        ['Records', outcome.recordCount],
        ['Categories', list(holds.categories)],
        ['Purpose', holds.purpose],
        ['Source', holds.source],
        ['Recipients', list(holds.recipients)],
        ['Kept for', holds.retention],
        ...(lookback ? [['Covers records from', lookbackText(lookback.report())] as [string, string]] : []),
      ]);
      if (!(outcome.partKey && outcome.status === 'found')) continue;
      const withheld: Withheld[] = [];
      let n = 0;
      for await (const line of createInterface({
        input: await this.documents.read(outcome.partKey),
        crlfDelay: Infinity,
      })) {
        if (line.trim() === '') continue;
        const listed = parseWithheldLine(line);
        if (listed !== undefined) {
          withheld.push(...listed);
          continue;
        }
        const record = parseExactJson(line) as Record<string, unknown>;
        if (lookback && !lookback.keeps(record)) continue;
        n += 1;
        yield `<h3>Record ${n}</h3>`;
        yield facts(Object.entries(record).map(([field, value]) => [field, cellText(value)]));
      }
      if (withheld.length)
        yield `<p class="note">Left out: ${escapeHtml(withheld.map((w) => `${w.field} (${w.reason})`).join(', '))}</p>`;
      if (lookback) yield `<p class="note">${escapeHtml(lookbackNote(lookback.report()))}</p>`;
    }
    yield closePage;
  }

  /** GDPR Art. 20: the marked systems only, their provided fields only, as JSON and CSV in one streamed zip. */
  private async portability(header: DocumentHeader, outcomes: SystemOutcome[], window: LookbackWindow | undefined) {
    const marked = outcomes.flatMap((outcome) => {
      const system = findSystem(this.systems, outcome.systemId);
      const rules = system.portability;
      return rules ? [{ outcome, system, fields: rules.provided, csv: `${outcome.systemId}.csv` }] : [];
    });
    const read = (o: SystemOutcome) =>
      o.partKey && o.status === 'found' ? this.documents.read(o.partKey) : Promise.resolve(undefined);
    const summary = {
      systems: marked.length,
      records: marked.reduce((n, m) => n + m.outcome.recordCount, 0),
      // records found but not handed over (no part) cannot be called a complete answer
      complete:
        judge(marked.map((m) => m.outcome)).complete &&
        marked.every((m) => m.outcome.status !== 'found' || m.outcome.partKey !== undefined),
    };
    const documents = this.documents;
    // each pass over a part has a filter of its own (the CSV's may read it twice): the same records are kept in all
    const covered = async function* (outcome: SystemOutcome, lookback: LookbackFilter | undefined) {
      const part = await read(outcome);
      if (part) for await (const record of partRecords(part)) if (!lookback || lookback.keeps(record)) yield record;
    };
    async function* json(): AsyncGenerator<string> {
      yield openObject({ format: 'dsar-portability', version: 1, ...header }, 'systems');
      yield '[';
      for (const [i, { outcome, system, fields, csv }] of marked.entries()) {
        yield `${i > 0 ? ',' : ''}${openObject({ id: outcome.systemId, status: outcome.status, fields, csv }, 'records')}[`;
        const lookback = LookbackFilter.for(system, window);
        let first = true;
        for await (const record of covered(outcome, lookback)) {
          yield `${first ? '' : ','}${recordJson(provided(record, fields))}`;
          first = false;
        }
        yield lookback ? `],"lookback":${JSON.stringify(lookback.report())}}` : ']}';
      }
      yield `],"summary":${JSON.stringify(summary)}}`;
    }
    async function* csv(
      outcome: SystemOutcome,
      system: SystemConfig,
      fields: 'all' | readonly string[],
    ): AsyncGenerator<string> {
      let columns: readonly string[] = fields === 'all' ? [] : fields;
      if (fields === 'all') {
        // every field: a first pass learns the columns (the part is read twice rather than held in memory)
        const seen = new Set<string>();
        for await (const record of covered(outcome, LookbackFilter.for(system, window)))
          for (const f of Object.keys(record)) seen.add(f);
        columns = [...seen];
      }
      yield csvRow(columns);
      for await (const record of covered(outcome, LookbackFilter.for(system, window)))
        yield csvRow(columns.map((c) => record[c]));
    }
    const key = archiveKey(header.request.id);
    await documents.write(
      key,
      Readable.from(
        zipArchive([
          { name: 'portability.json', content: json },
          ...marked.map((m) => ({ name: m.csv, content: () => csv(m.outcome, m.system, m.fields) })),
        ]),
      ),
      'application/zip',
    );
    return { documentKey: key, complete: summary.complete };
  }
}

/** The types that have a document here. */
const DOCUMENT_TYPES: ReadonlySet<string> = new Set(['access', 'portability', 'categories', 'disclosures']);

type DocumentHeader = ReturnType<typeof documentHeader>;

/** A value as one cell's text: strings as they are, everything else as JSON with all its digits. */
const cellText = (value: unknown) => (typeof value === 'string' ? value : plainJson(value));

function summaryOf(outcomes: SystemOutcome[]) {
  return {
    systems: outcomes.length,
    withRecords: outcomes.filter((o) => o.status === 'found').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    records: outcomes.reduce((n, o) => n + o.recordCount, 0),
    ...judge(outcomes),
  };
}

/** Whether the export is complete, and what a person must review first (records a system could not read). */
/**
 * The identities resolution found (functions/resolve-identities), with where each came from: the subject is told what
 * their records were searched by (GDPR Art. 15(1)(g): the source), and only values that are theirs.
 */
function resolvedIdentities(record: RequestRecord): Pick<ExportDocument['subject'], 'identities'> {
  const identities = (record.identitySources ?? []).flatMap(({ kind, from }) => {
    const value = kind === 'email' ? undefined : record.verified?.[kind];
    return value === undefined || kind === 'email' ? [] : [{ kind, value, from }];
  });
  return identities.length > 0 ? { identities } : {};
}

/** A notice's answer as the workflow hands it over. */
export interface NoticeAnswerOf {
  recipientId: string;
  answer: string;
}

/** Why a manual system has no records in the export (fixed words: they reach the document and the request record). */
const MANUAL_FAILURES: Readonly<Record<string, string>> = {
  exception: 'OwnerException',
  timed_out: 'NoAnswerByDeadline',
  not_sent: 'OwnerNotReachable',
  failed: 'NoticeFailed',
};

/**
 * A manual system's section: `found` reads the part the owner's upload wrote, `not_held` is not_found, and anything
 * else (an exception, no answer by the deadline, a notice that could not be sent) is failed with why — the export is
 * then not complete (GDPR Art. 15 asks for the records wherever they are).
 */
export function manualOutcome(
  requestId: string,
  systemId: string,
  answer: string,
  records: number | undefined,
): SystemOutcome {
  if (answer === 'found')
    return { systemId, status: 'found', recordCount: records ?? 0, partKey: partKey(requestId, systemId) };
  if (answer === 'not_held') return { systemId, status: 'not_found', recordCount: 0 };
  return { systemId, status: 'failed', recordCount: 0, error: MANUAL_FAILURES[answer] ?? 'NoRecordsSent' };
}

function judge(outcomes: SystemOutcome[]): {
  complete: boolean;
  needsReview: boolean;
  reviewReasons: { system: string; reason: string }[];
} {
  const reviewReasons = outcomes.flatMap((o) =>
    o.unreadable
      ? [{ system: o.systemId, reason: `${o.unreadable} records could not be read, so they were not searched` }]
      : [],
  );
  const needsReview = reviewReasons.length > 0;
  return { complete: !needsReview && outcomes.every((o) => o.status !== 'failed'), needsReview, reviewReasons };
}

/**
 * A part's record lines as a JSON array, spliced line by line (memory stays flat); its withheld line, if any, goes into
 * `withheld` instead of the array.
 */
async function* recordsArray(
  lines: Readable,
  withheld: Withheld[],
  lookback: LookbackFilter | undefined,
): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const line of createInterface({ input: lines, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const listed = parseWithheldLine(line);
    if (listed !== undefined) {
      withheld.push(...listed);
      continue;
    }
    // only a dated system's lines are parsed (to read the date); the rest are spliced as they are
    if (lookback && !lookback.keeps(parseExactJson(line) as Record<string, unknown>)) continue;
    yield first ? line : `,${line}`;
    first = false;
  }
  yield ']';
}

/** The window in words: its first day, the period and where it comes from. */
function lookbackText(report: LookbackReport): string {
  return `${report.from} (${report.period} before the request: ${report.source})`;
}

/** What the lookback left out and kept, in counts only (never which records, nor their dates). */
function lookbackNote(report: LookbackReport): string {
  const outside = `${report.outside} ${report.outside === 1 ? 'record' : 'records'} dated before ${report.from} ${report.outside === 1 ? 'is' : 'are'} not included`;
  const undated = report.undated
    ? `; ${report.undated} ${report.undated === 1 ? 'record' : 'records'} without a readable date ${report.undated === 1 ? 'is' : 'are'} included`
    : '';
  return `${outside}${undated}.`;
}
