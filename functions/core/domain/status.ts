/**
 * Request statuses and the only moves allowed between them. Statuses move forward only;
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
  'completed',
  'partially_completed',
  'rejected',
  'expired',
  'cancelled',
] as const;
export type RequestStatus = (typeof STATUSES)[number];

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
/** Only a request still waiting for its subject to verify can expire. */
const EXPIRABLE: ReadonlySet<RequestStatus> = new Set(['received', 'pending_verification']);

export function isTerminal(status: RequestStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/**
 * Forward-only: a non-terminal status may move to any later non-terminal status (a step may be skipped,
 * e.g. an access request never erases), exit early (rejected, cancelled), or expire while unverified. Staying in the same status is allowed so steps are re-entrant.
 */
export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  if (isTerminal(from)) return false;
  if (from === to) return true;
  if (EXITS.has(to)) return true;
  if (to === 'expired') return EXPIRABLE.has(from);
  return ORDER[to] > ORDER[from];
}

/**
 * Whether a request in `from` is already at or past `to`, so moving it there would be a step back or a repeat: the
 * same status, a later one, or any terminal status (terminal statuses are locked, so they are past everything).
 */
export function isAtOrPast(from: RequestStatus, to: RequestStatus): boolean {
  return from === to || isTerminal(from) || ORDER[from] > ORDER[to];
}

/** The statuses from which `to` may be entered; used to build conditional writes. */
export function allowedPredecessors(to: RequestStatus): RequestStatus[] {
  return STATUSES.filter((from) => canTransition(from, to));
}
