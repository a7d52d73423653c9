import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { FunctionId } from '../constructs/function-specs';
import { noticesStep } from './notices';
import { withRetries } from './retries';
import { STATE } from './state-names';
import { lambdaStep, perSystemMap } from './steps';

/**
 * The DSAR workflow, defined once. The cloud runs it as a Standard state machine; the local twin runs the same
 * definition, extracted from the synthesized template (infra/local/asl.ts).
 *
 * An execution starts only once the subject has confirmed (verify-identity starts it, named by the request id): an
 * unverified request holds nothing open, so a flood of submissions cannot exhaust the account's open executions.
 *
 * Shapes (the contract with the step functions; every field is an id, a count, a status or an S3 key):
 *   input                 { requestId }
 *   $.decision            { outcome: go | deny | hold, reasons: [code] } (functions/decide-request; codes only); a
 *                         held request's operator answers AwaitOperator with the same shape (go | deny)
 *   $.plan                { type, action, systems: [{ systemId }], recipients: [{ recipientId }] }
 *   $.resolved            { kinds, ambiguous, searched }: identities found in the systems of record (kinds only)
 *                         action: export | statement | erase | correct | flag | rejected (plan-request.ts ACTION)
 *   $.located[i]          locate-system's outcome, or { systemId, status: 'failed', recordCount: 0, error }
 *   $.erased[i]           erase-system's outcome, or { systemId, status: 'failed', error }
 *   $.confirmed[i]        locate-system's outcome (phase confirm), or { systemId, status: 'failed', error }
 *   $.changed[i]          change-system's outcome (counts, refusals in fixed words), or { systemId, status: 'failed', error }
 *   $.notices[i]          { recipientId, answer } (infra/workflow/notices.ts)
 *   $.document            { documentKey, complete }
 *
 * One Choice on `$.plan.action` (ByAction):
 *   export     LocateSystems → NotifyRecipients → AssembleExport → Deliver   (access, portability)
 *   statement  AssembleStatement (no outcomes) → Deliver                     (categories, disclosures)
 *   erase      LocateSystems → EraseSystems → ConfirmSystems → NotifyRecipients → AssembleReceipt → Deliver
 *   correct,   ChangeSystems → NotifyRecipients → AssembleReceipt → Deliver (correction, restriction, objection,
 *   flag                                                                     opt_out, limit_sensitive, withdraw_consent)
 * Export and erase share the search, then part at IsDeletion; every path but the statements meets at NotifyRecipients
 * (recipients told, the owners of manual systems asked), and AfterNotices sends an export to AssembleExport and the rest
 * to AssembleReceipt.
 *   $.error               { Error, Cause } of a step that failed after its retries (only the name is used)
 *
 * A step outside the per-system Maps (PlanRequest, AssembleExport, AssembleReceipt, Deliver) that still fails after its
 * retries goes to `<Step>Failed` (a Pass naming the step and the error name) → MarkAttention (records
 * `attention: { step, error, at }` on the request) → NeedsAttention (Fail): the request is never left silently in a
 * mid status, and the failed execution raises the failed-executions alarm.
 */

/** The functions the workflow invokes (the rest serve the HTTP API). */
export const WORKFLOW_FUNCTIONS = [
  'DecideRequest',
  'HoldRequest',
  'PlanRequest',
  'ResolveIdentities',
  'LocateSystem',
  'EraseSystem',
  'ChangeSystem',
  'AssembleExport',
  'AssembleReceipt',
  'Deliver',
  'MarkAttention',
  'NotifyRecipient',
] as const satisfies readonly FunctionId[];

export type WorkflowFunctionId = (typeof WORKFLOW_FUNCTIONS)[number];

export interface WorkflowProps {
  readonly functions: Readonly<Record<WorkflowFunctionId, lambda.IFunction>>;
}

const requestId = () => sfn.JsonPath.stringAt('$.requestId');

/** How long a held request waits for an operator before it is marked for attention and set waiting again. */
export const OPERATOR_WAIT_DAYS = 20;

/** The steps outside the per-system Maps whose failure marks the request for attention. */
export const ATTENTION_STEPS = [
  STATE.Decide,
  STATE.PlanRequest,
  STATE.ResolveIdentities,
  STATE.AssembleExport,
  STATE.AssembleStatement,
  STATE.AssembleReceipt,
  STATE.Deliver,
] as const;
type AttentionStep = (typeof ATTENTION_STEPS)[number];

