import type { Regulation } from './request';

/**
 * The statutory deadline for answering a request, as a calendar date (YYYY-MM-DD, UTC).
 *
 * - GDPR Art. 12(3): "within one month of receipt". Per Regulation (EEC, Euratom) No 1182/71 Art. 3(2)(c),
 *   a period in months ends on the same date of the following month; if that date does not exist
 *   (31 January → February), it ends on the last day of that month.
 * - CCPA §1798.130(a)(2): within 45 calendar days of receipt.
 *
 * Extensions, holidays and pauses for verification arrive with the statutory-rules work; this is the base clock.
 */
export function dueDate(regulation: Regulation, receivedAt: Date): string {
  const y = receivedAt.getUTCFullYear();
  const m = receivedAt.getUTCMonth();
  const d = receivedAt.getUTCDate();
  if (regulation === 'gdpr') {
    const lastDayOfNextMonth = new Date(Date.UTC(y, m + 2, 0)).getUTCDate();
    return isoDate(new Date(Date.UTC(y, m + 1, Math.min(d, lastDayOfNextMonth))));
  }
  return isoDate(new Date(Date.UTC(y, m, d + 45)));
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
