import { ConnectorConfigError, ConnectorUnavailableError } from '../errors';
import { NETWORK_CODES } from '../sdk-errors';

/**
 * Postgres (and network) errors → connector errors, at the connector's edge: the workflow's Retry/Catch only sees
 * transient (retried) or permanent (reported). The driver's error stays in `cause`; our message names the operation and
 * the SQLSTATE only — a server message may quote a value (`invalid input syntax …: "ada@…"`), so it never reaches ours.
 */

/** SQLSTATE classes and codes worth a retry: the connection, the server's resources, a lost race. */
const TRANSIENT_CLASSES = new Set(['08', '53', '57', '58']);
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '55006']);
/** Programming-side aborts in class 57 that a retry does not cure. */
const PERMANENT_CODES = new Set(['57014']);

/** What the driver says when a connection goes away or cannot be had in time (these errors carry no code). */
const CONNECTION_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /not queryable/i];

const SQLSTATE = /^[0-9A-Z]{5}$/;

function codeOf(error: Error): string | undefined {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether this error came from the server (a SQLSTATE), the network or the driver's connection handling. */
function isDriverError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  if (code !== undefined && (SQLSTATE.test(code) || NETWORK_CODES.has(code))) return true;
  return CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message));
}

function isTransient(error: Error): boolean {
  const code = codeOf(error);
  if (code === undefined) return true;
  if (NETWORK_CODES.has(code) || TRANSIENT_CODES.has(code)) return true;
  if (PERMANENT_CODES.has(code)) return false;
  return TRANSIENT_CLASSES.has(code.slice(0, 2));
}

/** Why a permanent error is permanent, in words an operator can act on (never the server's own message). */
function permanentReason(code: string | undefined): string {
  const cls = code?.slice(0, 2);
  if (cls === '28') return 'the credentials were refused';
  if (code === '3D000') return 'the database does not exist';
  if (code === '42P01') return 'a configured table does not exist';
  if (code === '42703') return 'a configured column does not exist';
  if (code === '42501') return 'the user lacks a privilege';
  if (code === '23503') return 'a table outside the configuration references the rows (add it as a relation)';
  if (cls === '22' || cls === '23') return 'a value does not fit its column';
  return 'the statement was rejected';
}

/** Not a driver error (a programming error) → returned unchanged. */
export function translatePostgresError(systemId: string, operation: string, error: unknown): unknown {
  if (!isDriverError(error)) return error;
  const code = codeOf(error);
  const named = code ? `SQLSTATE ${code}` : 'connection lost';
  if (isTransient(error))
    return new ConnectorUnavailableError(systemId, `Postgres ${operation} failed transiently (${named})`, {
      cause: error,
    });
  return new ConnectorConfigError(systemId, `Postgres ${operation}: ${permanentReason(code)} (${named})`, {
    cause: error,
  });
}
