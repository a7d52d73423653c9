import { NoticeRight, type Recipient, type SystemsConfig } from '../../connectors/config';
import type { RequestType } from './domain/request';

/** One recipient the notices step tells: its id, and how long the workflow waits for its answer (seconds). */
export interface PlannedRecipient {
  recipientId: string;
  /** the recipient's `answerWithin` in seconds: the callback task's deadline (TimeoutSecondsPath) */
  answerWithinSeconds: number;
}

const DAY_SECONDS = 86_400;

/**
 * Seconds in an ISO-8601 duration (connectors/config.ts Recipient.answerWithin): years, months, weeks, days, and after a
 * `T` hours, minutes, seconds. A year counts 365 days and a month 30: a deadline for an answer, not a calendar date.
 * At least one second (a zero deadline would time the task out before the notice is sent).
 */
export function durationSeconds(duration: string): number {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration);
  const [y, mo, w, d, h, mi, s] = (match?.slice(1) ?? []).map((n) => Number(n ?? 0));
  const days = (y ?? 0) * 365 + (mo ?? 0) * 30 + (w ?? 0) * 7 + (d ?? 0);
  return Math.max(1, days * DAY_SECONDS + (h ?? 0) * 3600 + (mi ?? 0) * 60 + (s ?? 0));
}

/**
 * The recipients to tell after a request of `type` (GDPR Art. 19; CCPA §1798.105(c)(1), §1798.106(c)): every recipient
 * of the data map whose `notifyOf` names the right. One without a contact is still listed: the notices step answers it
 * `not_sent` at once, so the receipt says who could not be told. Rights that change nothing (access, …) tell nobody.
 * Pure: ids and seconds only (this list goes into the state machine's payload).
 */
export function recipientsFor(config: Pick<SystemsConfig, 'recipients'>, type: RequestType): PlannedRecipient[] {
  const right = NoticeRight.safeParse(type);
  if (!right.success) return [];
  return (config.recipients ?? [])
    .filter((recipient: Recipient) => recipient.notifyOf.includes(right.data))
    .map((recipient) => ({ recipientId: recipient.id, answerWithinSeconds: durationSeconds(recipient.answerWithin) }));
}
