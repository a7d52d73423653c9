import {
  type DsarError,
  IdempotencyConflictError,
  RateLimitedError,
  InvalidTokenError,
  MalformedBodyError,
  NotFoundError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../domain/errors';

/**
 * The one table that turns errors into HTTP statuses. Only the errors listed here are shown to the caller (their code,
 * message and details); anything else is a generic 500 whose cause is logged by name. The domain itself knows no
 * status codes: this table is the edge.
 */
type ErrorClass = abstract new (...args: never[]) => DsarError;

export const ERROR_STATUSES: readonly (readonly [ErrorClass, number])[] = [
  [ValidationError, 400],
  [MalformedBodyError, 400],
  [NotFoundError, 404],
  [InvalidTokenError, 410],
  [UnsupportedMediaTypeError, 415],
  [IdempotencyConflictError, 422],
  [RateLimitedError, 429],
];

/** The status for an error the caller may see, or undefined for one that must stay hidden (a 500). */
export function statusFor(error: unknown): { status: number; error: DsarError } | undefined {
  for (const [type, status] of ERROR_STATUSES) {
    if (error instanceof type) return { status, error };
  }
  return undefined;
}
