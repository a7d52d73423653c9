import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { LAMBDA_SERVICE_ERRORS } from './state-names';

/**
 * The one place the workflow's Retry and Catch policy is written. Every task goes through `withRetries`,
 * so there are no copy-pasted Retry blocks to drift apart (the lesson of find-and-forget's state machine).
 */

/** Backoff for transient failures: 2 s, then ~4 s, then ~8 s, each with full jitter so parallel Map items spread out. */
export const RETRY_POLICY = {
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 3,
  jitterStrategy: sfn.JitterType.FULL,
} as const;

export interface RetryOptions {
  /** error names retried besides the Lambda service errors (e.g. ConnectorUnavailableError) */
  readonly retryOn?: readonly string[];
  /** where an error that outlives the retries goes; without it, the error fails the execution */
  readonly onError?: {
    readonly next: sfn.IChainable;
    /** errors caught; default States.ALL */
    readonly errors?: readonly string[];
    /** where the error object ({ Error, Cause }) lands in the state input; default `$.error` */
    readonly resultPath?: string;
  };
}

/** Attach the standard retries (and, optionally, a catch) to a task; returns the task for chaining. */
export function withRetries<T extends sfn.TaskStateBase>(task: T, options: RetryOptions = {}): T {
  task.addRetry({ errors: [...LAMBDA_SERVICE_ERRORS, ...(options.retryOn ?? [])], ...RETRY_POLICY });
  if (options.onError) {
    task.addCatch(options.onError.next, {
      errors: [...(options.onError.errors ?? [sfn.Errors.ALL])],
      resultPath: options.onError.resultPath ?? '$.error',
    });
  }
  return task;
}
