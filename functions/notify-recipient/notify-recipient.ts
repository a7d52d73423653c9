import type { SystemsConfig } from '../../connectors/config';
import { subjectEmail } from '../core/domain/request-record';
import { logger } from '../core/logger';
import type { Mailer, NoticeStore, RequestRepository, TaskCallbacks, WebhookSender } from '../core/ports';
import { durationSeconds, noticeTarget } from '../core/recipients';
import { noticeContent, noticeMail, webhookBody } from './notice-content';

export interface NotifyInput {
  requestId: string;
  recipientId: string;
  /** the waiting task's token: kept on the request's side, never put in a mail or a webhook */
  taskToken: string;
}

export type NotifyOutcome = 'sent' | 'waiting' | 'answered' | 'not_sent' | 'timed_out';

export interface NotifyDeps {
  requests: RequestRepository;
  notices: NoticeStore;
  mailer: Mailer;
  webhooks: WebhookSender;
  callbacks: TaskCallbacks;
  systems: SystemsConfig;
  apiUrl: string;
  now?: () => Date;
}

/**
 * The callback task `NotifyRecipient` (`.waitForTaskToken`): tell one recipient what was done for a request (GDPR
 * Art. 19; CCPA §1798.105(c)(1)), with a single-use link to answer. The workflow waits until the answer page calls
 * SendTaskSuccess with `{ recipientId, answer }`, or until the task's deadline (States.Timeout → `timed_out`).
 *
 * Re-entrant (an execution restarted by the sweeper runs this again with a new task token): the notice takes over the
 * new token; one already answered is answered again at once with the stored answer; one already sent is not sent again
 * (its first link keeps working and reaches the new task); one whose deadline passed while no task waited is answered
 * `timed_out` at once. A recipient without a contact is answered `not_sent` at once.
 */
export class NotifyRecipient {
  private readonly now: () => Date;

  public constructor(private readonly deps: NotifyDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  public async execute({ requestId, recipientId, taskToken }: NotifyInput): Promise<{ outcome: NotifyOutcome }> {
    const { notices, callbacks } = this.deps;
    const recipient = noticeTarget(this.deps.systems, recipientId);
    const answerWithin = durationSeconds(recipient?.answerWithin ?? 'P14D');
    const deadline = new Date(this.now().getTime() + answerWithin * 1000).toISOString();
    const notice = await notices.open(requestId, recipientId, taskToken, deadline);

    if (notice.answer) {
      await callbacks.complete(taskToken, { recipientId, answer: notice.answer });
      logger.info('notice already answered', { recipientId, answer: notice.answer });
      return { outcome: 'answered' };
    }
    if (!recipient?.notify) {
      // No contact (or no longer configured): nobody can be told; the receipt says so.
      await notices.answer(requestId, recipientId, 'not_sent', this.now().toISOString());
      await callbacks.complete(taskToken, { recipientId, answer: 'not_sent' });
      logger.info('recipient has no contact', { recipientId, configured: recipient !== undefined });
      return { outcome: 'not_sent' };
    }
    if (notice.sentAt) {
      if (Date.parse(notice.deadline) <= this.now().getTime()) {
        await callbacks.complete(taskToken, { recipientId, answer: 'timed_out' });
        logger.info('notice deadline passed while no task waited', { recipientId });
        return { outcome: 'timed_out' };
      }
      logger.info('notice already sent; waiting for its answer', { recipientId });
      return { outcome: 'waiting' };
    }

    const record = await this.deps.requests.load(requestId);
    const email = subjectEmail(record);
    // The link lives until the deadline: an answer after it would reach no waiting task.
    const ttlSeconds = Math.max(1, Math.ceil((Date.parse(notice.deadline) - this.now().getTime()) / 1000));
    const token = await notices.issueLink(requestId, recipientId, ttlSeconds);
    const content = noticeContent(
      record,
      email,
      notice.deadline,
      `${this.deps.apiUrl}/notices?token=${encodeURIComponent(token)}`,
      recipient,
    );
    const contact = recipient.notify;
    if ('email' in contact) {
      await this.deps.mailer.send({ to: contact.email, ...noticeMail(recipient, content) });
    } else {
      await this.deps.webhooks.send({
        url: contact.webhook.url,
        secret: contact.webhook.secret,
        body: webhookBody(recipient, content),
      });
    }
    const channel = 'email' in contact ? 'email' : 'webhook';
    await notices.markSent(requestId, recipientId, channel, this.now().toISOString());
    logger.info('notice sent', { recipientId, channel });
    return { outcome: 'sent' };
  }
}
