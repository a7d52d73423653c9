import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { withRetries } from './retries';
import { STATE } from './state-names';

/**
 * Telling recipients what was done (GDPR Art. 19; CCPA §1798.105(c)(1), §1798.106(c), 11 CCR §7023(i), §7026(f)).
 *
 * Contract with the rest of the workflow:
 *   reads   $.requestId, $.plan.recipients  [{ recipientId, answerWithinSeconds }]  (functions/core/recipients.ts)
 *   writes  $.notices                       [{ recipientId, answer }]  answer: done | not_held | exception |
 *                                            timed_out | not_sent (no contact) | failed (the notice could not be sent)
 * Ids and fixed words only: a recipient's free-text reason stays in the request's own store.
 *
 * One callback task per recipient (`.waitForTaskToken`), all at once: NotifyRecipient sends the notice and keeps the
 * task token on the request's side; the answer page (functions/answer-notice) completes the task with
 * `{ recipientId, answer }`. Each task's deadline is its recipient's own `answerWithin` (TimeoutSecondsPath on the
 * iteration's `answerWithinSeconds`); the twin times it the same way (infra/local/sfn-runner.ts reads the path from the
 * task's payload, which therefore carries the same field, and clamps it below Node's timer limit of ~24.8 days).
 * A task that times out is `timed_out`; one that fails after its retries (the mail or the webhook refused, the
 * request unreadable) is `failed`: either way the others go on and the receipt says so.
 */
export interface NoticesProps {
  readonly functions: Readonly<Record<'NotifyRecipient', lambda.IFunction>>;
}

/** Recipients told at once per request; far more than a data map usually lists. */
export const NOTICE_CONCURRENCY = 10;

export function noticesStep(scope: Construct, props: NoticesProps): sfn.INextable & sfn.IChainable {
  const answered = (name: string, answer: string) =>
    sfn.Pass.jsonPath(scope, name, {
      parameters: { recipientId: sfn.JsonPath.stringAt('$.recipientId'), answer },
    });
  const timedOut = answered(STATE.NoticeTimedOut, 'timed_out');
  const failed = answered(STATE.NoticeFailed, 'failed');
  // One catch (the retries helper's), then the error's name decides: the deadline passing is not a failure.
  const why = sfn.Choice.jsonPath(scope, STATE.NoticeOutcome)
    .when(sfn.Condition.stringEquals('$.error.Error', sfn.Errors.TIMEOUT), timedOut)
    .otherwise(failed);

  const notify = withRetries(
    tasks.LambdaInvoke.jsonPath(scope, STATE.NotifyRecipient, {
      lambdaFunction: props.functions.NotifyRecipient,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({
        requestId: sfn.JsonPath.stringAt('$.requestId'),
        recipientId: sfn.JsonPath.stringAt('$.recipientId'),
        taskToken: sfn.JsonPath.taskToken,
        answerWithinSeconds: sfn.JsonPath.numberAt('$.answerWithinSeconds'),
      }),
      taskTimeout: sfn.Timeout.at('$.answerWithinSeconds'),
    }),
    // a webhook that keeps failing is retried by the workflow too (the sender already retried within the invocation)
    { retryOn: ['WebhookDeliveryError'], onError: { next: why } },
  );

  return sfn.Map.jsonPath(scope, STATE.NotifyRecipients, {
    itemsPath: '$.plan.recipients',
    itemSelector: {
      requestId: sfn.JsonPath.stringAt('$.requestId'),
      recipientId: sfn.JsonPath.stringAt('$$.Map.Item.Value.recipientId'),
      answerWithinSeconds: sfn.JsonPath.numberAt('$$.Map.Item.Value.answerWithinSeconds'),
    },
    maxConcurrency: NOTICE_CONCURRENCY,
    resultPath: '$.notices',
  }).itemProcessor(notify);
}
