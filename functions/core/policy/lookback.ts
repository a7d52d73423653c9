import type { RecordDate, SystemConfig } from '../../../connectors/config';
import type { Regulation, RequestType } from '../domain/request';
import { addCalendarMonths, addDays, type CalendarDate, toCalendarDate } from '../rules/calendar-date';
import { type IsoPeriod, type Profile, periodParts } from './profile';

/**
 * The lookback of a "know" answer: which records of the subject an access (or portability) document covers, by their
 * date, when the company's profile promises answers covering only a period before the request.
 *
 * When it applies — the law decides, the profile only states the company's figure:
 * - CCPA: "The disclosure of the required information shall cover the 12-month period preceding the business's receipt
 *   of the verifiable consumer request" (Cal. Civ. Code §1798.130(a)(2)(B)). Portability is not a right of its own
 *   there but the form of that same disclosure ("in a readily usable format that allows the consumer to transmit this
 *   information", §1798.130(a)(2)(B); §1798.100(d); the ccpa pack's note): so a `portability` request under the CCPA
 *   is covered by the same lookback as an `access` one.
 * - Every other law this pipeline serves gives access to all the data held, with no period: GDPR and UK GDPR Art. 15(1)
 *   and Art. 20(1) ("the personal data concerning him or her"); Va. Code §59.1-577(A)(1), C.R.S. §6-1-1306(1)(b),
 *   Conn. Gen. Stat. §42-518(a)(1), Tex. Bus. & Com. Code §541.051(b)(1). A company's promise cannot narrow a statutory
 *   right, so under those laws a profile's lookback is not applied: the answer covers every record.
 * - Under the CCPA the window is never shorter than the statute's 12 months: a profile stating less is read as the
 *   law's 12 months (and the document says so, naming the section as the source).
 * - §1798.130(a)(2)(B) also lets a consumer ask for information beyond the 12 months (collected since 1 January 2022,
 *   11 CCR §7024(h)) unless that proves impossible or a disproportionate effort: such a request is an operator's to
 *   answer; the automated answer keeps to the stated window.
 * - Only the documents of the "know" rights: deletion, correction and every other change act on all of a subject's
 *   records whatever their age (CCPA §1798.105, GDPR Art. 17) — the search and the erasure never see a lookback.
 *
 * What it does to the records (functions/assemble-export): of a system that declares `recordDate` (a Postgres table:
 * each table its own), a record dated before the window's first day is left out, and counted; a record without a
 * readable date is kept, and counted (a subject is never denied a record because its date could not be read). A system
 * without the field is answered whole. The document states, per system, the window and the counts — never which
 * records, nor their dates.
 */

/** The law whose disclosure covers a period before the request, and its period. */
const STATUTE: { period: IsoPeriod; source: string } = {
  period: 'P12M',
  source: 'Cal. Civ. Code §1798.130(a)(2)(B): the disclosure covers the 12-month period preceding receipt',
};

/** The "know" rights whose documents a lookback covers (see above). */
const COVERED: ReadonlySet<RequestType> = new Set<RequestType>(['access', 'portability']);

/** The window of an answer: records dated on or after `from` (a calendar date, UTC) are in it. */
export interface LookbackWindow {
  from: CalendarDate;
  period: IsoPeriod;
  /** where the period comes from: the profile's quote of the policy, or the statute when it is longer */
  source: string;
}

/** The window an answer to this request keeps to, or undefined when it covers every record (see the rule above). */
export function lookbackWindow(
  profile: Pick<Profile, 'lookback'>,
  request: { type: RequestType; regulation: Regulation; receivedAt: string },
): LookbackWindow | undefined {
  if (profile.lookback === undefined || !COVERED.has(request.type) || request.regulation !== 'ccpa') return undefined;
  const received = toCalendarDate(request.receivedAt);
  const promised = { ...profile.lookback, from: periodStart(received, profile.lookback.period) };
  const statutory = { ...STATUTE, from: periodStart(received, STATUTE.period) };
  // the earlier first day covers more: the law's 12 months are the least a CCPA answer covers
  return promised.from <= statutory.from ? promised : statutory;
}

