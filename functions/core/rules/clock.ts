import { z } from 'zod';
import { RequestType } from '../domain/request';
import { addCalendarMonths, addDays, type CalendarDate, daysBetween, maxDate, toCalendarDate } from './calendar-date';
import {
  ExtensionRefusedError,
  InvalidClockDateError,
  PackMismatchError,
  PauseRefusedError,
  RightNotGivenError,
} from './errors';
import { addBusinessDays, businessDaysBetweenInclusive, type HolidayCalendar, nextBusinessDay } from './holidays';
import { type GivenRightRule, loadPack, type Pack, PackId, PeriodUnit } from './pack';

/**
 * The statutory clock of one request: pure functions over a serialisable record, no I/O, no time of day. Dates are
 * `YYYY-MM-DD` (UTC calendar dates). The figures come from the jurisdiction pack the clock was started under.
 */

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const StartReason = z.enum(['receipt', 'verification', 'fee']);
export type StartReason = z.infer<typeof StartReason>;

export const PauseReason = z.enum(['clarification']);
export type PauseReason = z.infer<typeof PauseReason>;

/**
 * A request's clock as stored on the request. It is derived data: it is created by `startClock` and changed only by
 * `verified`, `feeReceived`, `pause`, `resume` and `extend`, each of which recomputes every date from the pack. Never
 * edit a date in it by hand: the next recomputation would silently undo the edit, and the dates would no longer follow
 * from the law the pack cites.
 */
