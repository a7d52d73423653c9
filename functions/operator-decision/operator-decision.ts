import { requestClock } from '../core/domain/due-date';
import { ValidationError } from '../core/domain/errors';
import { subjectEmail, type RequestRecord } from '../core/domain/request-record';
import { RIGHT } from '../core/domain/mail';
import { logger } from '../core/logger';
import { type AppealLinks, Denial } from '../core/policy/denial';
import type { Profile } from '../core/policy/profile';
import type { Mailer, MailMessage, RequestRepository, TaskCallbacks } from '../core/ports';
import { type Clock, extend, pause, resume, verified } from '../core/rules/clock';
import { PauseRefusedError } from '../core/rules/errors';
import type { OptOutScope, RequestType } from '../core/domain/request';
import { decide } from '../core/policy/decide';
import { NotHeldError, RightDeniedByPolicyError, RightRequiredError, TooLateToCancelError } from './errors';

/** The right an operator sets on a request whose mail named none clearly (`npx dsar approve <id> --right …`). */
export interface RightChoice {
  right: RequestType;
  /** what an objection or an opt-out is about */
  scope?: OptOutScope;
}

/**
 * The rights an operator can set from a mail: a correction needs the attributes and values, a withdrawal of consent its
 * purpose, which only the subject can give (ask with `clarify`, or point them to the form and `cancel`).
 */
const SETTABLE: ReadonlySet<RequestType> = new Set([
  'access',
  'portability',
  'categories',
  'disclosures',
  'deletion',
  'limit_sensitive',
  'restriction',
  'objection',
  'opt_out',
]);

/** What an operator writes to the subject (a denial's reason, a question, a cancellation's why): a few sentences. */
export const MAX_OPERATOR_TEXT = 1000;

/** The statuses a request may be cancelled from: nothing has been searched or changed for it yet. */
const CANCELLABLE: ReadonlySet<RequestRecord['status']> = new Set(['received', 'pending_verification', 'verified']);

/**
 * An operator's decisions on a request (`npx dsar approve|deny|clarify|cancel`):
 * - `approve` a held request: it goes on (the clock resumes if it was paused for a clarification);
 * - `deny` a held request with a reason the subject is mailed, with the appeal and complaint routes;
 * - `clarify`: ask the subject a question; the clock stands still where the law allows it (the engine refuses
 *   otherwise, functions/core/rules/clock.ts `pause`), and the request stays held until approved or denied;
 * - `cancel` a request not yet being processed, telling the subject why.
 * The waiting workflow task (functions/hold-request) is answered last, after the decision is recorded and mailed, so
 * a re-run of the task finds the decision on the request instead of waiting again.
 */
