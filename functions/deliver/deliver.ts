import { deliveryMail } from '../core/domain/mail';
import type { Mailer, RequestRecord, RequestRepository, TokenStore } from '../core/ports';
import { logger } from '../core/logger';
import { DeliveryInProgressError } from '../core/domain/errors';
import { isTerminal, type RequestStatus } from '../core/domain/status';
import { CHANGE_TYPES, changeIdentity } from '../core/domain/change-result';

/**
 * Whether the answer is the last thing owed to the subject, so their address goes with it: a deletion (the receipt and
 * the suppression list remember it by keyed hash), and a change — except a restriction, whose subject must be told
 * before it is lifted (GDPR Art. 18(3)): that address is kept until the lift (functions/lift-restriction).
 */
export function forgetsOnAnswer(record: RequestRecord): boolean {
  return record.type === 'deletion' || (CHANGE_TYPES.has(record.type) && record.type !== 'restriction');
}

/** How a deletion that some systems could not confirm is retried before the subject is forgotten anyway. */
export interface DeletionRetryPolicy {
  /** retries after the first answer; once this many have run and still failed, the budget is spent */
  readonly attempts: number;
  /** wait before retry n (0-based), seconds; the last value repeats */
  readonly delaysSeconds: readonly number[];
}

/**
 * Three retries, an hour, six hours and a day apart: all well inside GDPR's one month (Art. 12(3)) and CCPA's 45
 * days, and spaced for the kind of outage that outlives a workflow's own retries (a throttled or unreachable system).
 */
export const DEFAULT_DELETION_RETRY: DeletionRetryPolicy = { attempts: 3, delaysSeconds: [3_600, 21_600, 86_400] };

/**
 * How old a delivery claim without a recorded mail must be before another invocation takes it over: longer than the
 * Deliver function's 60 s timeout, so its holder is certainly no longer running (Lambda ended it).
 */
export const DELIVERY_LEASE_SECONDS = 120;

export interface DeliverDeps {
  requests: RequestRepository;
  tokens: TokenStore;
  mailer: Mailer;
  apiUrl: string;
  downloadTtlSeconds: number;
  retry?: DeletionRetryPolicy;
  now?: () => Date;
}

interface Outcome {
  status: RequestStatus;
  /** mail a link to the document of this attempt */
  mail: boolean;
  /** drop the subject's identity once the status is set */
  forget: boolean;
  retry?: RequestRecord['retry'];
}

/**
 * Deliver the document: mail a single-use download link to the verified address and close the request — `completed`,
 * or `partially_completed` when any system failed (never presented as complete).
 *
 * A deletion some systems could not confirm is not over: it goes to `retrying` with the failed systems and when to try
 * them next (the sweeper starts that attempt; PlanRequest plans only those systems), keeping its subject. It is
 * forgotten only when every system has confirmed, or when the retry budget is spent (then it ends
 * `partially_completed`, says so in the log, and forgets anyway: the record must not outlive its purpose, Art. 5(1)(e)).
 * The subject is mailed on the first answer and on the final one, not on every retry that changes nothing.
 *
 * Exactly one link per attempt, even if the step runs twice: the delivery is claimed in a conditional write before the
 * token is issued, and `mailedAt` is recorded after the send. A re-run that finds `mailedAt` sends nothing; one that
 * finds a fresh claim without it leaves it to its holder (DeliveryInProgressError, retried); one that finds a claim
 * older than DELIVERY_LEASE_SECONDS (its holder died between claim and send) takes it over and delivers.
 * The window that remains: a holder that dies after SES accepted the mail but before `mailedAt` was written is
 * indistinguishable from one that died before sending, so its successor mails a second link (to the same verified
 * address, for the same document). SES offers no idempotency key to close it.
 */
export class Deliver {
  private readonly now: () => Date;
  private readonly retry: DeletionRetryPolicy;

  public constructor(private readonly deps: DeliverDeps) {
    this.now = deps.now ?? (() => new Date());
    this.retry = deps.retry ?? DEFAULT_DELETION_RETRY;
  }

