import { type Clock, startClock } from '../rules/clock';
import { RightNotGivenError } from '../rules/errors';
import { loadPack } from '../rules/pack';
import type { Regulation, RequestType } from './request';

/**
 * The statutory deadline for answering a request, as a calendar date (YYYY-MM-DD, UTC).
 *
 * - GDPR Art. 12(3): "within one month of receipt". Per Regulation (EEC, Euratom) No 1182/71 Art. 3(2)(c),
 *   a period in months ends on the same date of the following month; if that date does not exist
 *   (31 January → February), it ends on the last day of that month.
 * - CCPA §1798.130(a)(2): within 45 calendar days of receipt.
 *
 * Delegates to the rules engine (functions/core/rules), with the access clock of the regulation's pack: that is the
 * base clock every request type had here. Per-type deadlines (CCPA opt-outs in 15 business days), extensions and
 * pauses come from the engine's `Clock` once the workflow stores one on the request.
 */
export function dueDate(regulation: Regulation, receivedAt: Date): string {
  return startClock(loadPack(regulation), 'access', receivedAt).dueOn;
}

/**
 * The statutory clock of a request of `type` under `regulation`, from the regulation's pack (functions/core/rules):
 * per-type deadlines (a CCPA opt-out of sale/sharing or a limit on sensitive information within 15 business days, 11 CCR
 * §7026(f), §7027(g); an acknowledgment within 10 business days, §7021(a)), the extension available and its notice
 * deadline. Where the pack gives no such right under that law (a restriction under the CCPA), the request keeps the
 * access clock until the policy step decides on it — a deadline is never left unset.
 */
export function requestClock(regulation: Regulation, type: RequestType, receivedAt: Date): Clock {
  const pack = loadPack(regulation);
  try {
    return startClock(pack, type, receivedAt);
  } catch (error) {
    if (error instanceof RightNotGivenError) return startClock(pack, 'access', receivedAt);
    throw error;
  }
}
