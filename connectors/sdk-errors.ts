import { ConnectorConfigError, ConnectorUnavailableError } from './errors';

/**
 * Translating AWS SDK (and network) errors into connector errors at a connector's edge, so the workflow's
 * Retry/Catch only ever sees two names: transient (retried) or permanent (reported). The SDK's error is kept in
 * `cause`; our message names the service and operation only, never a key, object or value (they may be personal data).
 * Each connector gives its service's own error names; the rest of the judgement is shared.
 */
export interface SdkErrorNames {
  service: string;
  transient: readonly string[];
  permanent: readonly string[];
}

/** Node's socket and DNS error codes: the other end could not be reached or went away (a retry may succeed). */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
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

export type SdkErrorTranslator = (systemId: string, operation: string, error: unknown) => unknown;

/**
 * A translator for one service. Non-SDK errors (programming errors) are returned unchanged. Unknown SDK errors are
 * transient unless they are client faults (4xx): retrying is cheaper than losing a request.
 */
export function sdkErrorTranslator(names: SdkErrorNames): SdkErrorTranslator {
  const transient = new Set(names.transient);
  const permanent = new Set(names.permanent);
  const isSdkError = (error: unknown): error is Error & SdkErrorShape => {
    if (!(error instanceof Error)) return false;
    const shape = error as Error & SdkErrorShape;
    if (shape.$metadata !== undefined || shape.$fault !== undefined) return true;
    return (
      (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) ||
      transient.has(error.name) ||
      permanent.has(error.name)
    );
  };
  const isTransient = (error: Error & SdkErrorShape): boolean => {
    if (permanent.has(error.name)) return false;
    if (transient.has(error.name) || error.$retryable) return true;
    if (typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return true;
    const status = error.$metadata?.httpStatusCode;
    if (status !== undefined) return status >= 500 || status === 429;
    return error.$fault !== 'client';
  };
  return (systemId, operation, error) => {
    if (!isSdkError(error)) return error;
    if (isTransient(error))
      return new ConnectorUnavailableError(
        systemId,
        `${names.service} ${operation} failed transiently (${error.name})`,
        { cause: error },
      );
    return new ConnectorConfigError(systemId, `${names.service} ${operation} was rejected (${error.name})`, {
      cause: error,
    });
  };
}
