import { ConnectorConfigError, ConnectorUnavailableError } from '../errors';

/**
 * Translating S3 SDK (and body-stream) errors into connector errors at the connector's edge: transient → retried by
 * the workflow, permanent → reported. The SDK's error is kept in `cause`; our message names the operation only,
 * never an object key or a line (they may be personal data).
 */

const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'ThrottlingException',
  'TooManyRequestsException',
  'TimeoutError',
]);

const PERMANENT_NAMES = new Set([
  'NoSuchBucket',
  'AccessDenied',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidBucketName',
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'InvalidObjectState',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

interface SdkErrorShape {
  code?: unknown;
  $retryable?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Whether an error came from the SDK or the network under it (anything else is a bug and is left alone). */
function isSdkError(error: unknown): error is Error & SdkErrorShape {
  if (!(error instanceof Error)) return false;
  const shape = error as Error & SdkErrorShape;
  if (shape.$metadata !== undefined || shape.$fault !== undefined) return true;
  return (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) || TRANSIENT_NAMES.has(error.name) || PERMANENT_NAMES.has(error.name);
}

function isTransient(error: Error & SdkErrorShape): boolean {
  if (PERMANENT_NAMES.has(error.name)) return false;
  if (TRANSIENT_NAMES.has(error.name) || Boolean(error.$retryable)) return true;
  if (typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return true;
  const status = error.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return error.$fault !== 'client';
}

/**
 * The connector error for a failed S3 call or body read. Non-SDK errors (programming errors) are returned unchanged.
 * Unknown SDK errors are transient unless they are client faults (4xx): retrying is cheaper than losing a request.
 */
export function translateS3Error(systemId: string, operation: string, error: unknown): unknown {
  if (!isSdkError(error)) return error;
  if (isTransient(error)) return new ConnectorUnavailableError(systemId, `S3 ${operation} failed transiently (${error.name})`, { cause: error });
  return new ConnectorConfigError(systemId, `S3 ${operation} was rejected (${error.name})`, { cause: error });
}

/** The object went away between listing and reading it: nothing of anyone's is in it any more. */
export function isNoSuchKey(error: unknown): boolean {
  return error instanceof Error && error.name === 'NoSuchKey';
}
