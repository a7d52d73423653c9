import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DEPENDENCY_RETRYABLE_ERRORS, LAMBDA_SERVICE_ERRORS } from './state-names';

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

/**
 * Backoff for a throttled or rate-limited dependency (SES's sending rate, DynamoDB throughput, S3 SlowDown): it needs
 * longer than a Lambda hiccup to clear. 3 s doubling, capped at a minute, five retries: about two and a half minutes in
 * all before the step gives up (and a step outside the Maps is marked for attention).
 */
export const DEPENDENCY_RETRY_POLICY = {
  interval: Duration.seconds(3),
  backoffRate: 2,
  maxAttempts: 5,
  maxDelay: Duration.seconds(60),
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

/**
 * Attach the standard retries (and, optionally, a catch) to a task; returns the task for chaining. Every task retries
 * the Lambda service's transient errors and, separately with its longer backoff, DependencyUnavailableError.
 */
export function withRetries<T extends sfn.TaskStateBase>(task: T, options: RetryOptions = {}): T {
  task.addRetry({ errors: [...LAMBDA_SERVICE_ERRORS, ...(options.retryOn ?? [])], ...RETRY_POLICY });
  task.addRetry({ errors: [...DEPENDENCY_RETRYABLE_ERRORS], ...DEPENDENCY_RETRY_POLICY });
  if (options.onError) {
    task.addCatch(options.onError.next, {
      errors: [...(options.onError.errors ?? [sfn.Errors.ALL])],
      resultPath: options.onError.resultPath ?? '$.error',
    });
  }
  return task;
}
