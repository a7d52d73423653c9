import type {
  Notice,
  NoticeAnswer,
  NoticeStore,
  TaskCallbacks,
  WebhookNotice,
  WebhookSender,
} from '../../functions/core/ports';
import { newToken } from '../../functions/core/tokens';

/** In-memory notices with the DynamoDB adapter's rules: single-use, expiring links; the first answer stands. */
export class MemoryNotices implements NoticeStore {
  public readonly notices = new Map<string, Notice>();
  public readonly links = new Map<
    string,
    { requestId: string; recipientId: string; expiresAt: number; used: boolean }
  >();

  public constructor(private readonly now: () => Date = () => new Date()) {}

  public async open(requestId: string, recipientId: string, taskToken: string, deadline: string): Promise<Notice> {
    const key = `${requestId}#${recipientId}`;
    const notice = this.notices.get(key) ?? { requestId, recipientId, deadline };
    notice.taskToken = taskToken;
    this.notices.set(key, notice);
    return { ...notice };
  }

  public async get(requestId: string, recipientId: string): Promise<Notice | undefined> {
    const notice = this.notices.get(`${requestId}#${recipientId}`);
    return notice && { ...notice };
  }

  public async markSent(requestId: string, recipientId: string, channel: 'email' | 'webhook', at: string) {
    Object.assign(this.notices.get(`${requestId}#${recipientId}`) ?? {}, { channel, sentAt: at });
  }

  public async issueLink(requestId: string, recipientId: string, ttlSeconds: number): Promise<string> {
    const token = newToken();
    this.links.set(token, { requestId, recipientId, expiresAt: this.now().getTime() + ttlSeconds * 1000, used: false });
    return token;
  }

  public async peek(token: string): Promise<Notice | undefined> {
    const link = this.links.get(token);
    if (!link || link.used || link.expiresAt <= this.now().getTime()) return undefined;
    return this.get(link.requestId, link.recipientId);
  }

  public async consume(token: string): Promise<Notice | undefined> {
    const notice = await this.peek(token);
    const link = this.links.get(token);
    if (notice && link) link.used = true;
    return notice;
  }

  public async answer(
    requestId: string,
    recipientId: string,
    answer: NoticeAnswer,
    at: string,
    reason?: string,
    records?: number,
  ) {
    const notice = this.notices.get(`${requestId}#${recipientId}`);
    if (!notice || notice.answer) return false;
    Object.assign(notice, {
      answer,
      answeredAt: at,
      ...(reason ? { reason } : {}),
      ...(records !== undefined ? { records } : {}),
    });
    return true;
  }
}

/** Records every completed task; `gone` tokens answer false (a task that no longer waits). */
export class MemoryCallbacks implements TaskCallbacks {
  public readonly completed: { taskToken: string; output: Record<string, unknown> }[] = [];
  public readonly gone = new Set<string>();

  public async complete(taskToken: string, output: Record<string, unknown>): Promise<boolean> {
    if (this.gone.has(taskToken)) return false;
    this.completed.push({ taskToken, output });
    return true;
  }
}

export class MemoryWebhooks implements WebhookSender {
  public readonly sent: WebhookNotice[] = [];

  public async send(notice: WebhookNotice): Promise<void> {
    this.sent.push(notice);
  }
}
