import { requestClock } from '../core/domain/due-date';
import { StatusConflictError, ValidationError } from '../core/domain/errors';
import { extensionMail } from '../core/domain/mail';
import { isTerminal } from '../core/domain/status';
import { logger } from '../core/logger';
import type { Mailer, RequestRepository } from '../core/ports';
import { extend } from '../core/rules/clock';

/** An extension's reason is mailed to the subject: a sentence or two, in the operator's words. */
export const MAX_EXTENSION_REASON = 500;

/**
 * An operator extends a request's deadline once, where the law allows it (GDPR Art. 12(3): by two further months,
 * the subject told within the first month with the reasons; CCPA §1798.130(a)(2)(A) and 11 CCR §7021(b): by 45 days,
 * with notice and the reason within the first 45). The clock engine decides (functions/core/rules/clock.ts): it
 * refuses an extension the pack does not give, a second one, or one noticed after the deadline, and computes the new
 * date. The subject is mailed the new date and the reason first; then the clock is stored — so a failed mail leaves
 * the request as it was, and a re-run after one may mail again but never extends twice.
 */
export class ExtendRequest {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly mailer: Mailer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async execute(requestId: string, reason: string): Promise<{ dueDate: string; previous: string }> {
    const why = reason.trim();
    if (why.length === 0 || why.length > MAX_EXTENSION_REASON)
      throw new ValidationError('An extension needs its reason, which the subject is told', [
        { path: 'reason', message: `1 to ${MAX_EXTENSION_REASON} characters` },
      ]);
    const record = await this.requests.load(requestId);
    if (isTerminal(record.status)) throw new StatusConflictError(requestId, 'extend');
    // a request received before clocks were stored gets the clock it would have had
    const clock = record.clock ?? requestClock(record.regulation, record.type, new Date(record.receivedAt));
    const today = this.now().toISOString().slice(0, 10);
    const extended = extend(clock, today);
    await this.mailer.send(extensionMail(record, extended.dueOn, why));
    await this.requests.update(requestId, {
      clock: extended,
      dueDate: extended.dueOn,
      extension: { reason: why, at: this.now().toISOString() },
    });
    logger.info('request extended', { requestId, dueDate: extended.dueOn });
    return { dueDate: extended.dueOn, previous: record.dueDate };
  }
}
