import { noticeTarget } from '../core/recipients';
import type { SystemsConfig } from '../../connectors/config';
import { InvalidTokenError, ValidationError } from '../core/domain/errors';
import { logger } from '../core/logger';
import type { Notice, NoticeStore, TaskCallbacks } from '../core/ports';

/** What a recipient may answer (`not_sent`, `timed_out` and `failed` are the pipeline's words, not theirs). */
export const RECIPIENT_ANSWERS = ['done', 'not_held', 'exception'] as const;
export type RecipientAnswer = (typeof RECIPIENT_ANSWERS)[number];

/** An exception's reason is free text, kept on the request's side only. */
export const MAX_REASON_LENGTH = 1000;

export interface NoticeView {
  recipientName: string;
  reference: string;
  deadline: string;
}

/**
 * A recipient followed the link in a notice and answered. The token is spent first (single use: a second answer is
 * refused), the answer and its reason are recorded on the request's side, then the waiting task gets
 * `{ recipientId, answer }` — never the reason, which would otherwise stay in the execution history for 90 days.
 * If no task waits now (the execution is being restarted), the stored answer is what the re-run finds.
 */
export class AnswerNotice {
  public constructor(
    private readonly notices: NoticeStore,
    private readonly callbacks: TaskCallbacks,
    private readonly systems: SystemsConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** What the link is for, to show the answer page; spends nothing. */
  public async peek(token: string | undefined): Promise<NoticeView> {
    const notice = token ? await this.notices.peek(token) : undefined;
    if (!notice || notice.answer) throw new InvalidTokenError();
    return this.view(notice);
  }

  public async execute(
    token: string | undefined,
    answer: string | undefined,
    reason: string | undefined,
  ): Promise<{ recipientId: string; answer: RecipientAnswer }> {
    const chosen = RECIPIENT_ANSWERS.find((a) => a === answer);
    if (!chosen)
      throw new ValidationError('Choose an answer', [{ path: 'answer', message: 'one of done, not_held, exception' }]);
    const text = reason?.trim() ?? '';
    if (chosen === 'exception' && text.length === 0)
      throw new ValidationError('An exception needs its reason', [{ path: 'reason', message: 'required' }]);
    if (text.length > MAX_REASON_LENGTH)
      throw new ValidationError('The reason is too long', [
        { path: 'reason', message: `at most ${MAX_REASON_LENGTH} characters` },
      ]);

    // Validated before spending the token: a form sent without a reason can be sent again.
    const notice = token ? await this.notices.consume(token) : undefined;
    if (!notice) throw new InvalidTokenError();
    const at = this.now().toISOString();
    const recorded = await this.notices.answer(
      notice.requestId,
      notice.recipientId,
      chosen,
      at,
      chosen === 'exception' ? text : undefined,
    );
    if (!recorded) throw new InvalidTokenError();
    const { recipientId } = notice;
    const delivered = notice.taskToken
      ? await this.callbacks.complete(notice.taskToken, { recipientId, answer: chosen })
      : false;
    logger.info('notice answered', { requestId: notice.requestId, recipientId, answer: chosen, delivered });
    return { recipientId, answer: chosen };
  }

  private view(notice: Notice): NoticeView {
    const recipient = noticeTarget(this.systems, notice.recipientId);
    return {
      recipientName: recipient?.name ?? notice.recipientId,
      reference: notice.requestId,
      deadline: notice.deadline,
    };
  }
}
