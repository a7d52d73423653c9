import { Readable } from 'node:stream';
import { z } from 'zod';
import { ExportFilter, withheldLine } from '../../connectors/export-filter';
import type { SystemsConfig } from '../../connectors/config';
import { partKey } from '../core/domain/document-keys';
import { InvalidTokenError, ValidationError } from '../core/domain/errors';
import { toJsonLine } from '../core/domain/json-lines';
import type { RequestType } from '../core/domain/request';
import { logger } from '../core/logger';
import type { DocumentStore, Notice, NoticeStore, RequestRepository, TaskCallbacks } from '../core/ports';
import { type NoticeTarget, noticeTarget } from '../core/recipients';
import { type UploadedFile, uploadedRecords } from './uploaded-records';

/** What a recipient may answer (`not_sent`, `timed_out` and `failed` are the pipeline's words, not theirs). */
export const RECIPIENT_ANSWERS = ['found', 'done', 'not_held', 'exception'] as const;
export type RecipientAnswer = (typeof RECIPIENT_ANSWERS)[number];

/** The rights whose answer carries the records themselves: a manual system's owner sends them (`found`). */
const RECORD_RIGHTS: ReadonlySet<RequestType> = new Set(['access', 'portability']);

/**
 * The answers a notice offers: a manual system asked for records answers found (with the file) / not held / exception;
 * everyone else done / not held / exception.
 */
export function answersFor(target: NoticeTarget | undefined, type: RequestType): readonly RecipientAnswer[] {
  return target?.manual && RECORD_RIGHTS.has(type)
    ? ['found', 'not_held', 'exception']
    : ['done', 'not_held', 'exception'];
}

/** An exception's reason is free text, kept on the request's side only. */
export const MAX_REASON_LENGTH = 1000;

/** The answer of POST /notices sent as JSON (the OpenAPI document is generated from this schema). */
export const NoticeAnswerResult = z.object({ recipientId: z.string(), answer: z.enum(RECIPIENT_ANSWERS) });
export type NoticeAnswerResult = z.infer<typeof NoticeAnswerResult>;

export interface NoticeView {
  recipientName: string;
  reference: string;
  deadline: string;
  /** the answers this notice offers (see answersFor) */
  answers: readonly RecipientAnswer[];
  /** for a manual system asked for records: the largest file accepted */
  maxUploadBytes?: number;
}

/** What the answer-notice use case is built with. */
export interface AnswerNoticeDeps {
  notices: NoticeStore;
  callbacks: TaskCallbacks;
  systems: SystemsConfig;
  /** the request's type decides what a manual system's owner is asked (records, or an action) */
  requests: Pick<RequestRepository, 'load'>;
  /** where a manual system's records go: the request's part for that system, read by AssembleExport */
  documents: Pick<DocumentStore, 'write'>;
  now?: () => Date;
}

/**
 * A recipient followed the link in a notice and answered. The token is spent first (single use: a second answer is
 * refused), the answer and its reason are recorded on the request's side, then the waiting task gets
 * `{ recipientId, answer }` — never the reason, which would otherwise stay in the execution history for 90 days.
 * If no task waits now (the execution is being restarted), the stored answer is what the re-run finds.
 */
export class AnswerNotice {
  private readonly notices: NoticeStore;
  private readonly callbacks: TaskCallbacks;
  private readonly systems: SystemsConfig;
  private readonly now: () => Date;

  public constructor(private readonly deps: AnswerNoticeDeps) {
    this.notices = deps.notices;
    this.callbacks = deps.callbacks;
    this.systems = deps.systems;
    this.now = deps.now ?? (() => new Date());
  }

  /** What the link is for, to show the answer page; spends nothing. */
  public async peek(token: string | undefined): Promise<NoticeView> {
    const notice = token ? await this.notices.peek(token) : undefined;
    if (!notice || notice.answer) throw new InvalidTokenError();
    return this.view(notice);
  }

  /**
   * Record an answer. A manual system's `found` carries the records (`file`): they are checked whole and written as
   * the request's part for that system before the token is spent, so a refused file can be corrected and sent again,
   * and an accepted one is never lost.
   */
  public async execute(
    token: string | undefined,
    answer: string | undefined,
    reason: string | undefined,
    file?: UploadedFile,
  ): Promise<NoticeAnswerResult> {
    const chosen = RECIPIENT_ANSWERS.find((a) => a === answer);
    if (!chosen)
      throw new ValidationError('Choose an answer', [
        { path: 'answer', message: `one of ${RECIPIENT_ANSWERS.join(', ')}` },
      ]);
    const text = reason?.trim() ?? '';
    if (chosen === 'exception' && text.length === 0)
      throw new ValidationError('An exception needs its reason', [{ path: 'reason', message: 'required' }]);
    if (text.length > MAX_REASON_LENGTH)
      throw new ValidationError('The reason is too long', [
        { path: 'reason', message: `at most ${MAX_REASON_LENGTH} characters` },
      ]);

    // Validated before spending the token: a form sent without a reason (or with a bad file) can be sent again.
    const pending = token ? await this.notices.peek(token) : undefined;
    if (!pending || pending.answer) throw new InvalidTokenError();
    const view = await this.view(pending);
    if (!view.answers.includes(chosen))
      throw new ValidationError('This notice cannot be answered so', [
        { path: 'answer', message: `one of ${view.answers.join(', ')}` },
      ]);
    const records =
      chosen === 'found'
        ? await this.storeRecords(pending, uploadedRecords(file, view.maxUploadBytes ?? 0))
        : undefined;

    const notice = token ? await this.notices.consume(token) : undefined;
    if (!notice) throw new InvalidTokenError();
    const at = this.now().toISOString();
    const recorded = await this.notices.answer(
      notice.requestId,
      notice.recipientId,
      chosen,
      at,
      chosen === 'exception' ? text : undefined,
      records,
    );
    if (!recorded) throw new InvalidTokenError();
    const { recipientId } = notice;
    const delivered = notice.taskToken
      ? await this.callbacks.complete(notice.taskToken, { recipientId, answer: chosen })
      : false;
    logger.info('notice answered', { requestId: notice.requestId, recipientId, answer: chosen, delivered });
    return { recipientId, answer: chosen };
  }

  private async view(notice: Notice): Promise<NoticeView> {
    const recipient = noticeTarget(this.systems, notice.recipientId);
    const { type } = await this.deps.requests.load(notice.requestId);
    const answers = answersFor(recipient, type);
    return {
      recipientName: recipient?.name ?? notice.recipientId,
      reference: notice.requestId,
      deadline: notice.deadline,
      answers,
      ...(answers.includes('found') && recipient?.manual ? { maxUploadBytes: recipient.manual.maxUploadBytes } : {}),
    };
  }

  /**
   * The owner's records become the request's part for the system, as a connector's would (JSON Lines through the
   * default export filter: secrets such as passwords are withheld here too, and listed on the part's last line).
   */
  private async storeRecords(notice: Notice, records: readonly Record<string, unknown>[]): Promise<number> {
    const systemId = noticeTarget(this.systems, notice.recipientId)?.system ?? notice.recipientId;
    const filter = new ExportFilter();
    const lines = records.map((record) => `${toJsonLine(filter.apply(record))}\n`);
    const withheld = filter.withheld();
    if (withheld.length > 0) lines.push(withheldLine(withheld));
    await this.deps.documents.write(partKey(notice.requestId, systemId), Readable.from(lines), 'application/x-ndjson');
    logger.info('manual system records stored', { systemId, records: records.length });
    return records.length;
  }
}
