import { StatusConflictError } from '../core/domain/errors';
import { expiredMail } from '../core/domain/mail';
import type { Mailer, RequestRepository } from '../core/ports';
import { logger } from '../core/logger';

/**
 * The verification window closed without the link being followed: the request ends `expired` and the address
 * on it is told. Re-entrant: an already-expired request is not mailed twice; a request that got verified
 * meanwhile (a race with the timeout) is left alone.
 */
export class ExpireRequest {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly mailer: Mailer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async execute(requestId: string): Promise<{ expired: boolean }> {
    const record = await this.requests.load(requestId);
    if (record.status === 'expired') return { expired: true };
    try {
      const expired = await this.requests.advance(requestId, 'expired', { completedAt: this.now().toISOString() });
      // at or past `expired` already (another terminal status): this call did not expire it, so nobody is told
      if (expired.status !== 'expired') return { expired: false };
      await this.mailer.send(expiredMail(expired));
      logger.info('request expired unverified');
      return { expired: true };
    } catch (error) {
      if (!(error instanceof StatusConflictError)) throw error;
      logger.warn('request moved on before it could expire', { status: record.status });
      return { expired: false };
    }
  }
}
