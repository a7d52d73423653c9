import { isTerminal } from '../core/domain/status';
import { executionName, type RequestRecord, retryDue } from '../core/domain/request-record';
import { logger } from '../core/logger';
import type { Executions, RequestRepository } from '../core/ports';
import { LiftRestriction } from '../lift-restriction/lift-restriction';

export interface SweepDeps {
  requests: RequestRepository;
  executions: Executions;
  /** how long a download link works: an answered access request forgets its subject once it has closed */
  downloadTtlSeconds: number;
  /** a verified request with no execution this long after its last change is started (default 2 minutes) */
  startAfterSeconds?: number;
  /** a request in a working status that has not moved for this long is checked, and started afresh if its run failed */
  stuckAfterSeconds?: number;
  /** lifts announced restrictions whose date has come (GDPR Art. 18(3)); without it, none is lifted by the sweep */
  lifts?: Pick<LiftRestriction, 'execute'>;
  now?: () => Date;
}

/** What one sweep did: counts only. */
export interface SweepReport {
  /** unverified requests whose link expired: ended `expired`, address forgotten */
  expired: number;
  /** ended requests that no longer need their subject's address, which is now forgotten */
  forgotten: number;
  /** verified or working requests that had no execution: started */
  started: number;
  /** requests whose execution had failed (or a partial deletion whose retry was due): started afresh, under a new name */
  restarted: number;
  /** requests it could not recover (an execution that ended without ending its request): someone must look */
  stuck: number;
  /** open requests past their due date */
  overdue: number;
  /** restrictions lifted because their announced date had come */
  lifted?: number;
  /** ids of the requests started or restarted (ids only: the twin says which requests it resumed) */
  recovered: string[];
}

const DEFAULT_START_AFTER_SECONDS = 120;
const DEFAULT_STUCK_AFTER_SECONDS = 3600;
/** fresh starts after which a request that keeps failing is left to a person (each is an hour apart at least) */
const MAX_RESTARTS = 5;

/**
 * The safety net under "nothing accepted is lost": run on a schedule (EventBridge Scheduler in the cloud, a timer in
 * the twin, and once at the twin's start), it walks the requests and puts right what no single step can.
 * - A confirmed request whose execution never started (StartExecution failed, or the twin died in between) is started;
 *   one whose execution failed (a step outside the per-system Maps ran out of retries and marked it for attention) is
 *   started afresh under a new name — every step is re-entrant; so is a partial deletion whose retry is due. One whose
 *   execution ended without ending the request, or that keeps failing, is reported as stuck (a metric with an alarm).
 * - An unverified request whose link expired ends `expired`, and forgets the address: nothing was done for anyone, so
 *   nothing about them is kept but the keyed hash and the dates.
 * - An ended request forgets its subject once nothing more is owed: at once for expired, cancelled and rejected
 *   requests and answered deletions; for an answered access request when its download link has closed.
 *   A restriction keeps its subject while it holds (they must be told before it is lifted, GDPR Art. 18(3)); one whose
 *   announced lift date has come is lifted here (functions/lift-restriction), which forgets the subject.
 * Idempotent: a second sweep right after the first changes nothing.
 */
export class Sweep {
  private readonly now: () => Date;

