import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_LEASE_SECONDS } from '../../functions/core/adapters/dynamo-system-leases';
import { FUNCTION_SPECS, specById } from '../../infra/constructs/function-specs';
import { extractWorkflow, synthTemplate, type ExtractedWorkflow } from '../../infra/local/asl';
import { STATE } from '../../infra/workflow/state-names';

type Json = Record<string, unknown>;

/** Every state of the definition, nested Map processors and Parallel branches included. */
function allStates(machine: Json): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, state] of Object.entries((machine.States ?? {}) as Record<string, Json>)) {
    out[name] = state;
    const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
    if (processor) Object.assign(out, allStates(processor));
    for (const branch of (state.Branches ?? []) as Json[]) Object.assign(out, allStates(branch));
  }
  return out;
}

/** Every key and string value of a payload template, recursively. */
function templateWords(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(templateWords);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...templateWords(v)]);
  return [];
}

describe('Class: Workflow', () => {
  let template: object;
  let workflow: ExtractedWorkflow;
  let states: Record<string, Json>;

  beforeAll(() => {
    template = synthTemplate();
    workflow = extractWorkflow(template);
    states = allStates(workflow.definition);
  }, 60_000);

  describe('Method: definition', () => {
    it('has exactly the contract state names, starting at the policy step (the subject has already confirmed)', () => {
      // Prepare & Act
      const names = Object.keys(states).sort();

      // Assess
      expect(workflow.definition.StartAt).toBe(STATE.Decide);
      expect(names).toEqual(Object.values(STATE).sort());
    });

    it('uses only what the local runner executes', () => {
      // Prepare
      const text = JSON.stringify(workflow.definition);

      // Act & Assess
      expect(workflow.definition.QueryLanguage).toBeUndefined();
      expect(workflow.definition.TimeoutSeconds).toBeUndefined();
      // ResultPath "$" is valid ASL, but the local runner nests the result under a key named "$".
      expect(Object.values(states).filter((s) => s.ResultPath === '$')).toEqual([]);
      for (const forbidden of [
        'JSONata',
        '"Assign"',
        '"ItemReader"',
        '"ItemBatcher"',
        '"ResultWriter"',
        'DISTRIBUTED',
        '"Arguments"',
      ]) {
        expect(text).not.toContain(forbidden);
      }
    });

    it("gives every task an explicit, finite timeout (a notice task its recipient's, from its input)", () => {
      // Prepare & Act
      const taskStates = Object.entries(states).filter(([, s]) => s.Type === 'Task');

      // Assess
      expect(taskStates).toHaveLength(Object.keys(workflow.tasks).length);
      for (const [name, state] of taskStates) {
        if (name === STATE.NotifyRecipient) {
          expect(state.TimeoutSecondsPath).toBe('$.answerWithinSeconds');
          continue;
        }
        expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
        expect(state.TimeoutSeconds, name).toBeLessThanOrEqual(2_147_483);
      }
    });

    it('retries connector tasks on ConnectorUnavailableError and catches what is left as a failed outcome', () => {
      // Prepare
      const fallbacks = {
        LocateSystem: STATE.LocateFailed,
        EraseSystem: STATE.EraseFailed,
        ConfirmSystem: STATE.ConfirmFailed,
        ChangeSystem: STATE.ChangeFailed,
      };

      for (const [task, fallback] of Object.entries(fallbacks)) {
        // Act
        const state = states[task] as { Retry: Json[]; Catch: Json[] };
        const failed = states[fallback] as { Parameters: Json };

        // Assess
        expect(state.Retry).toEqual([
          expect.objectContaining({
            ErrorEquals: expect.arrayContaining([
              'ConnectorUnavailableError',
              'Lambda.ServiceException',
              'Lambda.TooManyRequestsException',
            ]),
            IntervalSeconds: 2,
            BackoffRate: 2,
            MaxAttempts: 3,
            JitterStrategy: 'FULL',
          }),
          // every task also retries a throttled AWS dependency (asserted for all tasks below)
          expect.objectContaining({ ErrorEquals: ['DependencyUnavailableError'] }),
          // and a busy system under a rule of its own (asserted below)
          expect.objectContaining({ ErrorEquals: ['SystemBusyError'] }),
        ]);
        expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: fallback }]);
        expect(failed.Parameters).toMatchObject({
          'systemId.$': '$.systemId',
          status: 'failed',
          'error.$': '$.error.Error',
        });
      }
      expect((states[STATE.LocateFailed] as { Parameters: Json }).Parameters.recordCount).toBe(0);
    });

    it('retries a busy system on every connector task under its own long rule, and reports it failed after', () => {
      // Prepare
      const connectorTasks = [STATE.LocateSystem, STATE.EraseSystem, STATE.ConfirmSystem, STATE.ChangeSystem];

      for (const task of connectorTasks) {
        // Act
        const retry = (states[task] as { Retry: Json[] }).Retry;

        // Assess: 5 s doubling, capped at 5 minutes, 20 retries with full jitter (about 75 minutes at most)
        expect(retry, task).toContainEqual({
          ErrorEquals: ['SystemBusyError'],
          IntervalSeconds: 5,
          BackoffRate: 2,
          MaxAttempts: 20,
          MaxDelaySeconds: 300,
          JitterStrategy: 'FULL',
        });
        // Step Functions uses the first retrier that matches: the short general rule must not catch it first.
        expect(
          retry.filter((r) => (r.ErrorEquals as string[]).includes('SystemBusyError')),
          task,
        ).toHaveLength(1);
        // After the retries, the Map's catch-all turns it into a failed outcome carrying the error name.
        expect((states[task] as { Catch: Json[] }).Catch).toEqual([
          expect.objectContaining({ ErrorEquals: ['States.ALL'] }),
        ]);
      }
      // No other task retries it: only the connector steps take slots.
      for (const [name, state] of Object.entries(states).filter(([n]) => !connectorTasks.includes(n as never))) {
        expect(JSON.stringify(state.Retry ?? []), name).not.toContain('SystemBusyError');
      }
    });

    it('holds a system slot exactly as long as a connector function can run', () => {
      // Prepare & Act
      const timeouts = [specById('LocateSystem').timeoutSeconds, specById('EraseSystem').timeoutSeconds];

      // Assess: shorter, and a slow step's slot could be taken over while it still runs; longer, and a crashed
      // step's slot would stay blocked past the point where its holder is certainly gone
      expect(timeouts).toEqual([SYSTEM_LEASE_SECONDS, SYSTEM_LEASE_SECONDS]);
    });

    it('retries a transient AWS dependency failure on every task, with a longer capped backoff', () => {
      // Prepare
      const taskStates = Object.entries(states).filter(([, s]) => s.Type === 'Task');

      // Act & Assess
      expect(taskStates.length).toBe(Object.keys(workflow.tasks).length);
      for (const [name, state] of taskStates) {
        expect(state.Retry, name).toContainEqual({
          ErrorEquals: ['DependencyUnavailableError'],
          IntervalSeconds: 3,
          BackoffRate: 2,
          MaxAttempts: 5,
          MaxDelaySeconds: 60,
          JitterStrategy: 'FULL',
        });
      }
    });

    it('sends a step outside the Maps that still fails to MarkAttention, with its name and the error name, then fails', () => {
      // Prepare
      const guarded = [
        STATE.Decide,
        STATE.PlanRequest,
        STATE.ResolveIdentities,
        STATE.AssembleExport,
        STATE.AssembleReceipt,
        STATE.Deliver,
      ];

      for (const step of guarded) {
        // Act
        const state = states[step] as { Catch: Json[] };
        const failed = states[`${step}Failed`] as { Type: string; Parameters: Json; Next: string };

        // Assess
        expect(state.Catch, step).toEqual([
          { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `${step}Failed` },
        ]);
        expect(failed.Type).toBe('Pass');
        // The error's name only: the Cause never travels further.
        expect(failed.Parameters).toEqual({ 'requestId.$': '$.requestId', step, 'error.$': '$.error.Error' });
        expect(failed.Next).toBe(STATE.MarkAttention);
      }
      const mark = states[STATE.MarkAttention] as { Catch: Json[]; Next: string; ResultPath: unknown };
      expect(mark.Next).toBe(STATE.NeedsAttention);
      expect(mark.ResultPath).toBeNull();
      expect(mark.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.NeedsAttention }]);
      expect(states[STATE.NeedsAttention]).toEqual({
        Type: 'Fail',
        Error: 'RequestNeedsAttention',
        Cause: expect.not.stringMatching(/\$|@/),
      });
      expect((states[STATE.Deliver] as { Retry: Json[] }).Retry[0]?.ErrorEquals).toContain('DeliveryInProgressError');
    });

    it('waits for recipients and operators only: two callback tasks, ids and the token in their payloads', () => {
      // Prepare & Act
      const callbacks = Object.entries(states).filter(([, s]) =>
        String(s.Resource ?? '').endsWith('.waitForTaskToken'),
      );
      const notify = states[STATE.NotifyRecipient] as { Parameters: { Payload: Json }; Catch: Json[] };

      // Assess: verification happens before the execution starts (verify-identity starts it)
      expect(callbacks.map(([name]) => name).sort()).toEqual([STATE.AwaitOperator, STATE.NotifyRecipient]);
      expect((states[STATE.AwaitOperator] as { Parameters: { Payload: Json } }).Parameters.Payload).toEqual({
        'requestId.$': '$.requestId',
        'taskToken.$': '$$.Task.Token',
      });
      expect(states[STATE.AwaitOperator]?.TimeoutSeconds).toBe(20 * 86_400);
      expect(notify.Parameters.Payload).toEqual({
        'requestId.$': '$.requestId',
        'recipientId.$': '$.recipientId',
        'taskToken.$': '$$.Task.Token',
        'answerWithinSeconds.$': '$.answerWithinSeconds',
      });
      expect(notify.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.NoticeOutcome }]);
      expect((states[STATE.NoticeOutcome] as { Choices: Json[] }).Choices).toEqual([
        { Variable: '$.error.Error', StringEquals: 'States.Timeout', Next: STATE.NoticeTimedOut },
      ]);
      expect(states[STATE.NotifyRecipients]).toMatchObject({ ItemsPath: '$.plan.recipients', ResultPath: '$.notices' });
      const others = Object.entries(states).filter(
        ([name]) => name !== STATE.NotifyRecipient && name !== STATE.AwaitOperator,
      );
      expect(Math.max(...others.map(([, s]) => Number(s.TimeoutSeconds ?? 0)))).toBeLessThanOrEqual(2 * 3600);
    });

    it('branches once on the action: rejected ends; export, statement, erase and changes each take their path to one Deliver', () => {
      // Prepare & Act
      const isRejected = states[STATE.IsRejected] as { Choices: Json[]; Default: string };
      const byAction = states[STATE.ByAction] as { Choices: Json[]; Default: string };
      const isDeletion = states[STATE.IsDeletion] as { Choices: Json[]; Default: string };

      // Assess
      expect(isRejected.Choices).toEqual([
        { Variable: '$.plan.type', StringEquals: 'rejected', Next: STATE.RequestRejected },
      ]);
      // the subject's other identities are resolved before any system is searched or changed
      expect(isRejected.Default).toBe(STATE.ResolveIdentities);
      expect(states[STATE.ResolveIdentities]?.Next).toBe(STATE.ByAction);
      expect(byAction.Choices).toEqual([
        { Variable: '$.plan.action', StringEquals: 'statement', Next: STATE.AssembleStatement },
        {
          Or: [
            { Variable: '$.plan.action', StringEquals: 'correct' },
            { Variable: '$.plan.action', StringEquals: 'flag' },
          ],
          Next: STATE.ChangeSystems,
        },
      ]);
      expect(byAction.Default).toBe(STATE.LocateSystems);
      expect(states[STATE.LocateSystems]?.Next).toBe(STATE.IsDeletion);
      expect(isDeletion.Choices).toEqual([
        { Variable: '$.plan.action', StringEquals: 'erase', Next: STATE.EraseSystems },
      ]);
      // an export meets the others at the notices (manual systems are asked there), then parts at AfterNotices
      expect(isDeletion.Default).toBe(STATE.NotifyRecipients);
      // deletion: erase, confirm, tell recipients, receipt
      expect(states[STATE.EraseSystems]?.Next).toBe(STATE.ConfirmSystems);
      expect(states[STATE.ConfirmSystems]?.Next).toBe(STATE.NotifyRecipients);
      // changes: one change per system, tell recipients, receipt
      expect(states[STATE.ChangeSystems]?.Next).toBe(STATE.NotifyRecipients);
      expect(states[STATE.NotifyRecipients]?.Next).toBe(STATE.AfterNotices);
      const afterNotices = states[STATE.AfterNotices] as unknown as { Choices: unknown[]; Default: string };
      expect(afterNotices.Choices).toEqual([
        { Variable: '$.plan.action', StringEquals: 'export', Next: STATE.AssembleExport },
      ]);
      expect(afterNotices.Default).toBe(STATE.AssembleReceipt);
      expect(states[STATE.AssembleReceipt]?.Next).toBe(STATE.Deliver);
      expect(states[STATE.AssembleExport]?.Next).toBe(STATE.Deliver);
      // statements: no search, the document from the data map
      expect(states[STATE.AssembleStatement]?.Next).toBe(STATE.Deliver);
      expect(states[STATE.AssembleStatement]?.Parameters).toEqual({ 'requestId.$': '$.requestId', outcomes: [] });
      expect(states[STATE.Deliver]?.End).toBe(true);
    });

    it('marks the request for attention when a statement or a receipt still fails', () => {
      // Prepare & Act
      const catchOf = (name: string) => (states[name] as { Catch: Json[] }).Catch;

      // Assess
      expect(catchOf(STATE.AssembleStatement)).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.AssembleStatementFailed },
      ]);
      expect(states[STATE.AssembleStatementFailed]?.Next).toBe(STATE.MarkAttention);
      expect(catchOf(STATE.AssembleReceipt)).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.AssembleReceiptFailed },
      ]);
    });

    it('changes per system with ids only: the change step reads what to change from the request record', () => {
      // Prepare & Act
      const change = states[STATE.ChangeSystems] as Json;

      // Assess
      expect(change).toMatchObject({ ItemsPath: '$.plan.systems', MaxConcurrency: 10, ResultPath: '$.changed' });
      expect(change.ItemSelector).toEqual({ 'requestId.$': '$.requestId', 'systemId.$': '$$.Map.Item.Value.systemId' });
    });

    it('fans out per system with ids only', () => {
      // Prepare & Act
      const locate = states[STATE.LocateSystems] as Json;
      const erase = states[STATE.EraseSystems] as Json;
      const confirm = states[STATE.ConfirmSystems] as Json;

      // Assess
      expect(locate).toMatchObject({
        ItemsPath: '$.plan.systems',
        MaxConcurrency: 10,
        ResultPath: '$.located',
        ItemSelector: { 'requestId.$': '$.requestId', 'systemId.$': '$$.Map.Item.Value.systemId', phase: 'locate' },
      });
      expect(erase).toMatchObject({
        ItemsPath: '$.located',
        ResultPath: '$.erased',
      });
      // Erase decides from the system and the request record alone: the Map hands it nothing else.
      expect(erase.ItemSelector).toEqual({ 'requestId.$': '$.requestId', 'systemId.$': '$$.Map.Item.Value.systemId' });
      expect(confirm).toMatchObject({
        ItemsPath: '$.plan.systems',
        ResultPath: '$.confirmed',
        ItemSelector: { phase: 'confirm' },
      });
    });

    it('never puts subject data in a payload template', () => {
      // Prepare
      const templates = Object.values(states).flatMap((s) =>
        [s.Parameters, s.ItemSelector, s.ResultSelector].filter(Boolean),
      );

      // Act (FunctionName is the integration's own field, not payload)
      const words = templates.flatMap(templateWords).filter((w) => w !== 'FunctionName');

      // Assess
      expect(words.length).toBeGreaterThan(0);
      for (const word of words) expect(word).not.toMatch(/email|subject|identit|name|phone|address|\$\.input/i);
    });
  });

  describe('Method: extractWorkflow', () => {
    it('maps every task to the handler module and integration it uses', () => {
      // Prepare
      const entries = new Set<string>(FUNCTION_SPECS.map((s) => s.entry));

      // Act
      const tasks = workflow.tasks;

      // Assess
      expect(Object.keys(tasks).sort()).toEqual([
        'AssembleExport',
        'AssembleReceipt',
        'AssembleStatement',
        'AwaitOperator',
        'ChangeSystem',
        'ConfirmSystem',
        'Decide',
        'Deliver',
        'EraseSystem',
        'LocateSystem',
        'MarkAttention',
        'NotifyRecipient',
        'PlanRequest',
        'ResolveIds',
      ]);
      for (const [name, task] of Object.entries(tasks)) {
        expect(entries.has(task.handler), name).toBe(true);
        expect(task.handler).toMatch(/^functions\/[a-z-]+\/handler\.ts$/);
        expect(task.integration, name).toBe(
          name === 'NotifyRecipient' || name === 'AwaitOperator' ? 'waitForTaskToken' : 'direct',
        );
      }
      expect(tasks.ConfirmSystem?.handler).toBe('functions/locate-system/handler.ts');
    });

    it('gives the same result for two synths', () => {
      // Prepare
      const again = synthTemplate();

      // Act
      const second = extractWorkflow(again);

      // Assess
      expect(second).toEqual(workflow);
      expect(JSON.stringify(second.definition)).not.toMatch(/Fn::|"Ref"/);
    });
  });
});
