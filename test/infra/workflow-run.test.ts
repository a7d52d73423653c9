import { beforeAll, describe, expect, it } from 'vitest';
import { extractWorkflow, synthTemplate, type ExtractedWorkflow } from '../../infra/local/asl';
import { localDefinition } from '../../infra/local/sfn-runner';

/**
 * The synthesized definition, run as-is in aws-local-stepfunctions (the twin's runner) with stub tasks:
 * proves the definition is one the local runner executes, and pins the state shapes between steps.
 */

// aws-local-stepfunctions needs Promise.withResolvers (Node ≥ 22).
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    value: <T>() => {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

type Json = Record<string, unknown>;
type Stub = (input: Json) => unknown;

function named(name: string): Error {
  const error = new Error(`${name} (stub)`);
  error.name = name;
  return error;
}

/** Every task state of the definition retries at once here: the backoff is the cloud's business, not the test's. */
const NO_WAIT = Object.fromEntries(
  [
    'Decide',
    'AwaitOperator',
    'PlanRequest',
    'ResolveIds',
    'LocateSystem',
    'EraseSystem',
    'ConfirmSystem',
    'ChangeSystem',
    'AssembleExport',
    'AssembleStatement',
    'AssembleReceipt',
    'Deliver',
    'MarkAttention',
    'NotifyRecipient',
  ].map((state) => [state, 0]),
);

async function run(definition: Json, stubs: Record<string, Stub>): Promise<{ output: Json; calls: [string, Json][] }> {
  const { output, calls, error } = await runToEnd(definition, stubs);
  if (error) throw error;
  return { output: output as Json, calls };
}

/** Run to the end, succeeded or failed: the output, or the error the execution failed with. */
async function runToEnd(
  definition: Json,
  stubs: Record<string, Stub>,
): Promise<{ output?: Json; error?: Error & { cause?: unknown }; calls: [string, Json][] }> {
  const { StateMachine } = await import('aws-local-stepfunctions');
  const calls: [string, Json][] = [];
  const handlers = Object.fromEntries(
    Object.entries(stubs).map(([state, stub]) => [
      state,
      async (input: Json) => {
        calls.push([state, input]);
        return stub(input);
      },
    ]),
  );
  const machine = new StateMachine(definition as never);
  const execution = machine.run(
    { requestId: 'r-1' },
    {
      context: { Task: { Token: 'token-1' } },
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        retryIntervalOverrides: NO_WAIT,
      },
    },
  );
  try {
    return { output: (await execution.result) as Json, calls };
  } catch (error) {
    return { error: error as Error, calls };
  }
}

const ACTIONS: Record<string, string> = {
  access: 'export',
  categories: 'statement',
  deletion: 'erase',
  correction: 'correct',
  opt_out: 'flag',
  rejected: 'rejected',
};
const plan =
  (type: string): Stub =>
  () => ({
    type,
    action: ACTIONS[type],
    systems: type === 'categories' ? [] : [{ systemId: 'customers' }, { systemId: 'clickstream' }],
    recipients: [],
  });
const common: Record<string, Stub> = {
  Decide: () => ({ outcome: 'go', reasons: [] }),
  ResolveIds: () => ({ kinds: [], ambiguous: [], searched: 0 }),
  LocateSystem: (i) => ({ systemId: i.systemId, status: 'found', recordCount: 2 }),
  AssembleExport: () => ({ documentKey: 'exports/r-1.json', complete: true }),
  AssembleStatement: () => ({ documentKey: 'exports/r-1.json', complete: true }),
  AssembleReceipt: () => ({ documentKey: 'receipts/r-1.json', complete: true }),
  Deliver: () => ({}),
};

