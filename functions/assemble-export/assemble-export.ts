import type { SystemsConfig } from '../../connectors/config';
import type { SystemOutcome } from '../core/domain/request';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseWithheldLine, type Withheld } from '../../connectors/export-filter';
import { openObject } from '../core/domain/json-stream';
import type { DocumentStore, RequestRecord, RequestRepository } from '../core/ports';
import { subjectEmail } from '../core/domain/request-record';
import { findSystem } from '../core/systems';
import { exportKey } from '../core/domain/document-keys';
import { logger } from '../core/logger';

/**
 * Assemble the export: one JSON document (format `dsar-export` v1) streamed from the per-system parts into S3.
 * `complete` is false when any system failed or held records it could not read (then `needsReview`, with the reason
 * per system): what could not be read was not searched, and GDPR Art. 15 asks for all of it — the delivery then says
 * "partly complete", never "complete".
 * Re-entrant: re-running rewrites the same document from the same parts.
 */
export class AssembleExport {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly documents: DocumentStore,
    private readonly systems: SystemsConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async execute(
    requestId: string,
    outcomes: SystemOutcome[],
  ): Promise<{ documentKey: string; complete: boolean }> {
    await this.requests.advance(requestId, 'assembling');
    // a re-run may bring other outcomes (a system retried): the record keeps the latest
    await this.requests.update(requestId, { outcomes });
    const record = await this.requests.load(requestId);
    const key = exportKey(requestId);
    await this.documents.write(key, this.document(record, outcomes), 'application/json');
    // The parts were copies made for this document: once it is written, they go (the lifecycle rule is the backstop).
    await Promise.all(outcomes.flatMap((o) => (o.partKey ? [this.documents.remove(o.partKey)] : [])));
    const { complete, needsReview } = judge(outcomes);
    logger.info('export assembled', { systems: outcomes.length, complete, needsReview });
    return { documentKey: key, complete };
  }

  private async *document(record: RequestRecord, outcomes: SystemOutcome[]): AsyncGenerator<string> {
    yield openObject(
      {
        format: 'dsar-export',
        version: 1,
        request: {
          id: record.requestId,
          type: record.type,
          regulation: record.regulation,
          receivedAt: record.receivedAt,
          verifiedAt: record.verifiedAt,
          dueDate: record.dueDate,
          generatedAt: this.now().toISOString(),
        },
        // only what was verified and searched by: a name typed on the request proved nothing
        subject: { email: record.verified?.email ?? subjectEmail(record) },
      },
      'systems',
    );
    yield '[';
    for (const [i, outcome] of outcomes.entries()) {
      const { holds } = findSystem(this.systems, outcome.systemId);
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
        yield* recordsArray(await this.documents.read(outcome.partKey), withheld);
      else yield '[]';
      // after the records: a part says what it withheld on its last line
      yield `,"withheld":${JSON.stringify(withheld)}}`;
    }
    const summary = {
      systems: outcomes.length,
      withRecords: outcomes.filter((o) => o.status === 'found').length,
      failed: outcomes.filter((o) => o.status === 'failed').length,
      records: outcomes.reduce((n, o) => n + o.recordCount, 0),
      ...judge(outcomes),
    };
    yield `],"summary":${JSON.stringify(summary)}}`;
  }
}

/** Whether the export is complete, and what a person must review first (records a system could not read). */
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
async function* recordsArray(lines: Readable, withheld: Withheld[]): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const line of createInterface({ input: lines, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const listed = parseWithheldLine(line);
    if (listed !== undefined) {
      withheld.push(...listed);
      continue;
    }
    yield first ? line : `,${line}`;
    first = false;
  }
  yield ']';
}
