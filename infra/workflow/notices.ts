import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { STATE } from './state-names';

/**
 * Telling recipients what was done (GDPR Art. 19; CCPA §1798.105(c)(1), §1798.106(c), 11 CCR §7023(i), §7026(f)).
 *
 * Contract with the rest of the workflow:
 *   reads   $.requestId, $.plan.recipients  [{ recipientId }]  (the recipients to tell for this request's right)
 *   writes  $.notices                       [{ recipientId, answer }]  answer: done | not_held | exception |
 *                                            timed_out | not_sent (no contact) | failed (the notice could not be sent)
 * Ids and fixed words only: a recipient's free-text reason stays in the request's own store.
 *
 * PLACEHOLDER (integration branch only): the notices engineer replaces this Pass with the callback Map.
 */
export interface NoticesProps {
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
}

export function noticesStep(scope: Construct, _props: NoticesProps): sfn.INextable & sfn.IChainable {
  return sfn.Pass.jsonPath(scope, STATE.NotifyRecipients, {
    result: sfn.Result.fromArray([]),
    resultPath: '$.notices',
  });
}
