import { ConnectorConfigError, ConnectorUnavailableError } from '../errors';
import { NETWORK_CODES } from '../sdk-errors';

/**
 * An HTTP answer the connector could not use: its status only. The body (which may quote the subject) and the URL
 * (which may hold the identity) are never kept in a message.
 */
export class HttpStatusError extends Error {
  public constructor(
    public readonly status: number,
    public readonly retryAfterSeconds?: number,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

/** An answer whose body is not JSON (a proxy's HTML page, a cut-off body): its status only, never the body. */
export class HttpBodyError extends Error {
  public constructor(
    public readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(`HTTP ${status} with a body that is not JSON`, options);
    this.name = 'HttpBodyError';
  }
}

/** Whether a status (or a network failure) is worth another attempt: throttling and server errors. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.status === 429 || error.status >= 500;
  return isNetworkError(error);
}

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  // fetch wraps the socket's error in `cause` (TypeError: fetch failed)
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return error instanceof TypeError && (typeof code !== 'string' || NETWORK_CODES.has(code));
}

/** Why a permanent status is permanent, in words an operator can act on. */
function reason(status: number): string {
  if (status === 401) return 'the API key was refused';
  if (status === 403) return 'the API key lacks a permission';
  if (status === 404) return 'a configured path does not exist';
  if (status === 400 || status === 422) return 'the request was rejected as invalid';
  return 'the request was rejected';
}

/** HTTP and network errors → connector errors (transient: retried by the workflow; permanent: reported). */
export function translateHttpError(systemId: string, operation: string, error: unknown): unknown {
  if (error instanceof HttpStatusError) {
    if (isRetryable(error))
      return new ConnectorUnavailableError(systemId, `${operation}: still HTTP ${error.status} after retries`, {
        cause: error,
      });
    return new ConnectorConfigError(systemId, `${operation}: ${reason(error.status)} (HTTP ${error.status})`, {
      cause: error,
    });
  }
  if (error instanceof HttpBodyError)
    return new ConnectorConfigError(systemId, `${operation}: the API answered with a body that is not JSON`, {
      cause: error,
    });
  if (isNetworkError(error))
    return new ConnectorUnavailableError(systemId, `${operation}: the API could not be reached`, { cause: error });
  return error;
}
