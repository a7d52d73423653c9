import { z } from 'zod';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { DEFAULT_REMINDER_DAYS, RemindOperators } from './remind-operators';

const remind = new RemindOperators({
  requests: wiring.requests(),
  mailer: wiring.mailer(),
  profileOf: wiring.profile,
});

/**
 * Invoked daily by EventBridge Scheduler with `{ withinDays }` (the `reminderDays` context) → ReminderReport (counts).
 * By hand (`aws lambda invoke`), an empty payload takes the default window.
 */
export const handler = workflowTask(
  z
    .object({ withinDays: z.number().int().min(1).max(90).default(DEFAULT_REMINDER_DAYS) })
    .nullish()
    .transform((input) => input ?? { withinDays: DEFAULT_REMINDER_DAYS }),
  (input) => remind.execute(input.withinDays),
  // it changes no request, so the audit trail never names it; it runs on the sweeper's kind of schedule
  'sweeper',
);
