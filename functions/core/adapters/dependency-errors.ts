import type {
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  InitializeHandlerOutput,
  Pluggable,
} from '@smithy/types';
import { ConnectorUnavailableError } from '../../../connectors/errors';
import { type SdkErrorNames, sdkErrorTranslator } from '../../../connectors/sdk-errors';
import { DependencyUnavailableError } from '../errors';

/**
 * The adapters' error edge: every transient failure of an AWS dependency the pipeline itself uses (its table, its
 * bucket, SES, Step Functions) or of the network becomes ONE name, `DependencyUnavailableError`, which every workflow
 * step retries (infra/workflow/retries.ts). Everything else (a lost condition, a missing object, an SES rejection) is
 * passed through unchanged, so the adapters' own `instanceof` checks keep working and permanent faults are not retried.
 *
 * The judgement is the connectors' (connectors/sdk-errors.ts): a named throttling or limit error, `$retryable`, a
 * network code, 429 or 5xx is transient; other client faults are not. It runs as SDK middleware in the `initialize`
 * step, i.e. after the SDK's own retries are spent, on every command of the clients built in aws-clients.ts.
 */
export type DependencyService = 'DynamoDB' | 'S3' | 'SES' | 'StepFunctions';

export const DEPENDENCY_ERROR_NAMES: Readonly<Record<DependencyService, SdkErrorNames>> = {
  DynamoDB: {
    service: 'DynamoDB',
    transient: [
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
      'LimitExceededException',
      'InternalServerError',
    ],
    permanent: [
      'ConditionalCheckFailedException',
      'ResourceNotFoundException',
      'ValidationException',
      'TransactionCanceledException',
    ],
  },
  S3: {
    service: 'S3',
    transient: ['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout', 'ThrottlingException'],
    permanent: ['NoSuchKey', 'NoSuchBucket', 'AccessDenied', 'PreconditionFailed', 'InvalidObjectState'],
  },
  SES: {
    service: 'SES',
    // SES v2 answers a sending-rate breach with TooManyRequestsException, a quota with LimitExceededException;
    // the v1 API and some proxies say Throttling / ThrottlingException.
    transient: ['TooManyRequestsException', 'LimitExceededException', 'Throttling', 'ThrottlingException'],
    permanent: [
      'MessageRejected',
      'AccountSuspendedException',
      'SendingPausedException',
      'MailFromDomainNotVerifiedException',
      'NotFoundException',
      'BadRequestException',
    ],
  },
  StepFunctions: {
    service: 'StepFunctions',
    // ExecutionLimitExceeded (the open-executions quota) clears as executions end: waiting is the cure.
    transient: ['ThrottlingException', 'ExecutionLimitExceeded'],
    permanent: [
      'ExecutionAlreadyExists',
      'ExecutionDoesNotExist',
      'TaskDoesNotExist',
      'TaskTimedOut',
      'InvalidToken',
      'InvalidArn',
      'InvalidName',
      'StateMachineDoesNotExist',
    ],
  },
};

/** `error` as the adapters should see it: DependencyUnavailableError if transient, else unchanged. */
export function translateDependencyError(service: DependencyService, operation: string, error: unknown): unknown {
  if (error instanceof DependencyUnavailableError) return error;
  // The connectors' translator names a system; here the "system" is the pipeline's own dependency.
  const judged = sdkErrorTranslator(DEPENDENCY_ERROR_NAMES[service])(service, operation, error);
  return judged instanceof ConnectorUnavailableError
    ? new DependencyUnavailableError(service, operation, { cause: error })
    : error;
}

/**
 * SDK middleware (a plugin: `client.middlewareStack.use(dependencyErrors('SES'))`) that translates what a command
 * throws once the SDK has given up. The operation is the command's name without `Command`.
 */
export function dependencyErrors<Input extends object, Output extends object>(
  service: DependencyService,
): Pluggable<Input, Output> {
  return {
    applyToStack: (stack) => {
      stack.add(
        (next: InitializeHandler<Input, Output>, context: HandlerExecutionContext) =>
          async (args: InitializeHandlerArguments<Input>): Promise<InitializeHandlerOutput<Output>> => {
            try {
              return await next(args);
            } catch (error) {
              const operation = (context.commandName ?? 'request').replace(/Command$/, '');
              throw translateDependencyError(service, operation, error);
            }
          },
        { step: 'initialize', name: 'dsarDependencyErrors', priority: 'high', override: true },
      );
    },
  };
}