export class OperatorDecision {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly mailer: Mailer,
    private readonly callbacks: TaskCallbacks,
    private readonly profileOf: () => Profile,
    private readonly now: () => Date = () => new Date(),
    /** where a denial's appeal link points (none: the denial offers an appeal by reply) */
    private readonly links?: AppealLinks,
  ) {}

  /**
   * `choice`: the right, for a request held as `type_unclear` (and only for one): checked against the policy for that
   * right first (a denial changes nothing; the operator denies it in words instead), then set with its own clock.
   */
  public async approve(requestId: string, choice?: RightChoice): Promise<void> {
    let record = await this.held(requestId);
    const unclear = record.decision?.reasons.some((r) => r.code === 'type_unclear') === true;
    if (unclear && choice === undefined) throw new RightRequiredError(requestId);
    if (!unclear && choice !== undefined)
      throw new ValidationError('Only a request held because its right was unclear takes a right', [
        { path: 'right', message: 'this request names its right: approve it without --right' },
      ]);
    if (choice) record = await this.setRight(record, choice);
    const today = this.today();
    const paused = record.clock?.pauses.some((p) => p.to === undefined);
    const clock = paused && record.clock ? resume(record.clock, today) : undefined;
    await this.requests.update(requestId, {
      decision: { ...this.decisionOf(record), outcome: 'go', by: 'operator', at: this.now().toISOString() },
      ...(clock ? { clock, dueDate: clock.dueOn } : {}),
      ...(record.clarification
        ? { clarification: { ...record.clarification, answeredAt: this.now().toISOString() } }
        : {}),
    });
    await this.answer(requestId, { outcome: 'go', reasons: [] });
    logger.info('held request approved', { requestId });
  }

  public async deny(requestId: string, reason: string): Promise<void> {
    const why = text(reason, 'reason', 'A denial needs its reason, which the subject is told');
    const record = await this.held(requestId);
    const decision = {
      ...this.decisionOf(record),
      outcome: 'deny' as const,
      reasons: [{ code: 'operator' as const, source: why }],
      by: 'operator' as const,
      at: this.now().toISOString(),
    };
    await this.requests.update(requestId, { decision });
    // an appeal denied gets the appeal's own answer (where to complain, no further appeal): policy/denial.ts
    await new Denial(this.requests, this.mailer, this.links, this.now).send(record, decision, this.profileOf());
    await this.answer(requestId, { outcome: 'deny', reasons: ['operator'] });
    logger.info('held request denied', { requestId });
  }

  public async clarify(requestId: string, question: string): Promise<{ paused: boolean }> {
    const asked = text(question, 'reason', 'A clarification needs the question, which the subject is asked');
    const record = await this.held(requestId);
    const clock = record.clock ?? requestClock(record.regulation, record.type, new Date(record.receivedAt));
    // the engine decides whether the law lets the clock stand still (UK GDPR Art. 12A for access; the CCPA and the US
    // state laws do not): where it does not, the question is still asked and the clock runs on
    let paused: typeof clock | undefined;
    try {
      paused = pause(clock, this.today(), 'clarification');
    } catch (error) {
      if (!(error instanceof PauseRefusedError)) throw error;
      if (error.reason === 'already_paused') paused = clock;
    }
    await this.mailer.send(clarificationMail(record, asked, paused !== undefined));
    await this.requests.update(requestId, {
      ...(paused ? { clock: paused } : {}),
      clarification: { askedAt: this.now().toISOString() },
    });
    logger.info('clarification asked', { requestId, paused: paused !== undefined });
    return { paused: paused !== undefined };
  }

  public async cancel(requestId: string, reason: string): Promise<void> {
    const why = text(reason, 'reason', 'A cancellation needs its reason, which the subject is told');
    const record = await this.requests.load(requestId);
    if (!CANCELLABLE.has(record.status)) throw new TooLateToCancelError(requestId, record.status);
    const processing =
      record.status === 'verified' && record.decision?.outcome !== 'hold' && record.decision !== undefined;
    if (processing) throw new TooLateToCancelError(requestId, 'being processed');
    if (record.subject) await this.mailer.send(cancellationMail(record, why));
    await this.requests.advance(requestId, 'cancelled');
    if (record.decision?.outcome === 'hold') await this.answer(requestId, { outcome: 'deny', reasons: ['operator'] });
    logger.info('request cancelled by an operator', { requestId });
  }

  private async setRight(record: RequestRecord, { right, scope }: RightChoice): Promise<RequestRecord> {
    const scoped = right === 'objection' || right === 'opt_out';
    if (!SETTABLE.has(right) || scoped !== (scope !== undefined))
      throw new ValidationError('This right cannot be set on a mailed request as given', [
        {
          path: 'right',
          message: SETTABLE.has(right)
            ? scoped
              ? `${right} needs --scope sale_sharing|marketing|profiling`
              : `${right} takes no --scope`
            : `${right} needs details only the subject can give: ask with clarify, or cancel and point them to the form`,
        },
      ]);
    const candidate = { ...record, type: right, typeUnclear: false };
    const earlier = record.subjectHash ? await this.requests.earlierOf(record.subjectHash) : [];
    const policy = decide({ request: candidate, profile: this.profileOf(), earlier });
    if (policy.outcome === 'deny')
      throw new RightDeniedByPolicyError(
        record.requestId,
        right,
        policy.reasons.map((r) => r.code),
      );
    const clock = replay(record.clock, requestClock(record.regulation, right, new Date(record.receivedAt)));
    const set = { type: right, ...(scope ? { scope } : {}), clock, dueDate: clock.dueOn };
    await this.requests.setRight(record.requestId, set);
    logger.info('right set on an unclear request', { requestId: record.requestId, type: right });
    return { ...record, ...set };
  }

  private async held(requestId: string): Promise<RequestRecord> {
    const record = await this.requests.load(requestId);
    if (record.decision?.outcome !== 'hold' || record.status !== 'verified') throw new NotHeldError(requestId);
    return record;
  }

  private decisionOf(record: RequestRecord): NonNullable<RequestRecord['decision']> {
    return record.decision as NonNullable<RequestRecord['decision']>;
  }

  /** Answer the waiting task with the token the request holds now (a restarted execution replaced the first one). */
  private async answer(requestId: string, output: Record<string, unknown>): Promise<void> {
    const record = await this.requests.load(requestId);
    if (record.hold === undefined) return; // the task has not stored its token yet: it will read the decision
    const answered = await this.callbacks.complete(record.hold.taskToken, output);
    if (!(record.status === 'rejected' || record.status === 'cancelled'))
      await this.requests.update(requestId, { hold: { ...record.hold, settledAt: this.now().toISOString() } });
    if (!answered) logger.warn('held task already gone; the decision is on the request', { requestId });
  }

  private today(): string {
    return this.now().toISOString().slice(0, 10);
  }
}

