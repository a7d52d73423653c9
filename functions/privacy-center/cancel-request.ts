import { NotFoundError } from '../core/domain/errors';
import { RequestId } from '../core/domain/request';
import { logger } from '../core/logger';
import type { RequestRepository, TokenStore } from '../core/ports';
import { TooLateForSubjectCancelError } from './errors';

/**
 * The statuses a request may be cancelled from by whoever holds its status token: before its subject confirmed from
 * their mailbox. The token proves only that one submitted the request, not that one is the subject; after the subject
 * confirmed, a cancel by the token's holder could be an impersonator undoing the subject's own request, so only the
 * mailed "This was not me" (before) or an operator (functions/operator-decision, before processing) can stop it.
 */
export const SUBJECT_CANCELLABLE: ReadonlySet<string> = new Set(['received', 'pending_verification']);

/**
 * Cancel a request from the center's status page: it ends `cancelled` and forgets the address at once, as the mailed
 * "This was not me" does (functions/verify-identity). The verification link dies with it (it needs
 * `pending_verification`). An unknown id and a wrong token are the same NotFoundError.
 */
export class CancelRequest {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly tokens: TokenStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async execute(requestId: string, token: string | undefined): Promise<void> {
    if (!RequestId.safeParse(requestId).success || !token) throw new NotFoundError();
    if ((await this.tokens.check('status', token)) !== requestId) throw new NotFoundError();
    const record = await this.requests.get(requestId);
    if (!record) throw new NotFoundError();
    if (!SUBJECT_CANCELLABLE.has(record.status)) throw new TooLateForSubjectCancelError(requestId, record.status);
    await this.requests.advance(requestId, 'cancelled', { completedAt: this.now().toISOString() });
    await this.requests.forgetSubject(requestId);
    logger.info('request cancelled from the status page', { requestId });
  }
}
