/**
 * Every error the domain and the use cases raise on purpose, in one file. Each has a `name` (what logs, the workflow's
 * Retry/Catch and tests match on), a machine-readable `code`, and keeps what caused it in `cause`.
 *
 * The domain knows nothing of HTTP: which of these a caller may see, and with which status, is decided at the edge
 * (functions/core/http/error-statuses.ts). Messages name ids and fields, never a subject's identity or records: a
 * workflow step's error message ends up in the execution history, which cannot be erased.
 */
export abstract class DsarError extends Error {
  public abstract readonly code: string;
  public readonly details?: unknown;

  protected constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, { cause: options?.cause });
    this.details = options?.details;
  }
}

/** One failing field of a refused input: its path and what is wrong with it, in words a person understands. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The caller's input is refused; nothing was changed. `details` lists the failing fields. */
export class ValidationError extends DsarError {
  public readonly code = 'invalid_request';
  public constructor(message: string, details?: readonly FieldProblem[], options?: { cause?: unknown }) {
    super(message, { ...options, details });
    this.name = 'ValidationError';
  }
}

/** The body is not JSON at all (as opposed to JSON of the wrong shape). */
export class MalformedBodyError extends DsarError {
  public readonly code = 'invalid_json';
  public constructor(options?: { cause?: unknown }) {
    super('The body is not valid JSON', options);
    this.name = 'MalformedBodyError';
  }
}

/** The body is in a format this route does not take. */
export class UnsupportedMediaTypeError extends DsarError {
  public readonly code = 'unsupported_media_type';
  public constructor(options?: { cause?: unknown }) {
    super('The body must be JSON (Content-Type: application/json)', options);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** A request the caller may not see: unknown, malformed id, or a token for another request all look the same. */
export class NotFoundError extends DsarError {
  public readonly code = 'not_found';
  public constructor(message = 'No such request, or the token does not match it') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A token that is unknown, expired, already used, or for another purpose: all look the same to the caller. */
export class InvalidTokenError extends DsarError {
  public readonly code = 'invalid_token';
  public constructor() {
    super('This link is invalid, has expired, or has already been used');
    this.name = 'InvalidTokenError';
  }
}

/** An Idempotency-Key reused with a different body: the first request stands, this one is refused. */
export class IdempotencyConflictError extends DsarError {
  public readonly code = 'idempotency_key_reused';
  public constructor() {
    super('This Idempotency-Key was already used for a different request');
    this.name = 'IdempotencyConflictError';
  }
}

/** A limit of the intake was reached (OWASP ASVS 2.4.1 anti-automation); `retryAfterSeconds` goes into Retry-After. */
export class RateLimitedError extends DsarError {
  public readonly code = 'rate_limited';
  public constructor(
    public readonly limit: 'client' | 'address' | 'domain',
    public readonly retryAfterSeconds: number,
  ) {
    const what = { client: 'from this network', address: 'for this address', domain: 'for addresses at this domain' }[
      limit
    ];
    super(`Too many requests ${what}; please try again later`, { details: { limit, retryAfterSeconds } });
    this.name = 'RateLimitedError';
  }
}

/** A workflow step was given a request id with no record behind it (a bug or a lost record: never retried blindly). */
export class RequestNotFoundError extends DsarError {
  public readonly code = 'request_not_found';
  public constructor(requestId: string) {
    super(`request ${requestId} not found`);
    this.name = 'RequestNotFoundError';
  }
}

/** A conditional write lost: the request moved on (or ended) meanwhile, or the move goes backwards. */
export class StatusConflictError extends DsarError {
  public readonly code = 'status_conflict';
  public constructor(requestId: string, to: string, options?: { cause?: unknown }) {
    super(`request ${requestId} cannot move to ${to} from its current status`, options);
    this.name = 'StatusConflictError';
  }
}

/** A step that would search for (or write to) the subject found no verified identity: it refuses. */
export class NotVerifiedError extends DsarError {
  public readonly code = 'not_verified';
  public constructor(requestId: string) {
    super(`request ${requestId} has no verified identity; refusing to act on unverified data`);
    this.name = 'NotVerifiedError';
  }
}

/** A step for one right was run on a request for another (e.g. erasure on an access request). */
export class WrongRequestTypeError extends DsarError {
  public readonly code = 'wrong_request_type';
  public constructor(requestId: string, expected: string) {
    super(`request ${requestId} is not a ${expected} request`);
    this.name = 'WrongRequestTypeError';
  }
}

/** The request record no longer holds its subject's identity (it was forgotten after the answer). */
export class SubjectForgottenError extends DsarError {
  public readonly code = 'subject_forgotten';
  public constructor(requestId: string) {
    super(`request ${requestId} no longer holds its subject's identity`);
    this.name = 'SubjectForgottenError';
  }
}

/**
 * Another invocation of Deliver holds a fresh claim on this delivery and has not recorded its mail yet: this one sends
 * nothing (a second link is what the claim prevents). Retried by the workflow; a claim older than the function's
 * timeout belongs to an invocation that died, and is taken over.
 */
export class DeliveryInProgressError extends DsarError {
  public readonly code = 'delivery_in_progress';
  public constructor(requestId: string) {
    super(`request ${requestId}: another invocation is delivering it`);
    this.name = 'DeliveryInProgressError';
  }
}

/**
 * Every concurrency slot of a source system is held by other requests' steps (connectors/config.ts `concurrency`).
 * Nothing was done to the system. The workflow retries it with a long backoff (infra/workflow/retries.ts); a system
 * still busy after that is reported failed under this name. The message names the system id only.
 */
export class SystemBusyError extends DsarError {
  public readonly code = 'system_busy';
  public constructor(systemId: string) {
    super(`system ${systemId} is at its concurrency limit`);
    this.name = 'SystemBusyError';
  }
}

/** A change request lacks what its right needs (an opt-out without its scope, a withdrawal without its purpose). */
export class RequestIncompleteError extends DsarError {
  public readonly code = 'request_incomplete';
  public constructor(requestId: string, field: string) {
    super(`request ${requestId} has no ${field}; nothing to change`);
    this.name = 'RequestIncompleteError';
  }
}