/**
 * The new right's clock with what happened to the placeholder's replayed on it (the start moved by verification, the
 * pauses, the extension), through the engine's own steps: a date in a clock is never set by hand (rules/clock.ts).
 */
function replay(old: Clock | undefined, fresh: Clock): Clock {
  if (old === undefined) return fresh;
  let clock = old.startReason === 'verification' ? verified(fresh, old.startedOn) : fresh;
  for (const p of old.pauses) {
    try {
      clock = pause(clock, p.from, p.reason);
      if (p.to !== undefined) clock = resume(clock, p.to);
    } catch (error) {
      // the new right's law does not let the clock stand still for a clarification: it ran on
      if (!(error instanceof PauseRefusedError)) throw error;
    }
  }
  if (old.extension.extendedOn !== undefined && clock.extension.available)
    clock = extend(clock, old.extension.extendedOn);
  return clock;
}

function text(value: string, path: string, message: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_OPERATOR_TEXT)
    throw new ValidationError(message, [{ path, message: `1 to ${MAX_OPERATOR_TEXT} characters` }]);
  return trimmed;
}

/**
 * The question, and — where the clock waits for the answer (UK GDPR Art. 12A, inserted by the Data (Use and Access)
 * Act 2025 s. 76, for access requests) — that it does.
 */
function clarificationMail(record: RequestRecord, question: string, paused: boolean): MailMessage {
  return {
    to: subjectEmail(record),
    subject: 'We need a detail to answer your privacy request',
    text: [
      `To answer your request for ${RIGHT[record.type]} (reference ${record.requestId}), we need to know:`,
      '',
      question,
      '',
      'Please reply to this message, quoting the reference.',
      ...(paused ? ['The time we have to answer stands still until your reply arrives, as the law allows.'] : []),
    ].join('\n'),
  };
}

function cancellationMail(record: RequestRecord, reason: string): MailMessage {
  return {
    to: subjectEmail(record),
    subject: 'Your privacy request was cancelled',
    text: [
      `Your request for ${RIGHT[record.type]} (reference ${record.requestId}) was cancelled before anything was done:`,
      '',
      reason,
      '',
      'You may make the request again at any time.',
    ].join('\n'),
  };
}
