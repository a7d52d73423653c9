import { DsarError } from '../core/domain/errors';

/**
 * The reminder's failures. Messages hold counts only: never an operator's address (SES quotes the recipient in its
 * errors, so a cause is logged by its name alone; see functions/core/task.ts).
 */

/** Some operators' digests could not be sent; the others were. Raised after every operator was tried. */
export class RemindersNotSentError extends DsarError {
  public readonly code = 'reminders_not_sent';
  public constructor(failed: number, of: number, options?: { cause?: unknown }) {
    super(`${failed} of ${of} reminder digests could not be sent`, options);
    this.name = 'RemindersNotSentError';
  }
}
