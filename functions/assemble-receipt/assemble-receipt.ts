import { manualSystemId, noticeTarget } from '../core/recipients';
import { Readable } from 'node:stream';
import { connectedSystems, type SystemsConfig } from '../../connectors/config';
import { ChangeReceipt, DeletionReceipt, type NoticeAnswer, type NoticeLine } from '../core/domain/receipt-format';
import { CHANGE_TYPES, type ChangeResult, changeIdentity, requestedFlags } from '../core/domain/change-result';
import { RIGHT } from '../core/domain/mail';
import type { RequestRecord } from '../core/domain/request-record';
import { changeLine, changeReviewReasons } from './change-receipt';
import { identityHash } from '../core/domain/keyed-hash';
import type { EraseResult, SystemOutcome } from '../core/domain/request';
import type { DocumentStore, NoticeStore, RequestRepository } from '../core/ports';
import { logger, redact } from '../core/logger';
import { receiptLine, reviewReasonsFor } from './receipt';
import { receiptKey, retryReceiptKey } from '../core/domain/document-keys';
import { NotVerifiedError, WrongRequestTypeError } from '../core/domain/errors';

/** The workflow state this step reads: a deletion's three searches, or a change's results; the notices either way. */
export interface ReceiptInput {
  located?: SystemOutcome[];
  erased?: EraseResult[];
  confirmed?: SystemOutcome[];
  changed?: ChangeResult[];
  notices?: NoticeAnswer[];
}

type Receipted = { documentKey: string; complete: boolean };

