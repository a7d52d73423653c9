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

/**
 * Backoff for a source system whose concurrency slots are all taken (SystemBusyError). Busy is not a fault: it is a
 * queue, and it clears as fast as the other requests' steps finish, so the budget is sized for the backlog a burst
 * leaves. 5 s doubling, capped at 5 minutes, 20 retries: up to about 75 minutes of waiting (half that on average, with
 * full jitter). Sized by simulation: 50 requests arriving together on a system with the default 4 slots all get through
 * with steps of up to 2 minutes each, where 10 retries capped at 2 minutes would report a third of them failed once
 * each step takes a minute. Waiting costs state transitions only (no function runs
 * meanwhile), and the answer is owed within a month (GDPR Art. 12(3)), not a minute; a system still busy after this is
 * reported failed as SystemBusyError (and a deletion retries its failed systems later).
 */
export const BUSY_RETRY_POLICY = {
  interval: Duration.seconds(5),
  backoffRate: 2,
  maxAttempts: 20,
  maxDelay: Duration.minutes(5),
  jitterStrategy: sfn.JitterType.FULL,
} as const;

/**
 * Error names retried under a rule of their own rather than RETRY_POLICY. Step Functions uses the first retrier whose
 * ErrorEquals matches, so each of these must be in no other retrier: `withRetries` takes them out of the general one.
 */
const OWN_RULES: Readonly<Record<string, sfn.RetryProps>> = { SystemBusyError: BUSY_RETRY_POLICY };

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
 * the Lambda service's transient errors and, separately with its longer backoff, DependencyUnavailableError; a name in
 * `retryOn` with a rule of its own (OWN_RULES) gets a retrier of its own.
 */
export function withRetries<T extends sfn.TaskStateBase>(task: T, options: RetryOptions = {}): T {
  const retryOn = options.retryOn ?? [];
  const general = retryOn.filter((name) => !(name in OWN_RULES));
  task.addRetry({ errors: [...LAMBDA_SERVICE_ERRORS, ...general], ...RETRY_POLICY });
  task.addRetry({ errors: [...DEPENDENCY_RETRYABLE_ERRORS], ...DEPENDENCY_RETRY_POLICY });
  for (const name of retryOn.filter((n) => n in OWN_RULES)) task.addRetry({ ...OWN_RULES[name], errors: [name] });
  if (options.onError) {
    task.addCatch(options.onError.next, {
      errors: [...(options.onError.errors ?? [sfn.Errors.ALL])],
      resultPath: options.onError.resultPath ?? '$.error',
    });
  }
  return task;
}
