import { actingAs } from '../core/audit/actor';
import { type AuditEvent, verifyChain } from '../core/audit/chain';
import { byUrgency, type QueueRow, queueRow } from '../core/domain/queue';
import type { RequestRecord } from '../core/domain/request-record';
import { isTerminal } from '../core/domain/status';
import type { AuditLog, RequestRepository } from '../core/ports';
import type { ExtendRequest } from '../extend-request/extend-request';
import type { OperatorDecision } from '../operator-decision/operator-decision';
import type { RetryRequest } from './retry';

/**
 * The console's use cases: the same decisions as the CLI (`npx dsar approve|deny|clarify|cancel|extend`), the same
 * views (functions/core/domain/queue.ts, operator-views.ts, the audit chain), run as the signed-in operator so the
 * audit trail records who acted (functions/core/audit/actor.ts).
 */

/** The queue's filters: `open` (default), `held` (waiting for an operator or the subject), `late`, `attention` (a
 * failed run), `done` (ended), `all`. */
export const QUEUE_FILTERS = ['open', 'held', 'late', 'attention', 'done', 'all'] as const;
export type QueueFilter = (typeof QUEUE_FILTERS)[number];

/** A queue row plus what the console shows besides: whether the request ended, whether a run of it failed. */
export interface ConsoleRow extends QueueRow {
  ended: boolean;
  failed: boolean;
}

function matches(filter: QueueFilter, record: RequestRecord, row: QueueRow): boolean {
  const ended = isTerminal(record.status);
  switch (filter) {
    case 'all':
      return true;
    case 'done':
      return ended;
    case 'open':
      return !ended;
    case 'held':
      return !ended && row.waitingFor !== '-';
    case 'late':
      return !ended && row.daysLeft < 0;
    case 'attention':
      return !ended && (record.attention !== undefined || record.status === 'retrying');
  }
}

/** The requests the filter keeps, by due date (the most urgent first; ended ones by their due date too). */
export function consoleQueue(records: readonly RequestRecord[], filter: QueueFilter, now: Date): ConsoleRow[] {
  return records
    .map((record) => ({ record, row: queueRow(record, now) }))
    .filter(({ record, row }) => matches(filter, record, row))
    .map(({ record, row }) => ({
      ...row,
      ended: isTerminal(record.status),
      failed: record.attention !== undefined || record.status === 'retrying',
    }))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || byUrgency(a, b));
}

/** What a request's page offers, by what the use cases would accept (they still decide: a race is refused there). */
export function validActions(record: RequestRecord): Action[] {
  const ended = isTerminal(record.status);
  const held = record.decision?.outcome === 'hold' && record.status === 'verified';
  const cancellable =
    ['received', 'pending_verification'].includes(record.status) ||
    (record.status === 'verified' && (record.decision === undefined || record.decision.outcome === 'hold'));
  const out: Action[] = [];
  if (held) out.push('approve', 'deny', 'clarify');
  // the clock says whether the law still gives an extension (not taken yet; the engine checks the notice deadline)
  if (!ended && (record.clock === undefined || record.clock.extension.available)) out.push('extend');
  if (cancellable) out.push('cancel');
  if (!ended && (record.attention !== undefined || record.status === 'retrying')) out.push('retry');
  return out;
}

export const ACTIONS = ['approve', 'deny', 'clarify', 'cancel', 'extend', 'retry'] as const;
export type Action = (typeof ACTIONS)[number];

/** The outcome of an action, as a catalogue key's suffix and its values (the page says it in the operator's language). */
export interface ActionOutcome {
  done: 'approved' | 'denied' | 'asked_paused' | 'asked' | 'cancelled' | 'extended' | 'retried';
  vars?: Record<string, string>;
}

export interface ConsoleDeps {
  requests: Pick<RequestRepository, 'all' | 'get'>;
  audit: Pick<AuditLog, 'history'>;
  decisions: Pick<OperatorDecision, 'approve' | 'deny' | 'clarify' | 'cancel'>;
  extend: Pick<ExtendRequest, 'execute'>;
  retry: Pick<RetryRequest, 'execute'>;
}

export class ConsoleUseCases {
  public constructor(private readonly deps: ConsoleDeps) {}

  public async queue(filter: QueueFilter, now: Date): Promise<ConsoleRow[]> {
    const records: RequestRecord[] = [];
    for await (const record of this.deps.requests.all()) records.push(record);
    return consoleQueue(records, filter, now);
  }

  public async records(): Promise<RequestRecord[]> {
    const records: RequestRecord[] = [];
    for await (const record of this.deps.requests.all()) records.push(record);
    return records;
  }

  /** A request and its verified history; undefined when there is no such request. */
  public async request(
    requestId: string,
  ): Promise<{ record: RequestRecord; events: AuditEvent[]; intact: boolean; problems: string[] } | undefined> {
    const record = await this.deps.requests.get(requestId);
    if (!record) return undefined;
    const report = verifyChain(requestId, await this.deps.audit.history(requestId));
    return { record, events: report.events, intact: report.intact, problems: report.problems };
  }

  /** One decision, run as `operator` (the audit trail's `operator` on every change it makes). */
  public act(action: Action, requestId: string, reason: string, operator: string): Promise<ActionOutcome> {
    return actingAs(
      'operator',
      async (): Promise<ActionOutcome> => {
        const { decisions } = this.deps;
        switch (action) {
          case 'approve':
            await decisions.approve(requestId);
            return { done: 'approved' };
          case 'deny':
            await decisions.deny(requestId, reason);
            return { done: 'denied' };
          case 'clarify': {
            const { paused } = await decisions.clarify(requestId, reason);
            return { done: paused ? 'asked_paused' : 'asked' };
          }
          case 'cancel':
            await decisions.cancel(requestId, reason);
            return { done: 'cancelled' };
          case 'extend': {
            const { dueDate } = await this.deps.extend.execute(requestId, reason);
            return { done: 'extended', vars: { dueDate } };
          }
          case 'retry':
            await this.deps.retry.execute(requestId);
            return { done: 'retried' };
        }
      },
      operator,
    );
  }
}
