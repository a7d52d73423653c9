import { InvalidClockDateError } from './errors';

/**
 * Calendar dates as `YYYY-MM-DD` strings (UTC). The statutes count days, not instants, so the engine never handles a
 * time of day: a timestamp is reduced to its UTC date once, at the edge of the engine (`toCalendarDate`).
 */
export type CalendarDate = string;

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** The UTC date of a timestamp, or the date itself after checking that it is a real calendar date. */
export function toCalendarDate(value: Date | string): CalendarDate {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidClockDateError('The date is not a valid time');
    return value.toISOString().slice(0, 10);
  }
  const match = PATTERN.exec(value);
  if (match === null) {
    // a full ISO timestamp is accepted too; its UTC calendar date is what counts
    const parsed = new Date(value);
    if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(parsed.getTime())) return parsed.toISOString().slice(0, 10);
    throw new InvalidClockDateError('A date must be written YYYY-MM-DD');
  }
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.toISOString().slice(0, 10) !== value) throw new InvalidClockDateError(`${value} is not a calendar date`);
  return value;
}

export function parts(date: CalendarDate): { year: number; month: number; day: number } {
  const [y, m, d] = date.split('-').map(Number);
  return { year: y ?? 0, month: m ?? 0, day: d ?? 0 };
}

export function fromParts(year: number, month: number, day: number): CalendarDate {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const { year, month, day } = parts(date);
  return fromParts(year, month, day + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  const a = parts(from);
  const b = parts(to);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: CalendarDate): number {
  const { year, month, day } = parts(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

export function isWeekend(date: CalendarDate): boolean {
  const w = weekday(date);
  return w === 0 || w === 6;
}

export function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * `months` calendar months after `date`: the corresponding date, or the last day of the month when that month has no
 * such date (31 January + 1 month → 28/29 February; 31 March + 1 month → 30 April). This is Regulation (EEC, Euratom)
 * No 1182/71 Art. 3(2)(c) for the EU, and the ICO's rule for the UK ("the corresponding calendar date in the next
 * month … if there is no corresponding calendar date, the last day of the following month").
 */
export function addCalendarMonths(date: CalendarDate, months: number): CalendarDate {
  const { year, month, day } = parts(date);
  const targetIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(targetIndex / 12);
  const targetMonth = (targetIndex % 12) + 1;
  return fromParts(targetYear, targetMonth, Math.min(day, lastDayOfMonth(targetYear, targetMonth)));
}

export function maxDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a >= b ? a : b;
}
