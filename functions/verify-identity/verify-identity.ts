import { InvalidTokenError } from '../core/domain/errors';
import type { RequestRecord } from '../core/domain/request-record';
import { logger } from '../core/logger';
import type { RequestRepository, TokenStore, WorkflowStarter } from '../core/ports';
import { startWorkflow } from './start-workflow';

export type VerifyAction = 'confirm' | 'cancel';

/**
 * The subject followed the emailed link and pressed a button: the token proves control of the address on the request.
 *
 * - confirm: record what was verified (only that address: connectors search by verified identities alone), then start
 *   the request's workflow (execution named by the request id). The record is written first: it is the source of
 *   truth, so once this answers "confirmed" the request is processed even if starting the execution fails or is lost —
 *   the sweeper (and the twin at start) starts any verified request that has no execution. Starting twice is harmless.
 * - cancel ("this was not me"): the request ends `cancelled` and forgets the address at once.
 * The token is consumed first (single use), so a second press changes nothing.
 */
export class VerifyIdentity {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly tokens: TokenStore,
    private readonly workflow: WorkflowStarter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The request behind a verification link, to say what confirming will do; consumes nothing. */
  public async peek(token: string | undefined): Promise<RequestRecord> {
    const requestId = token ? await this.tokens.check('verify', token) : undefined;
    const record = requestId ? await this.requests.get(requestId) : undefined;
    if (!record?.subject || record.status !== 'pending_verification') throw new InvalidTokenError();
    return record;
  }

  public async execute(
    token: string | undefined,
    action: VerifyAction = 'confirm',
  ): Promise<{ requestId: string; action: VerifyAction }> {
    const requestId = token ? await this.tokens.consume('verify', token) : undefined;
    if (!requestId) throw new InvalidTokenError();
    const record = await this.requests.get(requestId);
    if (!record?.subject || record.status !== 'pending_verification') throw new InvalidTokenError();
    const at = this.now().toISOString();

    if (action === 'cancel') {
      await this.requests.advance(requestId, 'cancelled', { completedAt: at });
      await this.requests.forgetSubject(requestId);
      logger.info('request cancelled by its subject', { requestId });
      return { requestId, action };
    }
    await this.requests.advance(requestId, 'verified', {
      verified: { email: record.subject.email },
      verifiedAt: at,
      verification: 'email_link',
    });
    // Recorded as verified first: if the start fails, the sweeper starts it. The person is told the truth — their
    // confirmation is kept.
    await startWorkflow(this.workflow, requestId);
    logger.info('identity verified', { requestId });
    return { requestId, action };
  }
}
