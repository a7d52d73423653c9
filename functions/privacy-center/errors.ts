import { DsarError } from '../core/domain/errors';

/**
 * A cancel from the status page for a request that is past the point where its submitter alone may stop it: once the
 * subject confirmed from their mailbox, whoever holds the status token (the submitter, who may not be the subject) must
 * not be able to call the request off. The page says so; an operator can still cancel (functions/operator-decision).
 */
export class TooLateForSubjectCancelError extends DsarError {
  public readonly code = 'too_late_to_cancel';
  public constructor(requestId: string, status: string) {
    super(`Request ${requestId} can no longer be cancelled from the status page (status ${status})`);
    this.name = 'TooLateForSubjectCancelError';
  }
}
