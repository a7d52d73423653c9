import {
  IdempotencyConflictError,
  InvalidTokenError,
  MalformedBodyError,
  NotFoundError,
  RateLimitedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../core/domain/errors';
import { ConfigurationError } from '../core/errors';
import { statusFor } from '../core/http/error-statuses';

/**
 * One instance of each error the caller may see (functions/core/http/error-statuses.ts), so that the OpenAPI document
 * takes each error's code, status and message from the error itself, never from a copy. A unit test fails when an
 * error is added to the status table without a sample here.
 */
export const ERROR_SAMPLES = [
  new ValidationError('The request body is invalid', [
    { path: 'subject.email', message: 'must be a valid email address' },
  ]),
  new MalformedBodyError(),
  new NotFoundError(),
  new InvalidTokenError(),
  new UnsupportedMediaTypeError(),
  new IdempotencyConflictError(),
  new RateLimitedError('client', 3600),
] as const;

/** The `error.code` of a 4xx the API answers (`invalid_request`, `not_found`, …). */
export type ShownErrorCode = (typeof ERROR_SAMPLES)[number]['code'];

/** The code of the generic 500 (functions/core/http/middlewares.ts): a fault whose cause is logged, not shown. */
export const INTERNAL_ERROR_CODE = 'internal_error';

export interface ShownError {
  code: ShownErrorCode;
  status: number;
  message: string;
  details?: unknown;
}

/** The sample of `code`, with the status the status table gives it. */
export function shownError(code: ShownErrorCode): ShownError {
  const sample = ERROR_SAMPLES.find((error) => error.code === code);
  const shown = sample && statusFor(sample);
  // unreachable while ShownErrorCode is derived from the samples and the test keeps them in the status table
  if (!shown) throw new ConfigurationError(`no status for error code ${code}`);
  return { code, status: shown.status, message: sample.message, details: sample.details };
}
