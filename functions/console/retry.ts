import { executionName } from '../core/domain/request-record';
import { isTerminal } from '../core/domain/status';
import { logger } from '../core/logger';
import type { Executions, RequestRepository } from '../core/ports';
import { NothingToRetryError } from './errors';

/**
 * An operator's retry of a request whose run failed: the smallest honest one, the sweeper's own remedy brought
 * forward (functions/sweep): start the request's execution afresh from its record, under a new name (a Standard
 * execution's name is taken for 90 days, and a redrive would resume at the Fail state that ended it). Every step is
 * re-entrant, so the new run skips what is done: the systems that answered keep their results, the failed ones are
 * asked again, and the answer is assembled anew. Only where a run failed — a step marked the request for attention
 * (functions/mark-attention), or a partial deletion waits for its failed systems (`retrying`) — and none is running.
 * An ended request (partially completed among them) is not reopened: the subject has had the answer.
 */
export class RetryRequest {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly executions: Executions,
  ) {}

  public async execute(requestId: string): Promise<{ execution: string }> {
    const record = await this.requests.load(requestId);
    if (isTerminal(record.status)) throw new NothingToRetryError(requestId, `it has ended ${record.status}`);
    if (record.attention === undefined && record.status !== 'retrying')
      throw new NothingToRetryError(requestId, 'no run of it failed');
    if ((await this.executions.describe(executionName(record))) === 'running')
      throw new NothingToRetryError(requestId, 'its run is still going');
    const restarts = (record.restarts ?? 0) + 1;
    const execution = executionName({ requestId, restarts });
    await this.requests.update(requestId, { restarts });
    await this.executions.start(requestId, execution);
    logger.info('operator restarted a request', { requestId, status: record.status, restarts });
    return { execution };
  }
}
