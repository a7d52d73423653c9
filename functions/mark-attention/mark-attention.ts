import { StatusConflictError } from '../core/domain/errors';
import { isTerminal } from '../core/domain/status';
import { ERROR_NAME, logger } from '../core/logger';
import type { RequestRepository } from '../core/ports';

/** What the workflow hands over when a step outside the per-system Maps failed after its retries. */
export interface AttentionInput {
  requestId: string;
  /** the state that failed (PlanRequest, AssembleExport, AssembleReceipt, Deliver) */
  step: string;
  /** the error's name as Step Functions recorded it ($.error.Error) */
  error: string;
}

/**
 * A workflow step failed for good: record it on the request, so the request does not sit silently in a mid status
 * (`attention: { step, error, at }`, the error's NAME only), and log it. The workflow then fails the execution, which
 * raises the failed-executions alarm; the sweeper (or an operator) restarts it from the record. Never throws for a
 * request that finished or vanished meanwhile: there is nothing left to mark, and failing here would only hide the
 * original failure behind a second one.
 */
export class MarkAttention {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async execute(input: AttentionInput): Promise<{ marked: boolean }> {
    const error = ERROR_NAME.test(input.error) ? input.error : 'UnrecognisedError';
    const record = await this.requests.get(input.requestId);
    if (!record || isTerminal(record.status)) {
      logger.warn('failed step on a request that is gone or finished; nothing to mark', {
        step: input.step,
        error,
        status: record?.status,
      });
      return { marked: false };
    }
    try {
      await this.requests.update(input.requestId, {
        attention: { step: input.step, error, at: this.now().toISOString() },
      });
    } catch (cause) {
      // Finished between the read and the write: as above.
      if (cause instanceof StatusConflictError) return { marked: false };
      throw cause;
    }
    logger.error('request needs attention', { step: input.step, error, status: record.status });
    return { marked: true };
  }
}
