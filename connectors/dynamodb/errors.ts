import { ConnectorConfigError, ConnectorUnavailableError } from '../errors';

/**
 * Translating DynamoDB SDK errors into connector errors, at the connector's edge, so the workflow's Retry/Catch
 * only ever sees two names: transient (retry) or permanent (report). The SDK's own message is kept in `cause`;
 * our message names the operation only, never a key or a value (they may be personal data).
 */

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TransactionInProgressException',
]);

const PERMANENT_NAMES = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'ValidationException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH']);

interface SdkErrorShape {
  name?: unknown;
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
 * The connector error for a failed DynamoDB call. Non-SDK errors (programming errors) are returned unchanged.
 * Unknown SDK errors are transient unless they are client faults (4xx): retrying is cheaper than losing a request.
 */
export function translateDynamoDbError(systemId: string, operation: string, error: unknown): unknown {
  if (!isSdkError(error)) return error;
  if (isTransient(error)) return new ConnectorUnavailableError(systemId, `DynamoDB ${operation} failed transiently (${error.name})`, { cause: error });
  return new ConnectorConfigError(systemId, `DynamoDB ${operation} was rejected (${error.name})`, { cause: error });
}
