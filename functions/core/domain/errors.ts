/**
 * Errors a use case raises on purpose. `statusCode` < 500 marks an error whose message is safe to show
 * the caller (the HTTP error middleware exposes only those); anything else becomes a generic 500.
 */
export class DomainError extends Error {
  public readonly statusCode: number;
  public readonly code: string;
  public readonly details?: unknown;

  public constructor(statusCode: number, code: string, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'DomainError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = options?.details;
  }
}

export class ValidationError extends DomainError {
  public constructor(message: string, details?: unknown) {
    super(400, 'invalid_request', message, { details });
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends DomainError {
  public constructor(message = 'No such request, or the token does not match it') {
    super(404, 'not_found', message);
    this.name = 'NotFoundError';
  }
}

/** A token that is unknown, expired, already used, or for another purpose: all look the same to the caller. */
export class InvalidTokenError extends DomainError {
  public constructor() {
    super(410, 'invalid_token', 'This link is invalid, has expired, or has already been used');
    this.name = 'InvalidTokenError';
  }
}

/** A conditional write lost: the request moved on (or ended) meanwhile. */
export class StatusConflictError extends Error {
  public constructor(requestId: string, to: string, options?: { cause?: unknown }) {
    super(`request ${requestId} cannot move to ${to} from its current status`, options);
    this.name = 'StatusConflictError';
  }
}

/** A step that would search for the subject found no verified identity: it refuses rather than search by unverified data. */
export class NotVerifiedError extends Error {
  public constructor(requestId: string) {
    super(`request ${requestId} has no verified identity; refusing to search`);
    this.name = 'NotVerifiedError';
  }
}
