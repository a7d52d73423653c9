import { logger } from '../core/logger';
import type { WorkflowStarter } from '../core/ports';

/**
 * Start a verified request's workflow (execution named by the request id). The record, written before this, is the
 * source of truth: if the start fails or is lost, the request stays verified without an execution and the sweeper (and
 * the twin at start) starts it, so a failure here is logged and never answered as an error — the person's request is
 * kept. Starting twice is harmless (same name).
 */
export async function startWorkflow(workflow: WorkflowStarter, requestId: string): Promise<void> {
  try {
    await workflow.start(requestId);
  } catch (error) {
    logger.warn('could not start the workflow; the sweeper will', {
      requestId,
      errorName: error instanceof Error ? error.name : 'unknown',
    });
  }
}
