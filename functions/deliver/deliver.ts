import { deliveryMail } from '../core/domain/mail';
import type { Mailer, RequestRepository, TokenStore } from '../core/ports';
import { logger } from '../core/logger';

export interface DeliverDeps {
  requests: RequestRepository;
  tokens: TokenStore;
  mailer: Mailer;
  apiUrl: string;
  downloadTtlSeconds: number;
  now?: () => Date;
}

/**
 * Deliver the document: mail a single-use download link to the verified address and close the request —
 * `completed`, or `partially_completed` when any system failed (never presented as complete).
 * Re-entrant: a request already delivered is not mailed again.
 */
export class Deliver {
  private readonly now: () => Date;

  public constructor(private readonly deps: DeliverDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  public async execute(requestId: string, documentKey: string, complete: boolean): Promise<{ status: string }> {
    const { requests, tokens, mailer } = this.deps;
    const record = await requests.get(requestId);
    if (!record) throw new Error(`request ${requestId} not found`);
    if (record.status === 'completed' || record.status === 'partially_completed') return { status: record.status };
    const to = record.verified?.email;
    if (!to) throw new Error(`request ${requestId} has no verified address to deliver to`);

    const delivering = await requests.transition(requestId, 'delivering', { documentKey });
    const expiresAt = new Date(this.now().getTime() + this.deps.downloadTtlSeconds * 1000);
    const token = await tokens.issue('download', requestId, this.deps.downloadTtlSeconds);
    const link = `${this.deps.apiUrl.replace(/\/$/, '')}/download?token=${token}`;
    await mailer.send({ ...deliveryMail(delivering, link, complete, expiresAt), to });
    const at = this.now().toISOString();
    const status = complete ? 'completed' : 'partially_completed';
    await requests.transition(requestId, status, { deliveredAt: at, completedAt: at });
    logger.info('request delivered', { status });
    return { status };
  }
}
