import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { specById, type FunctionId } from '../constructs/function-specs';
import { CONNECTOR_RETRYABLE_ERRORS } from './state-names';
import { withRetries } from './retries';

/**
 * Building blocks of the workflow: a plain Lambda step and a per-system Map with its failure fallback.
 * Both stay inside what the local runner (aws-local-stepfunctions) executes: JSONPath, inline Map, Retry/Catch.
 */

/** Slack over the Lambda timeout, so the function's own timeout (a clear error) fires before the state's. */
const TASK_TIMEOUT_SLACK_SECONDS = 60;

/**
 * Every task gets an explicit timeout: Step Functions would otherwise wait up to a year, and the local runner
 * would give up after 60 s.
 */
export function taskTimeoutFor(fnId: FunctionId): sfn.Timeout {
  return sfn.Timeout.duration(Duration.seconds(specById(fnId).timeoutSeconds + TASK_TIMEOUT_SLACK_SECONDS));
}

export interface StepProps {
  readonly fn: lambda.IFunction;
  readonly fnId: FunctionId;
  /** the payload template: ids, counts and S3 keys only, never personal data; default: the whole state input */
  readonly payload?: Record<string, unknown>;
  /**
   * where the result lands; `JsonPath.DISCARD` keeps the input as it is. Omitted: the result replaces the input
   * (ASL's default). Never pass '$' for that: aws-local-stepfunctions would nest the result under a key named "$".
   */
  readonly resultPath?: string;
}

/**
 * A plain Lambda step. `payloadResponseOnly` makes `Resource` the function ARN (no `Payload` wrapper to unpack,
 * and the twin maps the ARN to a handler module). The default service-exception Retry is off: `withRetries` owns retries.
 */
export function lambdaStep(scope: Construct, name: string, props: StepProps): tasks.LambdaInvoke {
  return tasks.LambdaInvoke.jsonPath(scope, name, {
    lambdaFunction: props.fn,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    payload: props.payload ? sfn.TaskInput.fromObject(props.payload) : undefined,
    resultPath: props.resultPath,
    taskTimeout: taskTimeoutFor(props.fnId),
  });
}

export interface PerSystemMapProps {
  /** Map state name */
  readonly mapName: string;
  /** array iterated; each item carries a `systemId` */
  readonly itemsPath: string;
  /** extra fields of each iteration's input besides requestId and systemId (none by default) */
  readonly itemFields?: Record<string, unknown>;
  /** task state name inside the Map */
  readonly taskName: string;
  readonly fn: lambda.IFunction;
  readonly fnId: FunctionId;
  /** Pass state name for a system that failed after the retries */
  readonly failedName: string;
  /** fields of the failure outcome besides systemId, status and error */
  readonly failedFields?: Record<string, unknown>;
  /** where the array of outcomes lands */
  readonly resultPath: string;
}

/** Connector calls per system run in parallel, bounded so one request cannot flood a source system. */
export const PER_SYSTEM_CONCURRENCY = 10;

/**
 * One task per configured system, in parallel. A system that still fails after the retries becomes a
 * `{ systemId, status: 'failed', error }` outcome (the error name only: a Cause may quote data), so one broken
 * connector yields a partial result that says so, instead of failing the whole request.
 */
export function perSystemMap(scope: Construct, props: PerSystemMapProps): sfn.Map {
  const failed = sfn.Pass.jsonPath(scope, props.failedName, {
    parameters: {
      systemId: sfn.JsonPath.stringAt('$.systemId'),
      status: 'failed',
      ...props.failedFields,
      error: sfn.JsonPath.stringAt('$.error.Error'),
    },
  });
  const task = withRetries(
    // The iteration input (the ItemSelector's output) is the whole payload; the result is the system's outcome.
    lambdaStep(scope, props.taskName, { fn: props.fn, fnId: props.fnId }),
    { retryOn: CONNECTOR_RETRYABLE_ERRORS, onError: { next: failed } },
  );
  return sfn.Map.jsonPath(scope, props.mapName, {
    itemsPath: props.itemsPath,
    itemSelector: {
      requestId: sfn.JsonPath.stringAt('$.requestId'),
      systemId: sfn.JsonPath.stringAt('$$.Map.Item.Value.systemId'),
      ...props.itemFields,
    },
    maxConcurrency: PER_SYSTEM_CONCURRENCY,
    resultPath: props.resultPath,
  }).itemProcessor(task);
}
