import { DsarError } from '../core/domain/errors';

/**
 * The operator's actions refused on purpose. Messages name the request id and statuses only; the CLI prints them.
 */

/** approve, deny and clarify act on a request the policy step held for an operator; this one is not waiting. */
export class NotHeldError extends DsarError {
  public readonly code = 'not_held';
  public constructor(requestId: string, options?: { cause?: unknown }) {
    super(`request ${requestId} is not waiting for an operator's decision`, options);
    this.name = 'NotHeldError';
  }
}

/** A request is cancelled before processing starts; this one is already being answered, or has ended. */
export class TooLateToCancelError extends DsarError {
  public readonly code = 'too_late_to_cancel';
  public constructor(requestId: string, status: string, options?: { cause?: unknown }) {
    super(`request ${requestId} is ${status}: only a request not yet being processed can be cancelled`, options);
    this.name = 'TooLateToCancelError';
  }
}

/** A request held because its mail named no one right (`type_unclear`) is approved with the right the operator chose. */
export class RightRequiredError extends DsarError {
  public readonly code = 'right_required';
  public constructor(requestId: string, options?: { cause?: unknown }) {
    super(`request ${requestId} came by email without a clear right: approve it with --right <right>`, options);
    this.name = 'RightRequiredError';
  }
}

/**
 * The right the operator chose for an unclear mail is one the policy denies (the codes are fixed words): nothing was
 * changed; deny the request with its reason in words (`dsar deny`), or choose another right.
 */
export class RightDeniedByPolicyError extends DsarError {
  public readonly code = 'right_denied_by_policy';
  public constructor(requestId: string, right: string, reasons: readonly string[], options?: { cause?: unknown }) {
    super(`the policy denies ${right} for request ${requestId} (${reasons.join(', ')}): nothing was changed`, options);
    this.name = 'RightDeniedByPolicyError';
  }
}
