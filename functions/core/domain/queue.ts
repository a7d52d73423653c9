import { daysLeft } from '../rules/clock';
import type { RequestRecord } from './request-record';
import { isTerminal } from './status';

/**
 * The open requests by urgency, computed from the request records alone: the operator's `dsar requests` and the
 * operators' reminder digest (functions/remind-operators) read the same rows. Ids, words, dates and counts only: a row
 * says what a request is and how it stands, never whom it is about.
 */

const DAY_MS = 86_400_000;

/** Who an open request waits for: an operator's decision, the subject's answer to a question, or no one. */
export type WaitingFor = 'operator' | 'subject' | '-';

/** One open request as the queue shows it. */
export interface QueueRow {
  requestId: string;
  type: string;
  regulation: string;
  status: string;
  receivedAt: string;
  dueDate: string;
  /** calendar days to the due date (negative: overdue), by the request's clock where it has one */
  daysLeft: number;
  /** who the request waits for: `operator` (held by the policy step), `subject` (asked to clarify), or `-` */
  waitingFor: WaitingFor;
}

/** Who an open request waits for, if anyone: an operator's decision, or the subject's answer to a question. */
export function waitingFor(record: RequestRecord): WaitingFor {
  if (record.decision?.outcome !== 'hold') return '-';
  return record.clarification && !record.clarification.answeredAt ? 'subject' : 'operator';
}

/** Calendar days from `today` to `due` (YYYY-MM-DD). */
function calendarDaysTo(due: string, today: string): number {
  return Math.round((Date.parse(`${due}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
}

/** One open request's row: its days left by its clock (a paused clock counts its pause), or by its due date. */
export function queueRow(record: RequestRecord, now: Date): QueueRow {
  const today = now.toISOString().slice(0, 10);
  return {
    requestId: record.requestId,
    type: record.type,
    regulation: record.regulation,
    status: record.status,
    receivedAt: record.receivedAt,
    dueDate: record.dueDate,
    daysLeft: record.clock ? daysLeft(record.clock, today) : calendarDaysTo(record.dueDate, today),
    waitingFor: waitingFor(record),
  };
}

/** Most urgent first: fewest days left, then the earliest received. */
export function byUrgency(a: QueueRow, b: QueueRow): number {
  return a.daysLeft - b.daysLeft || a.receivedAt.localeCompare(b.receivedAt);
}

/** The open requests (not ended), the most urgent first. */
export function queue(records: readonly RequestRecord[], now: Date): QueueRow[] {
  return records
    .filter((record) => !isTerminal(record.status))
    .map((record) => queueRow(record, now))
    .sort(byUrgency);
}
