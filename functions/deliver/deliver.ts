import { deliveryMail } from '../core/domain/mail';
import type { Mailer, RequestRepository, TokenStore } from '../core/ports';
import { logger } from '../core/logger';
import { NotVerifiedError } from '../core/domain/errors';

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
 * Re-entrant: a request already delivered is not mailed again. An answered deletion request then forgets its subject.
 */
export class Deliver {
  private readonly now: () => Date;

  public constructor(private readonly deps: DeliverDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  public async execute(requestId: string, documentKey: string, complete: boolean): Promise<{ status: string }> {
    const { requests, tokens, mailer } = this.deps;
    const record = await requests.load(requestId);
    if (record.status === 'completed' || record.status === 'partially_completed') {
      if (record.type === 'deletion' && record.subject) await requests.forgetSubject(requestId);
      return { status: record.status };
    }
    const to = record.verified?.email;
    if (!to) throw new NotVerifiedError(requestId);

    await requests.advance(requestId, 'delivering');
    await requests.update(requestId, { documentKey });
    const expiresAt = new Date(this.now().getTime() + this.deps.downloadTtlSeconds * 1000);
    const token = await tokens.issue('download', requestId, this.deps.downloadTtlSeconds);
    const link = `${this.deps.apiUrl.replace(/\/$/, '')}/download?token=${token}`;
    await mailer.send({ ...deliveryMail(record, link, complete, expiresAt), to });
    const at = this.now().toISOString();
    const status = complete ? 'completed' : 'partially_completed';
    await requests.advance(requestId, status, { deliveredAt: at, completedAt: at });
    // The receipt (keyed hash) and the suppression list remember this deletion; the record need not name them.
    if (record.type === 'deletion') await requests.forgetSubject(requestId);
    logger.info('request delivered', { status });
    return { status };
  }
}