/**
 * Write the receipt of a right that changes records: the change receipt for a correction or a preference right (see
 * `changeReceipt`), or the deletion receipt (format `dsar-deletion-receipt` v1): per system what was found, erased, anonymised or
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
        const target = noticeTarget(this.systems, recipientId);
        const name = target?.system ? `${target.name} (owner of ${target.system})` : (target?.name ?? recipientId);
        return {
          recipient: name,
          answer,
          ...(stored?.answeredAt && stored.answer === answer ? { answeredAt: stored.answeredAt } : {}),
          ...(answer === 'exception' && stored?.reason ? { reason: stored.reason } : {}),
        };
      }),
    );
  }

  public async execute(requestId: string, input: ReceiptInput): Promise<Receipted> {
    const record = await this.requests.load(requestId);
    if (CHANGE_TYPES.has(record.type))
      return this.changeReceipt(
        record,
        input.changed ?? [],
        (await this.noticeLines(requestId, input.notices)) ?? [],
        input.notices,
      );
    if (record.type !== 'deletion') throw new WrongRequestTypeError(requestId, 'deletion or change');
    return this.deletionReceipt(record, {
      located: input.located ?? [],
      erased: input.erased ?? [],
      confirmed: input.confirmed ?? [],
      notices: input.notices,
    });
  }

  /**
   * The change receipt (format `dsar-change-receipt` v1): per system what was matched, changed, already so, kept by a
   * lock, not recorded or refused (with why, and the owner to tell), and the recipients' answers. `complete` only if
   * no system failed or refused, something asked was applied wherever the subject was found, and nothing needs review.
   */
  private async changeReceipt(
    record: RequestRecord,
    changed: ChangeResult[],
    notices: NoticeLine[],
    answers: ReceiptInput['notices'],
  ): Promise<Receipted> {
    const email = changeIdentity(record);
    const requestId = record.requestId;
    const attributes = record.type === 'correction' ? (record.corrections ?? []).map((c) => c.attribute) : [];
    const flags = requestedFlags(record);
    const asked = attributes.length + flags.length;
    // every configured system is planned for a change: one without a result never ran, and is reported failed
    const lines = connectedSystems(this.systems).map((system) =>
      changeLine(
        system,
        changed.find((c) => c.systemId === system.id),
        asked,
      ),
    );
    const count = (outcome: string) => lines.filter((l) => l.outcome === outcome).length;
    const sum = (pick: (l: (typeof lines)[number]) => number) => lines.reduce((n, l) => n + pick(l), 0);
    const reviewReasons = [...lines.flatMap(changeReviewReasons), ...manualReviewReasons(answers)];
    const receipt = ChangeReceipt.parse({
      format: 'dsar-change-receipt',
      version: 1,
      request: {
        id: requestId,
        type: record.type,
        regulation: record.regulation,
        receivedAt: record.receivedAt,
        verifiedAt: record.verifiedAt,
        dueDate: record.dueDate,
        generatedAt: this.now().toISOString(),
      },
      right: { description: RIGHT[record.type], attributes, flags },
      subject: {
        maskedEmail: redact(email),
        keyedHash: identityHash(await this.hashKey(), 'email', email),
        ...(record.identitySources?.length ? { searchedBy: record.identitySources } : {}),
      },
      systems: lines,
      notices,
      summary: {
        systems: lines.length,
        changed: count('changed'),
        unchanged: count('unchanged'),
        nothingFound: count('nothing_found'),
        notRecorded: count('not_recorded'),
        refused: count('refused'),
        failed: count('failed'),
        records: {
          matched: sum((l) => l.matched),
          changed: sum((l) => l.changed),
          unchanged: sum((l) => l.unchanged),
          retained: sum((l) => l.retained),
        },
        // Never complete when a system failed or could not be changed, or when the subject was found but nothing that
        // was asked could be applied anywhere (every system holding them records none of it).
        complete:
          count('failed') === 0 &&
          count('refused') === 0 &&
          (lines.every((l) => l.outcome === 'nothing_found') ||
            lines.some((l) => l.outcome === 'changed' || l.outcome === 'unchanged')) &&
          reviewReasons.length === 0,
        needsReview: reviewReasons.length > 0,
        reviewReasons,
      },
    });
    await this.requests.advance(requestId, 'assembling');
    await this.requests.update(requestId, {
      done: lines.map((l) => ({
        systemId: l.id,
        outcome: l.outcome,
        records: l.outcome === 'refused' ? l.matched : l.changed,
      })),
    });
    const key = receiptKey(requestId);
    await this.documents.write(key, Readable.from([JSON.stringify(receipt, null, 2)]), 'application/json');
    logger.info('change receipt assembled', {
      type: record.type,
      failed: receipt.summary.failed,
      refused: receipt.summary.refused,
      complete: receipt.summary.complete,
    });
    return { documentKey: key, complete: receipt.summary.complete };
  }

  private async deletionReceipt(
    record: RequestRecord,
    input: Required<Pick<ReceiptInput, 'located' | 'erased' | 'confirmed'>> & Pick<ReceiptInput, 'notices'>,
  ): Promise<Receipted> {
    const requestId = record.requestId;
    const email = record.verified?.email;
    if (!email) throw new NotVerifiedError(requestId);

    const byId = <T extends { systemId: string }>(list: T[], id: string) => list.find((x) => x.systemId === id);
    const retrying = record.type === 'deletion' && record.retry !== undefined;
    const planned = new Set(input.located.map((o) => o.systemId));
    const connected = connectedSystems(this.systems);
    const covered = retrying ? connected.filter((s) => planned.has(s.id)) : connected;
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
    const reviewReasons = [
      ...connected.flatMap((system) =>
        reviewReasonsFor(
          system,
          byId(input.located, system.id),
          byId(input.erased, system.id),
          byId(input.confirmed, system.id),
        ),
      ),
      ...manualReviewReasons(input.notices),
    ];
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
      subject: {
        maskedEmail: redact(email),
        keyedHash: identityHash(await this.hashKey(), 'email', email),
        ...(record.identitySources?.length ? { searchedBy: record.identitySources } : {}),
      },
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
    await this.requests.update(requestId, {
      outcomes: retrying ? [...earlier, ...judged] : judged,
      done: lines.map((l) => ({ systemId: l.id, outcome: l.outcome, records: l.found.records })),
    });
    const key = retrying ? retryReceiptKey(requestId, record.retry?.attempts ?? 0) : receiptKey(requestId);
    await this.documents.write(key, Readable.from([JSON.stringify(receipt, null, 2)]), 'application/json');
    logger.info('receipt assembled', { failed: receipt.summary.failed, complete: receipt.summary.complete });
    return { documentKey: key, complete: receipt.summary.complete };
  }
}

/** What a manual system's owner's answer (or its absence) means for the receipt, in fixed words. */
const MANUAL_REVIEW: Readonly<Record<string, string>> = {
  exception: 'its owner answered with an exception (see the notices)',
  timed_out: 'its owner did not answer by the deadline: the change there is not confirmed',
  not_sent: 'its owner could not be reached: the change there was not asked for',
  failed: 'the notice to its owner could not be sent: the change there was not asked for',
};

/**
 * A manual system is done only on its owner's word (done, or not held): any other answer leaves the receipt in need
 * of review and never complete — the records there may still be as they were (GDPR Art. 17, 19).
 */
export function manualReviewReasons(answers: ReceiptInput['notices']): { system: string; reason: string }[] {
  return (answers ?? []).flatMap(({ recipientId, answer }) => {
    const system = manualSystemId(recipientId);
    if (system === undefined || answer === 'done' || answer === 'not_held') return [];
    return [{ system, reason: MANUAL_REVIEW[answer] ?? 'its owner did not confirm the change' }];
  });
}
