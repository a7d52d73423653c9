/**
 * The operator's read-only views of the requests (`dsar requests`, `dsar show`, `dsar metrics`): computed from the
 * request records alone, so the same code serves the twin and a deployment. Addresses appear masked only: an operator
 * sees what a request is and how it stands, not whom it is about (the task never needs more).
 */

// The queue lives beside the request record (functions/core/domain/queue.ts): the operators' reminder digest reads it.
export { type QueueRow, queue, waitingFor } from '../../functions/core/domain/queue';
// The request view and the §7102 figures live in functions/core/domain/operator-views.ts: the console shows them too.
export { type MetricsRow, metrics, requestView } from '../../functions/core/domain/operator-views';

/** Rows as CSV with a header (values are ids, words and numbers: nothing to quote but commas, which none holds). */
export function csv(rows: readonly object[]): string {
  const first = rows[0];
  if (first === undefined) return '';
  const columns = Object.keys(first);
  const cell = (row: object, column: string) => String((row as Record<string, unknown>)[column] ?? '');
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row, c)).join(','))].join('\n');
}
