import { byUrgency, type QueueRow, queueRow } from '../core/domain/queue';
import { isTerminal } from '../core/domain/status';
import { logger } from '../core/logger';
import type { Profile } from '../core/policy/profile';
import type { MailMessage, Mailer, RequestRepository } from '../core/ports';
import { RemindersNotSentError } from './errors';

/** How many days ahead a request counts as due soon, unless the schedule says otherwise (CDK context `reminderDays`). */
export const DEFAULT_REMINDER_DAYS = 7;

export interface RemindOperatorsDeps {
  requests: Pick<RequestRepository, 'all'>;
  mailer: Mailer;
  /** the company profile in force: its `operators` get the digest (the open profile names none) */
  profileOf: () => Pick<Profile, 'operators'>;
  now?: () => Date;
}

/** What one run found and did: counts only. A request both overdue and waiting is counted under both. */
export interface ReminderReport {
  /** open requests past their due date */
  overdue: number;
  /** open requests due within `withinDays` (today included), not yet overdue */
  dueSoon: number;
  /** requests held by the policy step for an operator's decision, however far their due date */
  waiting: number;
  /** digests sent: one per operator address, none when nothing is due */
  mailed: number;
}

/**
 * The operators' daily reminder (EventBridge Scheduler in the cloud, a timer in the twin): one digest per operator
 * address of the open requests that are overdue, due within `withinDays`, or waiting for an operator's decision — so a
 * statutory deadline (GDPR Art. 12(3): one month; CCPA §1798.130(a)(2): 45 days) is not missed for want of a look.
 *
 * Requests not yet confirmed by their subject are left out: nothing about them is for an operator to do, and their
 * link expires long before their due date. Read-only: it changes no request, so a second run only mails again.
 */
export class RemindOperators {
  private readonly now: () => Date;

  public constructor(private readonly deps: RemindOperatorsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  public async execute(withinDays = DEFAULT_REMINDER_DAYS): Promise<ReminderReport> {
    const now = this.now();
    const rows: QueueRow[] = [];
    for await (const record of this.deps.requests.all()) {
      if (isTerminal(record.status) || record.status === 'received' || record.status === 'pending_verification')
        continue;
      const row = queueRow(record, now);
      if (row.daysLeft <= withinDays || row.waitingFor === 'operator') rows.push(row);
    }
    rows.sort(byUrgency);
    const counts = {
      overdue: rows.filter((r) => r.daysLeft < 0).length,
      dueSoon: rows.filter((r) => r.daysLeft >= 0 && r.daysLeft <= withinDays).length,
      waiting: rows.filter((r) => r.waitingFor === 'operator').length,
    };
    if (rows.length === 0) {
      logger.info('reminder: nothing due, nothing mailed', { ...counts, withinDays });
      return { ...counts, mailed: 0 };
    }
    const operators = [...new Set(this.deps.profileOf().operators)];
    if (operators.length === 0) {
      // the open profile names no operators: the queue is still there for `npx dsar requests`
      logger.warn('reminder: the company profile names no operators, nothing mailed', { ...counts, withinDays });
      return { ...counts, mailed: 0 };
    }
    let mailed = 0;
    const failures: unknown[] = [];
    for (const to of operators) {
      try {
        await this.deps.mailer.send(reminderDigest(rows, { to, withinDays, now }));
        mailed += 1;
      } catch (error) {
        // one bad address must not keep the digest from the others; the error's message may quote it, so: its name
        failures.push(error);
        logger.error('reminder digest not sent', { errorName: error instanceof Error ? error.name : 'unknown' });
      }
    }
    logger.info('reminder sent', { ...counts, withinDays, mailed, operators: operators.length });
    if (failures.length > 0) throw new RemindersNotSentError(failures.length, operators.length, { cause: failures[0] });
    return { ...counts, mailed };
  }
}

const COLUMNS = [
  ['reference', (r: QueueRow) => r.requestId],
  ['right', (r: QueueRow) => r.type],
  ['law', (r: QueueRow) => r.regulation.toUpperCase()],
  ['status', (r: QueueRow) => r.status],
  ['due date', (r: QueueRow) => r.dueDate],
  ['days left', (r: QueueRow) => String(r.daysLeft)],
  ['waiting for', (r: QueueRow) => r.waitingFor],
] as const;

/**
 * The digest to one operator: the counts in the subject line, a plain-text table of the requests, the most urgent
 * first. Ids, rights, laws, statuses, dates and counts only — never a subject's address or name (the rows hold none):
 * an operator looks a request up with `npx dsar show <reference>`. Pure.
 */
export function reminderDigest(
  rows: readonly QueueRow[],
  options: { to: string; withinDays: number; now: Date },
): MailMessage {
  const overdue = rows.filter((r) => r.daysLeft < 0).length;
  const dueSoon = rows.filter((r) => r.daysLeft >= 0 && r.daysLeft <= options.withinDays).length;
  const waiting = rows.filter((r) => r.waitingFor === 'operator').length;
  const cells = [COLUMNS.map(([title]) => title), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  const table = cells.map((line) =>
    line
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const days = options.withinDays === 1 ? 'day' : 'days';
  return {
    to: options.to,
    subject: `Privacy requests due: ${overdue} overdue, ${dueSoon} due within ${options.withinDays} ${days}, ${waiting} waiting for you`,
    text: [
      `The open privacy requests that are overdue, due within ${options.withinDays} ${days}, or waiting for an operator's decision, as of ${options.now.toISOString().slice(0, 10)} (most urgent first):`,
      '',
      ...table,
      '',
      'Days left are calendar days to the due date (negative: overdue); the answer may still be given on the due date.',
      'See a request with: npx dsar show <reference>. The whole queue: npx dsar requests.',
      'A request waiting for you: npx dsar approve|deny|clarify|cancel <reference>.',
    ].join('\n'),
  };
}