/** Build the workflow's chain of states under `scope`. */
export function buildWorkflow(scope: Construct, props: WorkflowProps): sfn.IChainable {
  const fns = props.functions;
  // Needing attention: a step that failed after its retries is recorded on the request, then the execution fails.
  // The Fail state's Error and Cause are fixed words: nothing from the failed step reaches them.
  const needsAttention = sfn.Fail.jsonPath(scope, STATE.NeedsAttention, {
    error: 'RequestNeedsAttention',
    cause: 'a workflow step failed after its retries; the request record names the step and the error',
  });
  const markAttention = withRetries(
    lambdaStep(scope, STATE.MarkAttention, {
      fn: fns.MarkAttention,
      fnId: 'MarkAttention',
      resultPath: sfn.JsonPath.DISCARD,
    }),
    // If even recording fails, still fail the execution: the alarm is the last line.
    { onError: { next: needsAttention } },
  ).next(needsAttention);
  /** A step with the standard retries whose remaining failure marks the request for attention. */
  const guardedStep = (
    name: AttentionStep,
    fnId: WorkflowFunctionId,
    payload: Record<string, unknown> | undefined,
    resultPath: string,
    retryOn: readonly string[] = [],
  ) =>
    withRetries(lambdaStep(scope, name, { fn: fns[fnId], fnId, payload, resultPath }), {
      retryOn,
      onError: {
        next: sfn.Pass.jsonPath(scope, `${name}Failed`, {
          // The error's name only: its Cause may quote what the step was working on.
          parameters: { requestId: requestId(), step: name, error: sfn.JsonPath.stringAt('$.error.Error') },
        }).next(markAttention),
      },
    });

  // The policy step, before anything else: the company profile and the law decide whether the request goes on. A
  // denial is mailed and recorded by the step itself; the execution ends there, having searched nothing.
  const decideStep = guardedStep(STATE.Decide, 'DecideRequest', { requestId: requestId() }, '$.decision');

  // Plan. IsRejected: a request that ended before its execution got here (cancelled) plans nothing.
  const plan = guardedStep(STATE.PlanRequest, 'PlanRequest', { requestId: requestId() }, '$.plan');

  const locate = perSystemMap(scope, {
    mapName: STATE.LocateSystems,
    itemsPath: '$.plan.systems',
    itemFields: { phase: 'locate' },
    taskName: STATE.LocateSystem,
    fn: fns.LocateSystem,
    fnId: 'LocateSystem',
    failedName: STATE.LocateFailed,
    failedFields: { recordCount: 0 },
    resultPath: '$.located',
  });

  // Both branches end in the same Deliver state.
  const deliver = guardedStep(
    STATE.Deliver,
    'Deliver',
    {
      requestId: requestId(),
      documentKey: sfn.JsonPath.stringAt('$.document.documentKey'),
      complete: sfn.JsonPath.stringAt('$.document.complete'),
    },
    sfn.JsonPath.DISCARD,
    // another invocation holds a fresh delivery claim (functions/deliver/deliver.ts): wait for it to finish
    ['DeliveryInProgressError'],
  );

  // the manual systems' answers come with the notices: their records are parts the answers wrote
  const assembleExport = guardedStep(
    STATE.AssembleExport,
    'AssembleExport',
    {
      requestId: requestId(),
      outcomes: sfn.JsonPath.listAt('$.located'),
      notices: sfn.JsonPath.listAt('$.notices'),
    },
    '$.document',
  );

  // Deletion: erase what was located, locate again to confirm nothing is left, tell recipients, write the receipt.
  const erase = perSystemMap(scope, {
    mapName: STATE.EraseSystems,
    itemsPath: '$.located',
    taskName: STATE.EraseSystem,
    fn: fns.EraseSystem,
    fnId: 'EraseSystem',
    failedName: STATE.EraseFailed,
    resultPath: '$.erased',
  });
  const confirm = perSystemMap(scope, {
    mapName: STATE.ConfirmSystems,
    itemsPath: '$.plan.systems',
    itemFields: { phase: 'confirm' },
    taskName: STATE.ConfirmSystem,
    fn: fns.LocateSystem,
    fnId: 'LocateSystem',
    failedName: STATE.ConfirmFailed,
    resultPath: '$.confirmed',
  });
  // Correction and the flag rights: one change per planned system, read from the request record by the step itself.
  const change = perSystemMap(scope, {
    mapName: STATE.ChangeSystems,
    itemsPath: '$.plan.systems',
    taskName: STATE.ChangeSystem,
    fn: fns.ChangeSystem,
    fnId: 'ChangeSystem',
    failedName: STATE.ChangeFailed,
    resultPath: '$.changed',
  });
  // Recipients are told what was done (GDPR Art. 19; CCPA §1798.105(c), §1798.106(c)): after erase and after a change.
  const notify = noticesStep(scope, { functions: fns });
  // One receipt step for deletions and changes: its input is the whole state (ids, counts and fixed words only, by
  // the shapes above), because the two branches arrive with different fields (located/erased/confirmed, or changed).
  const assembleReceipt = guardedStep(STATE.AssembleReceipt, 'AssembleReceipt', undefined, '$.document');
  notify.next(
    sfn.Choice.jsonPath(scope, STATE.AfterNotices)
      .when(sfn.Condition.stringEquals('$.plan.action', 'export'), assembleExport.next(deliver))
      .otherwise(assembleReceipt.next(deliver)),
  );

  // Categories and disclosures: answered from the data map alone (CCPA §1798.110(c), Civ. Code §1798.83).
  const assembleStatement = guardedStep(
    STATE.AssembleStatement,
    'AssembleExport',
    { requestId: requestId(), outcomes: [] },
    '$.document',
  );

  const afterSearch = sfn.Choice.jsonPath(scope, STATE.IsDeletion)
    .when(sfn.Condition.stringEquals('$.plan.action', 'erase'), erase.next(confirm).next(notify))
    .otherwise(notify);

  const byAction = sfn.Choice.jsonPath(scope, STATE.ByAction)
    .when(sfn.Condition.stringEquals('$.plan.action', 'statement'), assembleStatement.next(deliver))
    .when(
      sfn.Condition.or(
        sfn.Condition.stringEquals('$.plan.action', 'correct'),
        sfn.Condition.stringEquals('$.plan.action', 'flag'),
      ),
      change.next(notify),
    )
    .otherwise(locate.next(afterSearch));

  // The subject's other identities (customer id, phone…) from the systems of record, before any system is searched or
  // changed: kinds and counts into the state, the values onto the request record (functions/resolve-identities).
  const resolve = guardedStep(STATE.ResolveIdentities, 'ResolveIdentities', { requestId: requestId() }, '$.resolved');

  const isRejected = sfn.Choice.jsonPath(scope, STATE.IsRejected)
    .when(sfn.Condition.stringEquals('$.plan.type', 'rejected'), sfn.Succeed.jsonPath(scope, STATE.RequestRejected))
    .otherwise(resolve.next(byAction));

  const denied = sfn.Succeed.jsonPath(scope, STATE.RequestDenied);
  plan.next(isRejected);

  // A held request waits for an operator: the task keeps its token on the request, the operator's approve, deny or
  // cancel answers it (functions/operator-decision). A request is never decided by a timer: an operator silent for
  // 20 days (under the twin's timer limit) marks it for attention (the failed-execution alarm), and the sweeper's
  // restart sets it waiting again under a new token (Decide reads the hold back).
  const awaitOperator = withRetries(
    tasks.LambdaInvoke.jsonPath(scope, STATE.AwaitOperator, {
      lambdaFunction: fns.HoldRequest,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({ requestId: requestId(), taskToken: sfn.JsonPath.taskToken }),
      resultPath: '$.decision',
      taskTimeout: sfn.Timeout.duration(Duration.days(OPERATOR_WAIT_DAYS)),
    }),
    {
      onError: {
        next: sfn.Pass.jsonPath(scope, STATE.AwaitOperatorFailed, {
          parameters: {
            requestId: requestId(),
            step: STATE.AwaitOperator,
            error: sfn.JsonPath.stringAt('$.error.Error'),
          },
        }).next(markAttention),
      },
    },
  );
  const afterOperator = sfn.Choice.jsonPath(scope, STATE.AfterOperator)
    .when(sfn.Condition.stringEquals('$.decision.outcome', 'go'), plan)
    .otherwise(denied);

  const byDecision = sfn.Choice.jsonPath(scope, STATE.ByDecision)
    .when(sfn.Condition.stringEquals('$.decision.outcome', 'deny'), denied)
    .when(sfn.Condition.stringEquals('$.decision.outcome', 'hold'), awaitOperator.next(afterOperator))
    .otherwise(plan);

  return sfn.Chain.start(decideStep).next(byDecision);
}
