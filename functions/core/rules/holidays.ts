import { addDays, type CalendarDate, fromParts, isWeekend, lastDayOfMonth, parts, weekday } from './calendar-date';

/**
 * Public holidays computed by rule, year by year, so that no one has to add next year's list by hand.
 *
 * - `us_federal`: the legal public holidays of 5 U.S.C. §6103(a), with the observed-day rule of §6103(b) and Executive
 *   Order 11582: a holiday on a Saturday is observed on the Friday before, one on a Sunday on the Monday after (so New
 *   Year's Day on a Saturday is observed on 31 December of the year before). Juneteenth counts from 2021 (Pub. L.
 *   117-17). The US packs use it: none of the state laws defines "business day" and California's regulations do not
 *   either; the federal calendar is the common denominator. California's own state holidays (Cal. Gov. Code §6700) are
 *   not modelled: they add days (Lincoln's birthday, César Chávez Day, Native American Day, the day after Thanksgiving)
 *   and would therefore push a deadline later, which a cautious calendar should not do.
 * - `england_wales`: the bank holidays of the Banking and Financial Dealings Act 1971, Schedule 1 (Easter Monday, the
 *   last Monday in May and in August, Boxing Day with its substitute day) plus New Year's Day and the early May bank
 *   holiday by annual royal proclamation, Good Friday and Christmas Day as common-law holidays, with substitute days
 *   when they fall on a weekend. One-off changes made by proclamation are listed in `ENGLAND_WALES_PROCLAMATIONS`.
 * - `none`: weekends only (no pack counts business days under it today).
 */
export type HolidayCalendar = 'us_federal' | 'england_wales' | 'none';

/** The n-th (1-based) given weekday of a month; n = -1 for the last one. */
function nthWeekday(year: number, month: number, dayOfWeek: number, n: number): CalendarDate {
  if (n > 0) {
    const first = weekday(fromParts(year, month, 1));
    return fromParts(year, month, 1 + ((dayOfWeek - first + 7) % 7) + (n - 1) * 7);
  }
  const lastDay = lastDayOfMonth(year, month);
  const last = weekday(fromParts(year, month, lastDay));
  return fromParts(year, month, lastDay - ((last - dayOfWeek + 7) % 7));
}

const MONDAY = 1;
const THURSDAY = 4;

/** Western (Gregorian) Easter Sunday: the anonymous Gregorian computus (Meeus/Jones/Butcher). */
export function easterSunday(year: number): CalendarDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return fromParts(year, month, day);
}

/** 5 U.S.C. §6103(b): Saturday → the Friday before, Sunday → the Monday after. */
function usObserved(date: CalendarDate): CalendarDate {
  const w = weekday(date);
  if (w === 6) return addDays(date, -1);
  if (w === 0) return addDays(date, 1);
  return date;
}

/** The observed US federal holidays that fall in `year`. */
export function usFederalHolidays(year: number): CalendarDate[] {
  const fixed = (month: number, day: number) => usObserved(fromParts(year, month, day));
  const days = [
    fixed(1, 1), // New Year's Day
    nthWeekday(year, 1, MONDAY, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 2, MONDAY, 3), // Washington's Birthday
    nthWeekday(year, 5, MONDAY, -1), // Memorial Day
    ...(year >= 2021 ? [fixed(6, 19)] : []), // Juneteenth National Independence Day
    fixed(7, 4), // Independence Day
    nthWeekday(year, 9, MONDAY, 1), // Labor Day
    nthWeekday(year, 10, MONDAY, 2), // Columbus Day
    fixed(11, 11), // Veterans Day
    nthWeekday(year, 11, THURSDAY, 4), // Thanksgiving Day
    fixed(12, 25), // Christmas Day
    usObserved(fromParts(year + 1, 1, 1)), // next New Year's Day, observed on 31 December when it is a Saturday
  ];
  return days.filter((d) => parts(d).year === year).sort();
}

/**
 * One-off changes to the England and Wales calendar made by royal proclamation (they cannot be computed): a rule-based
 * date that moved, or a day added. Dates from the proclamations as published on gov.uk/bank-holidays.
 */
export const ENGLAND_WALES_PROCLAMATIONS: Readonly<
  Record<number, { readonly moved?: Readonly<Record<CalendarDate, CalendarDate>>; readonly added?: readonly string[] }>
