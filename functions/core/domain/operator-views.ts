import type { RequestRecord } from './request-record';
import { isTerminal } from './status';
import { redact } from '../logger';
import { waitingFor } from './queue';

/**
 * The operator's read-only views of the requests, shared by the CLI (`dsar show`, `dsar metrics`) and the console:
 * computed from the request records alone, so the same code serves the twin and a deployment. Addresses appear
 * masked only: an operator sees what a request is and how it stands, not whom it is about (the task never needs more).
 */

const DAY_MS = 86_400_000;

/** One request for an operator: its facts, its clock and per system what was done; the address masked. */
export function requestView(record: RequestRecord): Record<string, unknown> {
  return {
    requestId: record.requestId,
    type: record.type,
    regulation: record.regulation,
    status: record.status,
    subject: record.subject ? redact(record.subject.email) : '(forgotten)',
    verification: record.verification ?? (record.verifiedAt ? 'email_link' : 'pending'),
    receivedAt: record.receivedAt,
    verifiedAt: record.verifiedAt,
    completedAt: record.completedAt,
    dueDate: record.dueDate,
    decision: record.decision
      ? `${record.decision.outcome} (${record.decision.reasons.map((r) => r.code).join(', ') || 'no reasons'}; by ${record.decision.by ?? 'policy'}, profile ${record.decision.profile.id} ${record.decision.profile.version})`
      : undefined,
    waitingFor: waitingFor(record),
    // a mail whose right was unclear: its words are what the operator decides the right from, while it waits for that
    ...(record.mailText &&
    record.decision?.outcome === 'hold' &&
    record.decision.reasons.some((r) => r.code === 'type_unclear')
      ? { mailText: record.mailText }
      : {}),
    ...(record.clock
      ? {
          clock: {
            pack: `${record.clock.pack} ${record.clock.packVersion}`,
            acknowledgeBy: record.clock.acknowledgeBy,
            dueOn: record.clock.dueOn,
            extension: record.clock.extension,
          },
        }
      : {}),
    ...(record.identitySources?.length ? { searchedBy: record.identitySources } : {}),
    ...(record.done ? { systems: record.done } : record.outcomes ? { systems: record.outcomes } : {}),
    ...(record.attention ? { attention: record.attention } : {}),
  };
}

/** CCPA regulations §7102(a): per right, what a business must disclose for a calendar year. */
export interface MetricsRow {
  year: number;
  right: string;
  received: number;
  /** complied with in whole (completed) */
  compliedInWhole: number;
  /** complied with in part (partially completed) */
  compliedInPart: number;
  /** denied; the reason is the status until the policy step records reasons */
  denied: number;
  /**
   * the denials by reason (11 CCR §7102(a)(1)(C): "denied in whole or in part"; the reasons are the policy step's codes,
   * `operator` for an operator's own), `code=n` joined by `; ` (a request denied for two reasons counts under both)
   */
  deniedBy: string;
  /** cancelled by the subject, or never confirmed */
  withdrawnOrUnverified: number;
  /** still open */
  open: number;
  /** days from receipt to the substantive response, for the answered requests */
  medianDays: number | null;
  meanDays: number | null;
}

function deniedBy(records: readonly RequestRecord[]): string {
  const counts = new Map<string, number>();
  for (const record of records.filter((r) => r.status === 'rejected'))
    for (const code of new Set((record.decision?.reasons ?? []).map((r) => r.code)))
      counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code}=${n}`)
    .join('; ');
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * The §7102 figures per right for the requests received in `year` (11 CCR §7102(a)(1)–(2): received, complied with
 * in whole or in part, denied, and the median or mean number of days to respond substantively). Days are counted from
 * receipt to the answer (`completedAt`), to one decimal.
 */
export function metrics(records: readonly RequestRecord[], year: number): MetricsRow[] {
  const inYear = records.filter((record) => new Date(record.receivedAt).getUTCFullYear() === year);
  const rights = [...new Set(inYear.map((record) => record.type))].sort();
  return rights.map((right) => {
    const of = inYear.filter((record) => record.type === right);
    const count = (...statuses: string[]) => of.filter((record) => statuses.includes(record.status)).length;
    const days = of
      .filter((record) => record.completedAt && ['completed', 'partially_completed'].includes(record.status))
      .map((record) => (Date.parse(record.completedAt ?? '') - Date.parse(record.receivedAt)) / DAY_MS);
    const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
    return {
      year,
      right,
      received: of.length,
      compliedInWhole: count('completed'),
      compliedInPart: count('partially_completed'),
      denied: count('rejected'),
      deniedBy: deniedBy(of),
      withdrawnOrUnverified: count('cancelled', 'expired'),
      open: of.filter((record) => !isTerminal(record.status)).length,
      medianDays: round(median(days)),
      meanDays: round(days.length ? days.reduce((a, b) => a + b, 0) / days.length : null),
    };
  });
}