describe('Class: Workflow (local run)', () => {
  let workflow: ExtractedWorkflow;

  beforeAll(() => {
    workflow = extractWorkflow(synthTemplate());
  }, 60_000);

  describe('Method: run', () => {
    it('answers an access request, reporting a connector that stays unavailable as failed by name', async () => {
      // Prepare
      const stubs = {
        ...common,
        PlanRequest: plan('access'),
        LocateSystem: (i: Json) => {
          if (i.systemId === 'clickstream') throw named('ConnectorUnavailableError');
          return { systemId: i.systemId, status: 'found', recordCount: 2, partKey: 'parts/r-1/customers.jsonl' };
        },
      };

      // Act
      const { output, calls } = await run(workflow.definition, stubs);

      // Assess
      expect(calls.filter(([s, i]) => s === 'LocateSystem' && i.systemId === 'clickstream')).toHaveLength(4);
      expect(calls.find(([s]) => s === 'LocateSystem')?.[1]).toEqual({
        requestId: 'r-1',
        systemId: 'customers',
        phase: 'locate',
      });
      expect(calls.find(([s]) => s === 'AssembleExport')?.[1]).toEqual({
        requestId: 'r-1',
        outcomes: [
          { systemId: 'customers', status: 'found', recordCount: 2, partKey: 'parts/r-1/customers.jsonl' },
          { systemId: 'clickstream', status: 'failed', recordCount: 0, error: 'ConnectorUnavailableError' },
        ],
        // the plan names no manual system: nobody was asked
        notices: [],
      });
      expect(calls.at(-1)).toEqual(['Deliver', { requestId: 'r-1', documentKey: 'exports/r-1.json', complete: true }]);
      expect(output.document).toEqual({ documentKey: 'exports/r-1.json', complete: true });
    });

    it('erases, confirms and writes a receipt for a deletion request', async () => {
      // Prepare
      const stubs = {
        ...common,
        PlanRequest: plan('deletion'),
        EraseSystem: (i: Json) => ({ systemId: i.systemId, status: 'erased', deleted: 2 }),
        ConfirmSystem: (i: Json) => ({ systemId: i.systemId, status: 'not_found', recordCount: 0 }),
      };

      // Act
      const { calls } = await run(workflow.definition, stubs);

      // Assess
      expect(calls.map(([s]) => s)).toEqual([
        'Decide',
        'PlanRequest',
        'ResolveIds',
        'LocateSystem',
        'LocateSystem',
        'EraseSystem',
        'EraseSystem',
        'ConfirmSystem',
        'ConfirmSystem',
        'AssembleReceipt',
        'Deliver',
      ]);
      // the notices step ran between confirming and the receipt (no recipients are planned here, so nobody is told)
      expect(calls.find(([s]) => s === 'EraseSystem')?.[1]).toEqual({ requestId: 'r-1', systemId: 'customers' });
      expect(calls.find(([s]) => s === 'ConfirmSystem')?.[1]).toEqual({
        requestId: 'r-1',
        systemId: 'customers',
        phase: 'confirm',
      });
      const receiptInput = calls.find(([s]) => s === 'AssembleReceipt')?.[1] ?? {};
      expect(Object.keys(receiptInput).sort()).toEqual([
        'confirmed',
        'decision',
        'erased',
        'located',
        'notices',
        'plan',
        'requestId',
        'resolved',
      ]);
      expect(receiptInput.notices).toEqual([]);
    });

    it('tells each recipient after confirming, in parallel, and gives the receipt their answers', async () => {
      // Prepare: the runner's definition (callback timeouts taken out, as the twin runs it); stubs answer at once
      const { definition } = localDefinition(workflow);
      const stubs: Record<string, Stub> = {
        ...common,
        PlanRequest: () => ({
          type: 'deletion',
          action: 'erase',
          systems: [{ systemId: 'customers' }],
          recipients: [
            { recipientId: 'mailer', answerWithinSeconds: 60 },
            { recipientId: 'ads', answerWithinSeconds: 120 },
            { recipientId: 'broken', answerWithinSeconds: 60 },
          ],
        }),
        EraseSystem: (i) => ({ systemId: i.systemId, status: 'erased', deleted: 2 }),
        ConfirmSystem: (i) => ({ systemId: i.systemId, status: 'not_found', recordCount: 0 }),
        NotifyRecipient: (i) => {
          const payload = i.Payload as Json;
          if (payload.recipientId === 'broken') throw named('WebhookDeliveryError');
          return { recipientId: payload.recipientId, answer: payload.recipientId === 'ads' ? 'exception' : 'done' };
        },
      };

      // Act
      const { calls } = await run(definition, stubs);

      // Assess
      const notices = calls.filter(([s]) => s === 'NotifyRecipient').map(([, i]) => i.Payload as Json);
      expect(notices.find((p) => p.recipientId === 'ads')).toEqual({
        requestId: 'r-1',
        recipientId: 'ads',
        taskToken: 'token-1',
        answerWithinSeconds: 120,
      });
      // the webhook failure is retried three times, then recorded as failed: the other recipients are unaffected
      expect(notices.filter((p) => p.recipientId === 'broken')).toHaveLength(4);
      expect(calls.find(([s]) => s === 'AssembleReceipt')?.[1].notices).toEqual([
        { recipientId: 'mailer', answer: 'done' },
        { recipientId: 'ads', answer: 'exception' },
        { recipientId: 'broken', answer: 'failed' },
      ]);
    });

    it.each([
      ['correction', 'correct'],
      ['opt_out', 'flag'],
    ])(
      'changes each system for a %s, reporting a system that stays unavailable as failed, then a receipt',
      async (type) => {
        // Prepare
        const stubs = {
          ...common,
          PlanRequest: plan(type),
          ChangeSystem: (i: Json) => {
            if (i.systemId === 'clickstream') throw named('ConnectorUnavailableError');
            return { systemId: i.systemId, status: 'changed', matched: 1, changed: 1, refused: [] };
          },
        };

        // Act
        const { calls } = await run(workflow.definition, stubs);

        // Assess
        expect(calls.map(([s]) => s).filter((s) => s !== 'ChangeSystem')).toEqual([
          'Decide',
          'PlanRequest',
          'ResolveIds',
          'AssembleReceipt',
          'Deliver',
        ]);
        expect(calls.filter(([s, i]) => s === 'ChangeSystem' && i.systemId === 'clickstream')).toHaveLength(4);
        expect(calls.find(([s]) => s === 'ChangeSystem')?.[1]).toEqual({ requestId: 'r-1', systemId: 'customers' });
        const receiptInput = calls.find(([s]) => s === 'AssembleReceipt')?.[1] ?? {};
        expect(receiptInput.changed).toEqual([
          { systemId: 'customers', status: 'changed', matched: 1, changed: 1, refused: [] },
          { systemId: 'clickstream', status: 'failed', error: 'ConnectorUnavailableError' },
        ]);
        expect(receiptInput.notices).toEqual([]);
        expect(calls.map(([s]) => s)).not.toContain('LocateSystem');
      },
    );

    it('answers a statement from the data map without searching any system', async () => {
      // Prepare
      const stubs = { ...common, PlanRequest: plan('categories') };

      // Act
      const { calls } = await run(workflow.definition, stubs);

      // Assess
      // resolution runs (and finds nothing to do for a statement: functions/resolve-identities)
      expect(calls.map(([s]) => s)).toEqual(['Decide', 'PlanRequest', 'ResolveIds', 'AssembleStatement', 'Deliver']);
      expect(calls[3]?.[1]).toEqual({ requestId: 'r-1', outcomes: [] });
    });

    it('ends a request the policy step denies before planning or searching anything', async () => {
      // Prepare
      const stubs = {
        ...common,
        Decide: () => ({ outcome: 'deny', reasons: ['frequency_limit'] }),
        PlanRequest: plan('access'),
      };

      // Act
      const { calls } = await run(workflow.definition, stubs);

      // Assess
      expect(calls.map(([s]) => s)).toEqual(['Decide']);
    });

    it('waits for the operator on a held request, then goes on when approved or ends when denied', async () => {
      // Prepare
      const held = { Decide: () => ({ outcome: 'hold', reasons: ['review_required'] }) };
      const approved = {
        ...common,
        ...held,
        AwaitOperator: () => ({ outcome: 'go', reasons: [] }),
        PlanRequest: plan('categories'),
      };
      const denied = {
        ...common,
        ...held,
        AwaitOperator: () => ({ outcome: 'deny', reasons: ['operator'] }),
        PlanRequest: plan('categories'),
      };

      // Act
      const go = await run(workflow.definition, approved);
      const no = await run(workflow.definition, denied);

      // Assess
      expect(go.calls.map(([s]) => s)).toEqual([
        'Decide',
        'AwaitOperator',
        'PlanRequest',
        'ResolveIds',
        'AssembleStatement',
        'Deliver',
      ]);
      expect(go.calls[1]?.[1]).toMatchObject({ Payload: { requestId: 'r-1', taskToken: 'token-1' } });
      expect(no.calls.map(([s]) => s)).toEqual(['Decide', 'AwaitOperator']);
    });

    it('stops a rejected request after planning', async () => {
      // Prepare
      const stubs = { ...common, PlanRequest: plan('rejected') };

      // Act
      const { calls } = await run(workflow.definition, stubs);

      // Assess
      expect(calls.map(([s]) => s)).toEqual(['Decide', 'PlanRequest']);
    });

    it('retries a throttled dependency in a step outside the Maps and carries on', async () => {
      // Prepare: SES throttles Deliver twice, then takes the mail
      let throttled = 0;
      const stubs = {
        ...common,
        PlanRequest: plan('access'),
        Deliver: () => {
          if (throttled++ < 2) throw named('DependencyUnavailableError');
          return {};
        },
      };

      // Act
      const { calls } = await run(workflow.definition, stubs);

      // Assess
      expect(calls.filter(([s]) => s === 'Deliver')).toHaveLength(3);
      expect(calls.map(([s]) => s)).not.toContain('MarkAttention');
    });

    it.each([
      ['PlanRequest', 'NotVerifiedError', 1],
      ['AssembleExport', 'DependencyUnavailableError', 6],
      ['Deliver', 'DependencyUnavailableError', 6],
    ])('marks the request when %s still fails (%s) and ends the execution failed', async (step, error, attempts) => {
      // Prepare
      const stubs: Record<string, Stub> = {
        ...common,
        PlanRequest: plan('access'),
        MarkAttention: () => ({ marked: true }),
        [step]: () => {
          throw named(error);
        },
      };

      // Act
      const { calls, error: failure } = await runToEnd(workflow.definition, stubs);

      // Assess
      expect(calls.filter(([s]) => s === step)).toHaveLength(attempts);
      expect(calls.at(-1)).toEqual(['MarkAttention', { requestId: 'r-1', step, error }]);
      expect(failure).toBeDefined();
      expect(JSON.stringify([failure?.name, failure?.message, String(failure?.cause)])).toContain(
        'RequestNeedsAttention',
      );
    });

    it('still fails the execution when marking the request fails too', async () => {
      // Prepare
      const stubs: Record<string, Stub> = {
        ...common,
        PlanRequest: plan('deletion'),
        EraseSystem: (i) => ({ systemId: i.systemId, status: 'erased', deleted: 2 }),
        ConfirmSystem: (i) => ({ systemId: i.systemId, status: 'not_found', recordCount: 0 }),
        AssembleReceipt: () => {
          throw named('HashKeyUnavailableError');
        },
        MarkAttention: () => {
          throw named('DependencyUnavailableError');
        },
      };

      // Act
      const { calls, error } = await runToEnd(workflow.definition, stubs);

      // Assess
      expect(calls.filter(([s]) => s === 'MarkAttention')).toHaveLength(6);
      expect(calls.find(([s]) => s === 'MarkAttention')?.[1]).toEqual({
        requestId: 'r-1',
        step: 'AssembleReceipt',
        error: 'HashKeyUnavailableError',
      });
      expect(calls.map(([s]) => s)).not.toContain('Deliver');
      expect(error).toBeDefined();
    });
  });
});
