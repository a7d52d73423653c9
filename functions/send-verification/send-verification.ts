import type { Mailer, RequestRepository, TaskCallbacks, TokenStore } from '../core/ports';
import { verificationMail } from '../core/domain/mail';
import { isTerminal } from '../core/domain/status';
import { logger } from '../core/logger';

export interface SendVerificationDeps {
  requests: RequestRepository;
  tokens: TokenStore;
  mailer: Mailer;
  workflow: TaskCallbacks;
  apiUrl: string;
  ttlSeconds: number;
  now?: () => Date;
}

/**
 * The Verify step: mail a single-use link to the address on the request and leave the workflow waiting on
 * `taskToken` until the link is followed (or the step times out → expired).
 *
 * Re-entrant: a request already verified releases the workflow at once; one whose link is still valid only
 * records the new task token (no second mail), so running the step again after a restart is harmless.
 */
export class SendVerification {
  private readonly now: () => Date;

  public constructor(private readonly deps: SendVerificationDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  public async execute(requestId: string, taskToken: string): Promise<void> {
    const { requests, tokens, mailer, workflow } = this.deps;
    const record = await requests.load(requestId);
    if (isTerminal(record.status)) {
      logger.warn('verification step on a finished request; leaving it to time out', { status: record.status });
      return;
    }
    if (record.status !== 'received' && record.status !== 'pending_verification') {
      await workflow.complete(taskToken, { verified: true });
      return;
    }
    const now = this.now();
    const stillValid =
      record.verificationSentAt && record.verificationExpiresAt && new Date(record.verificationExpiresAt) > now;
    if (stillValid) {
      await requests.update(requestId, { verifyTaskToken: taskToken });
      // The link may have been followed between our read and the write above, completing the old token: look again.
      const fresh = await requests.get(requestId);
      if (fresh && fresh.status !== 'pending_verification' && !isTerminal(fresh.status))
        await workflow.complete(taskToken, { verified: true });
      return;
    }
    const expiresAt = new Date(now.getTime() + this.deps.ttlSeconds * 1000);
    // From `received` this is the move; a request whose earlier link expired unused gets a fresh one (same status).
    await requests.advance(requestId, 'pending_verification');
    await requests.update(requestId, { verifyTaskToken: taskToken, verificationExpiresAt: expiresAt.toISOString() });
    const token = await tokens.issue('verify', requestId, this.deps.ttlSeconds);
    await mailer.send(
      verificationMail(record, `${this.deps.apiUrl.replace(/\/$/, '')}/verify?token=${token}`, expiresAt),
    );
    await requests.update(requestId, { verificationSentAt: this.now().toISOString() });
    logger.info('verification sent', { expiresAt: expiresAt.toISOString() });
  }
}
