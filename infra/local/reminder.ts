import { wiring } from '../../functions/core/wiring';
import {
  DEFAULT_REMINDER_DAYS,
  type ReminderReport,
  RemindOperators,
} from '../../functions/remind-operators/remind-operators';

const DAY_MS = 86_400_000;
/** the first digest waits this long after the twin's start, so the resume's mail goes out first */
const FIRST_AFTER_MS = 10_000;

export interface LocalReminderOptions {
  /** the digest's window, as the cloud's schedule passes it (read from the synthesized template) */
  withinDays: number;
  /** how long after start the first digest goes out (default 10 s) */
  firstAfterMs?: number;
  /** how often after that (default a day, as the cloud's schedule) */
  intervalMs?: number;
}

/**
 * The operators' reminder in the twin's process (the cloud's daily EventBridge schedule, locally): once shortly after
 * start, so an operator of `npm run dev` sees the digest, then every `intervalMs`. Runs never overlap; stop() clears
 * both timers and waits for one under way.
 */
export function localReminder(options: LocalReminderOptions) {
  const remind = new RemindOperators({
    requests: wiring.requests(),
    mailer: wiring.mailer(),
    profileOf: wiring.profile,
  });
  let running: Promise<ReminderReport> | undefined;
  const run = (): Promise<ReminderReport> => {
    running ??= remind.execute(options.withinDays).finally(() => {
      running = undefined;
    });
    return running;
  };
  const onTimer = () => {
    run().catch((error: unknown) =>
      process.stderr.write(`reminder failed: ${error instanceof Error ? error.name : 'error'}\n`),
    );
  };
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    onTimer();
    interval = setInterval(onTimer, options.intervalMs ?? DAY_MS);
    interval.unref();
  }, options.firstAfterMs ?? FIRST_AFTER_MS);
  first.unref();
  return {
    remind: run,
    stop: async () => {
      clearTimeout(first);
      clearInterval(interval);
      await running?.catch(() => undefined);
    },
  };
}

/**
 * The window the cloud's reminder schedule passes (`{ withinDays }`, from the `reminderDays` context), read from the
 * synthesized template so the twin and the cloud agree; the default if the template has no such schedule.
 */
export function reminderWindow(template: object): number {
  const resources = (template as { Resources?: Record<string, { Type: string; Properties?: unknown }> }).Resources;
  for (const resource of Object.values(resources ?? {})) {
    if (resource.Type !== 'AWS::Scheduler::Schedule') continue;
    const input = (resource.Properties as { Target?: { Input?: unknown } } | undefined)?.Target?.Input;
    if (typeof input !== 'string') continue;
    const withinDays = (JSON.parse(input) as { withinDays?: unknown }).withinDays;
    if (typeof withinDays === 'number') return withinDays;
  }
  return DEFAULT_REMINDER_DAYS;
}
