import { z } from 'zod';

/**
 * Request statuses and the only moves allowed between them. Statuses move forward only (one re-entry: a retrying
 * deletion goes back to locating);
 * terminal statuses are locked. Every write of a status goes through `canTransition`
 * (and a conditional write in the repository), so a replayed workflow step cannot move a request backwards.
 */
export const STATUSES = [
  'received',
  'pending_verification',
  'verified',
  'locating',
  'erasing',
  'confirming',
  'assembling',
  'delivering',
  /**
   * A deletion some system could not confirm, answered (the subject has the receipt) but not finished: it keeps its
   * subject and waits for a retry of the failed systems (`retry` on the record), which re-enters at `locating`. Not
   * terminal, so the retry needs no unlocking of a terminal status; it ends `completed` once every system confirmed,
   * or `partially_completed` when the retry budget is spent. Art. 17(1) GDPR: erasure "without undue delay" — a
   * deletion that failed somewhere is not over until it is retried.
   */
  'retrying',
  'completed',
  'partially_completed',
  'rejected',
  'expired',
  'cancelled',
] as const;
export type RequestStatus = (typeof STATUSES)[number];
/** The statuses as a schema, for the API's answers (and the OpenAPI document generated from them). */
export const RequestStatus = z.enum(STATUSES);

export const TERMINAL_STATUSES: ReadonlySet<RequestStatus> = new Set([
  'completed',
  'partially_completed',
  'rejected',
  'expired',
  'cancelled',
]);

const ORDER: Record<RequestStatus, number> = Object.fromEntries(STATUSES.map((s, i) => [s, i])) as Record<
  RequestStatus,
  number
>;

/** Early exits: every non-terminal request may be rejected or cancelled. */
const EXITS: ReadonlySet<RequestStatus> = new Set(['rejected', 'cancelled']);
/**
 * The one move back: a deletion waiting to retry its failed systems re-enters the pipeline at `locating`. A status with
 * a re-entry is not "past" its target (so `advance` makes the move instead of treating it as a replay).
 */
const REENTRY: Partial<Record<RequestStatus, RequestStatus>> = { retrying: 'locating' };
/** Only a request still waiting for its subject to verify can expire. */
const EXPIRABLE: ReadonlySet<RequestStatus> = new Set(['received', 'pending_verification']);

export function isTerminal(status: RequestStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/**
 * Forward-only: a non-terminal status may move to any later non-terminal status (a step may be skipped,
 * e.g. an access request never erases), exit early (rejected, cancelled), expire while unverified, or — the one way back
 * — re-enter from `retrying` at `locating`. Staying in the same status is allowed so steps are re-entrant.
 */
export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  if (isTerminal(from)) return false;
  if (from === to) return true;
  if (EXITS.has(to)) return true;
  if (REENTRY[from] === to) return true;
  if (to === 'expired') return EXPIRABLE.has(from);
  return ORDER[to] > ORDER[from];
}

/**
 * Whether a request in `from` is already at or past `to`, so moving it there would be a step back or a repeat: the
 * same status, a later one, or any terminal status (terminal statuses are locked, so they are past everything).
 */
export function isAtOrPast(from: RequestStatus, to: RequestStatus): boolean {
  if (REENTRY[from] === to) return false;
  return from === to || isTerminal(from) || ORDER[from] > ORDER[to];
}

/** The statuses from which `to` may be entered; used to build conditional writes. */
export function allowedPredecessors(to: RequestStatus): RequestStatus[] {
  return STATUSES.filter((from) => canTransition(from, to));
}