  public async execute(requestId: string, documentKey: string, complete: boolean): Promise<{ status: string }> {
    const { requests } = this.deps;
    const record = await requests.load(requestId);
    if (record.status === 'completed' || record.status === 'partially_completed') {
      if (forgetsOnAnswer(record) && record.subject) await requests.forgetSubject(requestId);
      return { status: record.status };
    }
    // Already answered (this attempt ended retrying), or ended another way (cancelled meanwhile): nothing to send.
    if (record.status === 'retrying' || isTerminal(record.status)) return { status: record.status };
    // the verified address; an opt-out that needed no verification is answered at the identifier given (§7026(d))
    const to = changeIdentity(record);

    const current = await requests.advance(requestId, 'delivering');
    await requests.update(requestId, { documentKey });
    const outcome = this.outcome(record, complete);
    if (outcome.mail) await this.mailOnce(current, to, complete);

    const at = this.now().toISOString();
    await requests.advance(requestId, outcome.status, {
      deliveredAt: at,
      ...(isTerminal(outcome.status) ? { completedAt: at } : {}),
      ...(outcome.retry ? { retry: outcome.retry } : {}),
    });
    // The receipt (keyed hash) and the suppression list remember this deletion; the record need not name them.
    if (outcome.forget) await requests.forgetSubject(requestId);
    logger.info('request delivered', {
      status: outcome.status,
      mailed: outcome.mail,
      retrySystems: outcome.retry?.systems.length,
      attempts: outcome.retry?.attempts,
    });
    return { status: outcome.status };
  }

  private outcome(record: RequestRecord, complete: boolean): Outcome {
    const attempts = record.retry?.attempts ?? 0;
    const first = record.retry === undefined;
    if (complete) return { status: 'completed', mail: true, forget: forgetsOnAnswer(record) };
    // only a deletion retries its failed systems; any other right is answered once, saying what could not be done
    if (record.type !== 'deletion')
      return { status: 'partially_completed', mail: true, forget: forgetsOnAnswer(record) };

    const failed = (record.outcomes ?? []).filter((o) => o.status === 'failed').map((o) => o.systemId);
    // Not knowing which failed, retry every system this attempt covered rather than none.
    const systems = failed.length > 0 ? failed : (record.outcomes ?? []).map((o) => o.systemId);
    if (attempts < this.retry.attempts && systems.length > 0) {
      const delays = this.retry.delaysSeconds;
      const delay = delays[Math.min(attempts, delays.length - 1)] ?? 3_600;
      const nextAt = new Date(this.now().getTime() + delay * 1000).toISOString();
      return { status: 'retrying', mail: first, forget: false, retry: { systems, attempts, nextAt } };
    }
    logger.warn('deletion retry budget spent with systems unconfirmed; forgetting the subject', {
      attempts,
      systems: systems.length,
    });
    return {
      status: 'partially_completed',
      mail: true,
      forget: true,
      retry: {
        systems,
        attempts,
        nextAt: record.retry?.nextAt ?? this.now().toISOString(),
        exhaustedAt: this.now().toISOString(),
      },
    };
  }

  /** Claim this attempt's delivery, then issue the link and mail it, then record the mail (see the class comment). */
  private async mailOnce(record: RequestRecord, to: string, complete: boolean): Promise<void> {
    const { requests, tokens, mailer } = this.deps;
    const attempt = record.retry?.attempts ?? 0;
    const held = record.delivery?.attempt === attempt ? record.delivery : undefined;
    if (held?.mailedAt) return;
    let takeOver: string | undefined;
    if (held) {
      const age = this.now().getTime() - Date.parse(held.claimedAt);
      if (age < DELIVERY_LEASE_SECONDS * 1000) throw new DeliveryInProgressError(record.requestId);
      takeOver = held.claimedAt;
      logger.warn('taking over a stale delivery claim', { attempt, ageSeconds: Math.round(age / 1000) });
    }
    const claimedAt = this.now().toISOString();
    if (!(await requests.claimDelivery(record.requestId, attempt, claimedAt, takeOver))) {
      const fresh = await requests.load(record.requestId);
      if (fresh.delivery?.attempt === attempt && fresh.delivery.mailedAt) return;
      throw new DeliveryInProgressError(record.requestId);
    }

    const expiresAt = new Date(this.now().getTime() + this.deps.downloadTtlSeconds * 1000);
    const token = await tokens.issue('download', record.requestId, this.deps.downloadTtlSeconds);
    const link = `${this.deps.apiUrl.replace(/\/$/, '')}/download?token=${token}`;
    await mailer.send({ ...deliveryMail(record, link, complete, expiresAt), to });
    await requests.update(record.requestId, {
      delivery: { attempt, claimedAt, mailedAt: this.now().toISOString() },
    });
  }
}
