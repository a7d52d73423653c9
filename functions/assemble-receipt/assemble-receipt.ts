import { Readable } from 'node:stream';
import type { SystemsConfig } from '../../connectors/config';
import { DeletionReceipt } from '../core/domain/receipt-format';
import { identityHash } from '../core/domain/keyed-hash';
import type { EraseResult, SystemOutcome } from '../core/domain/request';
import type { DocumentStore, NoticeStore, RequestRepository } from '../core/ports';
import { logger, redact } from '../core/logger';
import { receiptLine, reviewReasonsFor } from './receipt';
import { receiptKey, retryReceiptKey } from '../core/domain/document-keys';
import { NotVerifiedError } from '../core/domain/errors';

export interface ReceiptInput {
  located: SystemOutcome[];
  erased: EraseResult[];
  confirmed: SystemOutcome[];
  /** the notices step's answers (infra/workflow/notices.ts); absent on a workflow without it */
  notices?: { recipientId: string; answer: NoticeLine['answer'] }[];
}

type NoticeLine = NonNullable<DeletionReceipt['notices']>[number];

/**
 * Write the deletion receipt (format `dsar-deletion-receipt` v1): per system what was found, erased, anonymised or
 * kept with its reason, and the confirming second search; the backup statement; a summary. `complete` only if
 * every system confirmed and nothing needs review (records that could not be read were neither erased nor checked;
 * records a storage lock kept were not erased: GDPR Art. 17 is then not yet satisfied, whatever the counts say).
 * Re-entrant: the same inputs give the same receipt.
 *
 * A retry of a deletion (the record carries `retry`) covers only the systems it planned: its receipt judges those, is
 * written beside the first (which stays as it was), and is complete when they all confirmed. Either way the record's
 * `outcomes` say, per system, whether it failed here, so Deliver knows which systems to retry.
 */
export class AssembleReceipt {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly documents: DocumentStore,
    private readonly systems: SystemsConfig,
    private readonly hashKey: () => Promise<string>,
    private readonly now: () => Date = () => new Date(),
    /** when and why each recipient answered (kept on the request's side, not in the workflow's payload) */
    private readonly notices?: Pick<NoticeStore, 'get'>,
  ) {}

  /** The receipt's notices section: the recipient's name, its answer, when, and the reason of an exception. */
  private async noticeLines(requestId: string, answers: ReceiptInput['notices']): Promise<NoticeLine[] | undefined> {
    if (!answers) return undefined;
    return Promise.all(
      answers.map(async ({ recipientId, answer }) => {
        const stored = await this.notices?.get(requestId, recipientId);
        const name = this.systems.recipients?.find((r) => r.id === recipientId)?.name ?? recipientId;
        return {
          recipient: name,
          answer,
          ...(stored?.answeredAt && stored.answer === answer ? { answeredAt: stored.answeredAt } : {}),
          ...(answer === 'exception' && stored?.reason ? { reason: stored.reason } : {}),
        };
      }),
    );
  }

  public async execute(requestId: string, input: ReceiptInput): Promise<{ documentKey: string; complete: boolean }> {
    const record = await this.requests.load(requestId);
    const email = record.verified?.email;
    if (!email) throw new NotVerifiedError(requestId);

    const byId = <T extends { systemId: string }>(list: T[], id: string) => list.find((x) => x.systemId === id);
    const retrying = record.type === 'deletion' && record.retry !== undefined;
    const planned = new Set(input.located.map((o) => o.systemId));
    const covered = retrying ? this.systems.systems.filter((s) => planned.has(s.id)) : this.systems.systems;
    const lines = covered.map((system) =>
      receiptLine(
        system,
        byId(input.located, system.id),
        byId(input.erased, system.id),
        byId(input.confirmed, system.id),
      ),
    );
    const count = (outcome: string) => lines.filter((l) => l.outcome === outcome).length;
    const sum = (pick: (l: (typeof lines)[number]) => number) => lines.reduce((n, l) => n + pick(l), 0);
    const reviewReasons = this.systems.systems.flatMap((system) =>
      reviewReasonsFor(
        system,
        byId(input.located, system.id),
        byId(input.erased, system.id),
        byId(input.confirmed, system.id),
      ),
    );
    const needsReview = reviewReasons.length > 0;
    const retentionDays = this.systems.backups?.retentionDays;
    const receipt = DeletionReceipt.parse({
      format: 'dsar-deletion-receipt',
      version: 1,
      request: {
        id: record.requestId,
        regulation: record.regulation,
        receivedAt: record.receivedAt,
        verifiedAt: record.verifiedAt,
        dueDate: record.dueDate,
        generatedAt: this.now().toISOString(),
      },
      subject: { maskedEmail: redact(email), keyedHash: identityHash(await this.hashKey(), 'email', email) },
      systems: lines,
      notices: await this.noticeLines(requestId, input.notices),
      backups: {
        retentionDays,
        statement:
          retentionDays === undefined
            ? 'Backups of these systems may still hold copies until they expire. If a backup is restored, these deletions are re-applied from the suppression list.'
            : `Backups age out within ${retentionDays} days. Until then they may hold copies; if a backup is restored, these deletions are re-applied from the suppression list.`,
      },
      summary: {
        systems: lines.length,
        erased: count('erased'),
        anonymized: count('anonymized'),
        retained: count('retained'),
        nothingFound: count('nothing_found'),
        failed: count('failed'),
        records: {
          found: sum((l) => l.found.records),
          deleted: sum((l) => l.erased.deleted),
          anonymized: sum((l) => l.erased.anonymized),
          retained: sum((l) => l.erased.retained),
          remaining: sum((l) => l.confirmed.remaining),
        },
        complete: count('failed') === 0 && !needsReview,
        needsReview,
        reviewReasons,
      },
    });

    await this.requests.advance(requestId, 'assembling');
    // A system fails the deletion if any of its steps did (not only its locate): mark it so, keeping the counts.
    const failed = new Set(lines.filter((l) => l.outcome === 'failed').map((l) => l.id));
    const judged = input.located.map((o) =>
      failed.has(o.systemId) && o.status !== 'failed'
        ? { ...o, status: 'failed' as const, error: byId(input.erased, o.systemId)?.error ?? 'NotConfirmed' }
        : o,
    );
    const earlier = (record.outcomes ?? []).filter((o) => !planned.has(o.systemId));
    await this.requests.update(requestId, { outcomes: retrying ? [...earlier, ...judged] : judged });
    const key = retrying ? retryReceiptKey(requestId, record.retry?.attempts ?? 0) : receiptKey(requestId);
    await this.documents.write(key, Readable.from([JSON.stringify(receipt, null, 2)]), 'application/json');
    logger.info('receipt assembled', { failed: receipt.summary.failed, complete: receipt.summary.complete });
    return { documentKey: key, complete: receipt.summary.complete };
  }
}