  public constructor(private readonly deps: SweepDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  public async execute(): Promise<SweepReport> {
    const report: SweepReport = {
      expired: 0,
      forgotten: 0,
      started: 0,
      restarted: 0,
      stuck: 0,
      overdue: 0,
      recovered: [],
    };
    for await (const record of this.deps.requests.all()) {
      try {
        await this.visit(record, report);
      } catch (error) {
        // one bad record must not stop the sweep; it is counted and named by id
        report.stuck += 1;
        logger.error('sweep could not handle a request', {
          requestId: record.requestId,
          errorName: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
    const { recovered, ...counts } = report;
    logger.info('sweep done', { ...counts, recovered: recovered.length });
    return report;
  }

  private async visit(record: RequestRecord, report: SweepReport): Promise<void> {
    const { requests } = this.deps;
    const now = this.now();
    if (isTerminal(record.status)) {
      if (this.deps.lifts && LiftRestriction.due(record, now)) {
        const lifted = await this.deps.lifts.execute(record.requestId);
        if (lifted.status === 'lifted') report.lifted = (report.lifted ?? 0) + 1;
        return;
      }
      if (record.subject && this.owesNothingMore(record, now)) {
        await requests.forgetSubject(record.requestId);
        report.forgotten += 1;
      }
      return;
    }
    if (record.status === 'received' || record.status === 'pending_verification') {
      if (now.getTime() > this.linkExpiry(record)) {
        const ended = await requests.advance(record.requestId, 'expired', { completedAt: now.toISOString() });
        if (ended.status === 'expired') {
          await requests.forgetSubject(record.requestId);
          report.expired += 1;
        }
      }
      return;
    }
    if (record.dueDate < now.toISOString().slice(0, 10)) report.overdue += 1;
    if (record.status === 'retrying') {
      // a partial deletion between attempts: its execution has ended on purpose; the next one starts when it is due
      if (!retryDue(record, now) || (await this.deps.executions.describe(executionName(record))) === 'running') return;
      await this.restart(record, report, 'a retry of the systems that failed is due');
      return;
    }
    const quiet = (now.getTime() - Date.parse(record.updatedAt)) / 1000;
    const patience =
      record.status === 'verified'
        ? (this.deps.startAfterSeconds ?? DEFAULT_START_AFTER_SECONDS)
        : (this.deps.stuckAfterSeconds ?? DEFAULT_STUCK_AFTER_SECONDS);
    if (quiet < patience) return;
    await this.recover(record, report);
  }

  private async recover(record: RequestRecord, report: SweepReport): Promise<void> {
    const { executions } = this.deps;
    const name = executionName(record);
    const state = await executions.describe(name);
    if (state === 'running') return;
    if (state === 'none') {
      await executions.start(record.requestId, name);
      report.started += 1;
      report.recovered.push(record.requestId);
      logger.info('sweep started a request with no execution', { requestId: record.requestId, status: record.status });
    } else if (state === 'failed') {
      await this.restart(record, report, 'its execution failed');
    } else {
      report.stuck += 1;
      logger.error('request stuck: its execution ended but the request did not', {
        requestId: record.requestId,
        status: record.status,
      });
    }
  }

  /**
   * Start the request afresh under a new execution name (a Standard execution's name is taken for 90 days, and a
   * redrive would resume at the Fail state that ended it). Bounded: past MAX_RESTARTS the request is reported as stuck.
   */
  private async restart(record: RequestRecord, report: SweepReport, why: string): Promise<void> {
    const restarts = (record.restarts ?? 0) + 1;
    if (restarts > MAX_RESTARTS) {
      report.stuck += 1;
      logger.error('request stuck: restarted too often', {
        requestId: record.requestId,
        status: record.status,
        restarts: record.restarts,
      });
      return;
    }
    await this.deps.requests.update(record.requestId, { restarts });
    await this.deps.executions.start(record.requestId, executionName({ requestId: record.requestId, restarts }));
    report.restarted += 1;
    report.recovered.push(record.requestId);
    logger.info('sweep restarted a request', { requestId: record.requestId, status: record.status, restarts, why });
  }

  /** When the verification link stops working (a request recorded but never mailed: a day after receipt). */
  private linkExpiry(record: RequestRecord): number {
    return record.verificationExpiresAt
      ? Date.parse(record.verificationExpiresAt)
      : Date.parse(record.receivedAt) + 86_400_000;
  }

  private owesNothingMore(record: RequestRecord, now: Date): boolean {
    // a denial the subject may still appeal: the appeal's answer goes to this address (functions/appeal-request)
    if (record.status === 'rejected' && record.decision?.appealUntil !== undefined)
      return now.getTime() > Date.parse(record.decision.appealUntil);
    // a restriction still holding: its subject is owed the notice before the lift
    if (record.type === 'restriction' && (record.status === 'completed' || record.status === 'partially_completed'))
      return record.lift?.liftedAt !== undefined;
    if (record.type === 'access' && (record.status === 'completed' || record.status === 'partially_completed')) {
      const delivered = Date.parse(record.deliveredAt ?? record.completedAt ?? record.updatedAt);
      return now.getTime() > delivered + this.deps.downloadTtlSeconds * 1000;
    }
    return true;
  }
}
