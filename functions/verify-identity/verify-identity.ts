import { InvalidTokenError } from '../core/domain/errors';
import type { RequestRepository, TaskCallbacks, TokenStore } from '../core/ports';
import { logger } from '../core/logger';

/**
 * The subject followed the emailed link: the token proves control of the address on the request.
 * Record what was verified (only that address: connectors search by verified identities alone), then release
 * the workflow waiting on its task token. The token is consumed first, so a second click changes nothing.
 */
export class VerifyIdentity {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly tokens: TokenStore,
    private readonly workflow: TaskCallbacks,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async execute(token: string | undefined): Promise<{ requestId: string }> {
    const requestId = token ? await this.tokens.consume('verify', token) : undefined;
    if (!requestId) throw new InvalidTokenError();
    const record = await this.requests.get(requestId);
    if (!record?.subject || record.status !== 'pending_verification' || !record.verifyTaskToken)
      throw new InvalidTokenError();

    await this.requests.advance(requestId, 'verified', {
      verified: { email: record.subject.email },
      verifiedAt: this.now().toISOString(),
    });
    const released = await this.workflow.complete(record.verifyTaskToken, { verified: true });
    // If the waiting task is gone (e.g. the twin restarted and the step is being re-run), the re-run reads the
    // verified status from the record and goes on by itself.
    logger.info('identity verified', { requestId, released });
    return { requestId };
  }
}