export const Clock = z
  .object({
    pack: PackId,
    packVersion: z.string(),
    type: RequestType,
    receivedOn: IsoDate,
    /** the day the response period runs from: receipt, or a later verification or fee where the pack says so */
    startedOn: IsoDate,
    startReason: StartReason,
    acknowledgeBy: IsoDate.optional(),
    /** the date the answer is due, with every completed pause and the extension (if taken) counted in */
    dueOn: IsoDate,
    extension: z
      .object({
        available: z.boolean(),
        /** the last day the notice of the extension can be given */
        noticeBy: IsoDate.optional(),
        extendedTo: IsoDate.optional(),
        extendedOn: IsoDate.optional(),
      })
      .strict(),
    pauses: z.array(z.object({ from: IsoDate, to: IsoDate.optional(), reason: PauseReason }).strict()),
    /** how long the controller has to answer an appeal against its decision, where the law gives an appeal */
    appealWithin: z
      .object({
        length: z.number().int().positive(),
        unit: PeriodUnit,
        extensionLength: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Clock = z.infer<typeof Clock>;

interface Span {
  length: number;
  unit: PeriodUnit;
}

function addPeriod(date: CalendarDate, span: Span, calendar: HolidayCalendar): CalendarDate {
  switch (span.unit) {
    case 'calendar_month':
      return addCalendarMonths(date, span.length);
    case 'calendar_days':
      return addDays(date, span.length);
    case 'business_days':
      return addBusinessDays(date, span.length, calendar);
  }
}

/**
 * Days a pause stops the clock, in the period's unit. The day the question is asked and the day the answer arrives
 * both do not count (UK GDPR Art. 12A: "the period beginning with the day on which the controller makes the request and
 * ending with the day on which the controller receives the information"), so the range is inclusive. A month is moved
 * by calendar days: a pause of 3 days moves the due date 3 days, whatever the month.
 */
function pausedDays(from: CalendarDate, to: CalendarDate, unit: PeriodUnit, calendar: HolidayCalendar): number {
  if (to < from) return 0;
  return unit === 'business_days' ? businessDaysBetweenInclusive(from, to, calendar) : daysBetween(from, to) + 1;
}

function shift(date: CalendarDate, days: number, unit: PeriodUnit, calendar: HolidayCalendar): CalendarDate {
  if (days === 0) return date;
  return unit === 'business_days' ? addBusinessDays(date, days, calendar) : addDays(date, days);
}

function givenRule(pack: Pack, type: RequestType): GivenRightRule {
  const rule = pack.rights[type];
  if (!rule.given) throw new RightNotGivenError(pack.id, type);
  return rule;
}

function packFor(clock: Clock, pack?: Pack): Pack {
  const found = pack ?? loadPack(clock.pack);
  if (found.id !== clock.pack || found.version !== clock.packVersion) {
    // figures may differ between versions: a clock is only ever recomputed with the rules it was started under
    throw new PackMismatchError(
      `The clock was started under ${clock.pack}@${clock.packVersion}, not ${found.id}@${found.version}`,
    );
  }
  return found;
}

/** Every date of the clock, from its events (start, pauses, extension) and the pack; `openPauseEnd` closes an open pause. */
function recompute(clock: Clock, pack: Pack, openPauseEnd?: CalendarDate): Clock {
  const rule = givenRule(pack, clock.type);
  const calendar = pack.calendar.id;
  const unit = rule.respond.unit;
  let paused = 0;
  for (const pause of clock.pauses) {
    const to = pause.to ?? openPauseEnd;
    // a pause before the period (re)started stopped nothing
    if (to !== undefined) paused += pausedDays(maxDate(pause.from, clock.startedOn), to, unit, calendar);
  }
  const initialDue = shift(addPeriod(clock.startedOn, rule.respond, calendar), paused, unit, calendar);
  const roll = (date: CalendarDate) => (pack.rollToBusinessDay ? nextBusinessDay(date, calendar) : date);
  const extendedOn = clock.extension.extendedOn;
  const extendedTo =
    rule.extension && extendedOn !== undefined
      ? roll(
          shift(
            // "one month + two further months" is three months from the start, not two months from the first due date
            // (31 Jan + 3 months = 30 Apr, whereas 28 Feb + 2 months would give 28 Apr)
            addPeriod(clock.startedOn, { length: rule.respond.length + rule.extension.length, unit }, calendar),
            paused,
            unit,
            calendar,
          ),
        )
      : undefined;
  return {
    ...clock,
    dueOn: extendedTo ?? roll(initialDue),
    extension: {
      available: rule.extension !== undefined && extendedOn === undefined,
      ...(rule.extension ? { noticeBy: initialDue } : {}),
      ...(extendedTo !== undefined ? { extendedTo, extendedOn } : {}),
    },
  };
}

function openPause(clock: Clock): Clock['pauses'][number] | undefined {
  const last = clock.pauses.at(-1);
  return last !== undefined && last.to === undefined ? last : undefined;
}

function notBeforeReceipt(clock: Clock, on: CalendarDate, what: string): void {
  if (on < clock.receivedOn) {
    throw new InvalidClockDateError(`${what} on ${on} is before the request was received (${clock.receivedOn})`);
  }
}

/** Starts the clock of a request of `type` received at `receivedAt` (a timestamp, or its UTC `YYYY-MM-DD` date). */
export function startClock(pack: Pack, type: RequestType, receivedAt: Date | string): Clock {
  const rule = givenRule(pack, type);
  const receivedOn = toCalendarDate(receivedAt);
  const calendar = pack.calendar.id;
  const draft: Clock = {
    pack: pack.id,
    packVersion: pack.version,
    type,
    receivedOn,
    startedOn: receivedOn,
    startReason: 'receipt',
    // the acknowledgment runs from receipt whatever starts the response period (11 CCR §7021(a))
    ...(rule.acknowledge ? { acknowledgeBy: addPeriod(receivedOn, rule.acknowledge, calendar) } : {}),
    dueOn: receivedOn,
    extension: { available: false },
    pauses: [],
    ...(rule.appeal
      ? {
          appealWithin: {
            length: rule.appeal.respond.length,
            unit: rule.appeal.respond.unit,
            ...(rule.appeal.extension ? { extensionLength: rule.appeal.extension.length } : {}),
          },
        }
      : {}),
  };
  return recompute(draft, pack);
}

function restart(clock: Clock, event: 'verification' | 'fee', onValue: string, pack?: Pack): Clock {
  const p = packFor(clock, pack);
  const on = toCalendarDate(onValue);
  notBeforeReceipt(clock, on, event === 'fee' ? 'The fee' : 'The verification');
  const rule = givenRule(p, clock.type);
  // the period runs from the latest of receipt, verification and fee (UK GDPR Art. 12A); where the pack does not list
  // the event (GDPR, CCPA §7021(b) "regardless of time required to verify"), the clock does not move
  if (!rule.start.restartOn.includes(event) || on <= clock.startedOn) return clock;
  return recompute({ ...clock, startedOn: on, startReason: event }, p);
}

/** The subject's identity was confirmed on `on`: restarts the period where the pack's start is verification. */
export function verified(clock: Clock, on: string, pack?: Pack): Clock {
  return restart(clock, 'verification', on, pack);
}

/** The fee was received on `on`: restarts the period where the pack's start includes the fee. */
export function feeReceived(clock: Clock, on: string, pack?: Pack): Clock {
  return restart(clock, 'fee', on, pack);
}

/** The controller asked the subject for clarification on `on`: the clock stands still until `resume`. */
export function pause(clock: Clock, onValue: string, reason: PauseReason, pack?: Pack): Clock {
  const p = packFor(clock, pack);
  const on = toCalendarDate(onValue);
  const rule = givenRule(p, clock.type);
  if (!rule.pause?.reasons.includes(reason)) {
    throw new PauseRefusedError('not_allowed', `${p.id} allows no "${reason}" pause for a ${clock.type} request`);
  }
  if (openPause(clock)) throw new PauseRefusedError('already_paused', 'The clock is already paused');
  notBeforeReceipt(clock, on, 'The pause');
  if (on > clock.dueOn) throw new PauseRefusedError('clock_expired', `The clock ran out on ${clock.dueOn}`);
  return recompute({ ...clock, pauses: [...clock.pauses, { from: on, reason }] }, p);
}

/** The clarification arrived on `on`: the due date moves by the paused days, counted in the pack's unit. */
export function resume(clock: Clock, onValue: string, pack?: Pack): Clock {
  const p = packFor(clock, pack);
  const on = toCalendarDate(onValue);
  const open = openPause(clock);
  if (!open) throw new PauseRefusedError('not_paused', 'The clock is not paused');
  if (on < open.from) throw new InvalidClockDateError(`The resume on ${on} is before the pause on ${open.from}`);
  const pauses = [...clock.pauses.slice(0, -1), { ...open, to: on }];
  return recompute({ ...clock, pauses }, p);
}

/**
 * The controller extends the period, giving notice on `on`. Refused when the pack gives no extension, when it was
 * already taken (every law here allows one), or when `on` is after the notice deadline (GDPR Art. 12(3): within the
 * first month; CCPA §1798.130(a)(2)(A): within the first 45 days).
 */
export function extend(clock: Clock, onValue: string, pack?: Pack): Clock {
  const p = packFor(clock, pack);
  const on = toCalendarDate(onValue);
  const rule = givenRule(p, clock.type);
  if (!rule.extension) {
    throw new ExtensionRefusedError('not_available', `${p.id} gives no extension for a ${clock.type} request`);
  }
  if (clock.extension.extendedOn !== undefined) {
    throw new ExtensionRefusedError(
      'already_extended',
      `The period was already extended on ${clock.extension.extendedOn}`,
    );
  }
  notBeforeReceipt(clock, on, 'The extension');
  // while paused the notice deadline moves too (UK GDPR Art. 12A): count the pause as ending on the notice day
  const noticeBy = recompute(clock, p, on).extension.noticeBy;
  if (noticeBy === undefined || on > noticeBy) {
    throw new ExtensionRefusedError('notice_too_late', `The notice of an extension had to be given by ${noticeBy}`);
  }
  return recompute({ ...clock, extension: { ...clock.extension, extendedOn: on } }, p);
}

/**
 * The due date as it stands on `today`: while a pause is open the clock does not run, so the pause is counted as ending
 * today (the record's `dueOn` leaves an open pause out).
 */
export function effectiveDueOn(clock: Clock, todayValue: string, pack?: Pack): CalendarDate {
  const today = toCalendarDate(todayValue);
  const open = openPause(clock);
  if (!open) return clock.dueOn;
  return recompute(clock, packFor(clock, pack), maxDate(today, open.from)).dueOn;
}

/** Calendar days from `today` to the due date: 0 on the due date itself, negative once overdue. */
export function daysLeft(clock: Clock, today: string, pack?: Pack): number {
  return daysBetween(toCalendarDate(today), effectiveDueOn(clock, today, pack));
}

/** True from the day after the due date: the answer may be given on the due date itself. */
export function isOverdue(clock: Clock, today: string, pack?: Pack): boolean {
  return daysLeft(clock, today, pack) < 0;
}

/**
 * The appeal clock for an appeal received on `appealReceivedAt`: when the controller must answer it, and how far an
 * extension could take it (Colorado); undefined when the law gives no appeal (CCPA).
 */
export function appealDue(
  clock: Clock,
  appealReceivedAt: Date | string,
  pack?: Pack,
): { dueOn: CalendarDate; extendedTo?: CalendarDate } | undefined {
  const within = clock.appealWithin;
  if (within === undefined) return undefined;
  const p = packFor(clock, pack);
  const received = toCalendarDate(appealReceivedAt);
  notBeforeReceipt(clock, received, 'The appeal');
  const calendar = p.calendar.id;
  const dueOn = addPeriod(received, within, calendar);
  if (within.extensionLength === undefined) return { dueOn };
  return {
    dueOn,
    extendedTo: addPeriod(received, { ...within, length: within.length + within.extensionLength }, calendar),
  };
}