> = {
  2011: { added: ['2011-04-29'] }, // wedding of Prince William and Catherine Middleton
  2012: { moved: { '2012-05-28': '2012-06-04' }, added: ['2012-06-05'] }, // Diamond Jubilee
  2020: { moved: { '2020-05-04': '2020-05-08' } }, // VE Day 75th anniversary
  2022: { moved: { '2022-05-30': '2022-06-02' }, added: ['2022-06-03', '2022-09-19'] }, // Platinum Jubilee; State Funeral
  2023: { added: ['2023-05-08'] }, // Coronation of King Charles III
};

/** The bank holidays (and substitute days) in England and Wales in `year`. */
export function englandWalesBankHolidays(year: number): CalendarDate[] {
  const easter = easterSunday(year);
  const newYear = fromParts(year, 1, 1);
  const days: CalendarDate[] = [
    // New Year's Day; on a weekend, the substitute day is the Monday after
    isWeekend(newYear) ? nthWeekday(year, 1, MONDAY, 1) : newYear,
    addDays(easter, -2), // Good Friday
    addDays(easter, 1), // Easter Monday
    nthWeekday(year, 5, MONDAY, 1), // early May bank holiday
    nthWeekday(year, 5, MONDAY, -1), // spring bank holiday
    nthWeekday(year, 8, MONDAY, -1), // summer bank holiday
    ...christmasAndBoxingDay(year),
  ];
  const proclaimed = ENGLAND_WALES_PROCLAMATIONS[year];
  const moved = days.map((d) => proclaimed?.moved?.[d] ?? d);
  return [...new Set([...moved, ...(proclaimed?.added ?? [])])].sort();
}

/**
 * Christmas Day and Boxing Day, or their substitutes: each that falls on a weekend moves to the next weekday not already
 * taken (Christmas on Saturday → Monday 27 and Tuesday 28; on Sunday → Boxing Day Monday 26, Christmas Tuesday 27).
 */
function christmasAndBoxingDay(year: number): CalendarDate[] {
  const taken: CalendarDate[] = [];
  for (const day of [fromParts(year, 12, 25), fromParts(year, 12, 26)]) {
    let date = day;
    while (isWeekend(date) || taken.includes(date)) date = addDays(date, 1);
    taken.push(date);
  }
  return taken;
}

const cache = new Map<string, ReadonlySet<CalendarDate>>();

/** The holidays of a calendar in a year, computed once per (calendar, year). */
export function holidays(calendar: HolidayCalendar, year: number): ReadonlySet<CalendarDate> {
  const key = `${calendar}:${year}`;
  let set = cache.get(key);
  if (set === undefined) {
    const list =
      calendar === 'us_federal'
        ? usFederalHolidays(year)
        : calendar === 'england_wales'
          ? englandWalesBankHolidays(year)
          : [];
    set = new Set(list);
    cache.set(key, set);
  }
  return set;
}

/** A business day: neither a Saturday, a Sunday nor a holiday of the calendar. */
export function isBusinessDay(date: CalendarDate, calendar: HolidayCalendar): boolean {
  return !isWeekend(date) && !holidays(calendar, parts(date).year).has(date);
}

/** `count` business days after `date` (the day itself does not count, as "within N business days after receipt"). */
export function addBusinessDays(date: CalendarDate, count: number, calendar: HolidayCalendar): CalendarDate {
  let current = date;
  let left = count;
  while (left > 0) {
    current = addDays(current, 1);
    if (isBusinessDay(current, calendar)) left -= 1;
  }
  return current;
}

/** The date itself if it is a business day, else the next business day. */
export function nextBusinessDay(date: CalendarDate, calendar: HolidayCalendar): CalendarDate {
  let current = date;
  while (!isBusinessDay(current, calendar)) current = addDays(current, 1);
  return current;
}

/** Business days in the closed range [from, to]; 0 when `to` is before `from`. */
export function businessDaysBetweenInclusive(from: CalendarDate, to: CalendarDate, calendar: HolidayCalendar): number {
  let count = 0;
  for (let d = from; d <= to; d = addDays(d, 1)) if (isBusinessDay(d, calendar)) count += 1;
  return count;
}