/** The first day of a period ending on `received` (months by the corresponding-date rule: 31 March − 1 month → 28/29 February). */
export function periodStart(received: CalendarDate, period: IsoPeriod): CalendarDate {
  const parts = periodParts(period);
  return 'months' in parts ? addCalendarMonths(received, -parts.months) : addDays(received, -parts.days);
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/**
 * The UTC calendar date a record-date value gives, or undefined when it gives none: ISO-8601 dates and date-times (a
 * space for the `T`, as Postgres writes them; no offset is UTC), or Unix seconds / milliseconds as numbers or digit
 * strings. Anything else — a missing value, another form, an impossible date — is undefined, never a guess.
 */
export function recordDateValue(value: unknown, format: RecordDate['format']): CalendarDate | undefined {
  if (format === 'iso') {
    if (typeof value !== 'string') return undefined;
    const match = ISO.exec(value.trim());
    if (match === null) return undefined;
    const [, date = '', time, seconds, offset] = match;
    try {
      toCalendarDate(date); // refuses 2024-02-30, which Date would roll into March
    } catch {
      return undefined;
    }
    if (time === undefined) return date;
    const zone = offset === undefined || offset.toUpperCase() === 'Z' ? 'Z' : normaliseOffset(offset);
    const instant = new Date(`${date}T${time}${seconds ?? ':00'}${zone}`);
    return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString().slice(0, 10);
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) return undefined;
  const instant = new Date(format === 'epoch_seconds' ? n * 1000 : n);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString().slice(0, 10);
}

/** `+05`, `+0530` → `+05:30` (the forms Date reads reliably). */
function normaliseOffset(offset: string): string {
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}

/**
 * The field a Postgres system's records name their table in (connectors/postgres TABLE_FIELD; not imported, so the
 * assembling function does not bundle the Postgres driver — a unit test holds the two equal).
 */
export const POSTGRES_TABLE_FIELD = '_table';

/** The record-date declarations of a system: one for every record, or one per Postgres table; none, undefined. */
function datingOf(system: SystemConfig): ((record: Record<string, unknown>) => RecordDate | undefined) | undefined {
  if (system.type === 'postgres') {
    const byTable = new Map(system.tables.flatMap((t) => (t.recordDate ? [[t.name, t.recordDate] as const] : [])));
    if (byTable.size === 0) return undefined;
    return (record) => {
      const table = record[POSTGRES_TABLE_FIELD];
      return typeof table === 'string' ? byTable.get(table) : undefined;
    };
  }
  if (system.type === 'manual' || system.recordDate === undefined) return undefined;
  const recordDate = system.recordDate;
  return () => recordDate;
}

/** What a document states of a system's lookback: the window, and how many records fell outside it or had no date. */
export interface LookbackReport extends LookbackWindow {
  /** records dated before `from`: not in the document */
  outside: number;
  /** records of a dated kind whose date could not be read: in the document all the same */
  undated: number;
}

/**
 * One pass over one system's records under a window: `keeps` each record in turn, then `report()`. Undefined from
 * `for` when nothing applies (no window, or a system that declares no record date): the records are answered whole.
 */
export class LookbackFilter {
  private outside = 0;
  private undated = 0;

  private constructor(
    private readonly window: LookbackWindow,
    private readonly dating: (record: Record<string, unknown>) => RecordDate | undefined,
  ) {}

  public static for(system: SystemConfig, window: LookbackWindow | undefined): LookbackFilter | undefined {
    const dating = window && datingOf(system);
    return window && dating ? new LookbackFilter(window, dating) : undefined;
  }

  public keeps(record: Record<string, unknown>): boolean {
    const declared = this.dating(record);
    // a Postgres row of a table that declares no date: that table is answered whole
    if (declared === undefined) return true;
    const date = recordDateValue(
      Object.hasOwn(record, declared.field) ? record[declared.field] : undefined,
      declared.format,
    );
    if (date === undefined) {
      this.undated += 1;
      return true;
    }
    if (date < this.window.from) {
      this.outside += 1;
      return false;
    }
    return true;
  }

  public report(): LookbackReport {
    return { ...this.window, outside: this.outside, undated: this.undated };
  }
}
