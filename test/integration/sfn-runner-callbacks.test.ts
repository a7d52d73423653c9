import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../infra/local/client';
import { HandlerLoader } from '../../infra/local/handlers';
import { LocalStepFunctions, localDefinition } from '../../infra/local/sfn-runner';
import { REPO_ROOT } from '../../infra/local/twin';
import * as callback from '../fixtures/handlers/concurrent-callback';

const ARN = 'arn:aws:states:local:000000000000:stateMachine:Callbacks';

/** A Map of callback tasks, each with its own deadline from its item (as infra/workflow/notices.ts builds it). */
const definition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemSelector: { 'id.$': '$$.Map.Item.Value.id', 'seconds.$': '$$.Map.Item.Value.seconds' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Wait',
        States: {
          Wait: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: {
              FunctionName: 'fn',
              Payload: { 'id.$': '$.id', 'taskToken.$': '$$.Task.Token', 'seconds.$': '$.seconds' },
            },
            TimeoutSecondsPath: '$.seconds',
            Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Late' }],
            End: true,
          },
          Late: { Type: 'Pass', Parameters: { 'id.$': '$.id', answer: 'timed_out' }, End: true },
        },
      },
      End: true,
    },
  },
};
const workflow = {
  definition,
  tasks: {
    Wait: { handler: 'test/fixtures/handlers/concurrent-callback.ts', integration: 'waitForTaskToken' as const },
  },
};

let runner: LocalStepFunctions | undefined;
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  callback.seen.length = 0;
});

async function tokensFor(count: number): Promise<Map<string, string>> {
  while (callback.seen.length < count) await sleep(10);
  return new Map(callback.seen.map((s) => [s.id, s.taskToken]));
}

describe('Class: LocalStepFunctions (callback tasks)', () => {
  describe('Method: localDefinition', () => {
    it('takes the callback task timeouts out of the definition the library runs, and keeps them', () => {
      // Act
      const local = localDefinition(workflow);

      // Assess
      expect(local.callbackTimeouts).toEqual({ Wait: { path: '$.seconds', seconds: undefined } });
      type States = Record<string, Record<string, unknown>>;
      const each = (local.definition.States as States).Each as { ItemProcessor: { States: States } };
      const wait = each.ItemProcessor.States.Wait;
      expect(wait?.TimeoutSecondsPath).toBeUndefined();
      expect(wait?.TimeoutSeconds).toBe(2_147_483);
      expect(definition.States.Each.ItemProcessor.States.Wait.TimeoutSecondsPath).toBe('$.seconds');
    });
  });

  describe('Method: sendTaskSuccess', () => {
    it('gives each concurrent callback task its own token, and each answer reaches its own task', async () => {
      // Prepare
      runner = new LocalStepFunctions(workflow, new HandlerLoader(REPO_ROOT), ARN);
      const items = ['a', 'b', 'c'].map((id) => ({ id, seconds: 60 }));

      // Act
      const execution = runner.start('req-1', JSON.stringify({ items }));
      const tokens = await tokensFor(3);
      // answered out of order, each with its own output
      for (const id of ['c', 'a', 'b'])
        runner.sendTaskSuccess(tokens.get(id) ?? '', JSON.stringify({ id, answer: `done-${id}` }));
      await runner.idle();

      // Assess
      expect(new Set(tokens.values()).size).toBe(3);
      for (const token of tokens.values()) expect(token).toMatch(/^req-1:[\w-]{22}$/);
      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? '[]')).toEqual([
        { id: 'a', answer: 'done-a' },
        { id: 'b', answer: 'done-b' },
        { id: 'c', answer: 'done-c' },
      ]);
      expect(runner.waitingTasks()).toEqual([]);
    });

    it('times each task out by its own deadline (States.Timeout), and refuses an answer after it', async () => {
      // Prepare
      runner = new LocalStepFunctions(workflow, new HandlerLoader(REPO_ROOT), ARN);

      // Act
      const execution = runner.start(
        'req-2',
        JSON.stringify({
          items: [
            { id: 'slow', seconds: 1 },
            { id: 'quick', seconds: 60 },
          ],
        }),
      );
      const tokens = await tokensFor(2);
      runner.sendTaskSuccess(tokens.get('quick') ?? '', '{"id":"quick","answer":"done"}');
      await runner.idle();

      // Assess
      expect(JSON.parse(execution.output ?? '[]')).toEqual([
        { id: 'slow', answer: 'timed_out' },
        { id: 'quick', answer: 'done' },
      ]);
      expect(() => runner?.sendTaskSuccess(tokens.get('slow') ?? '', '{}')).toThrow('Task does not exist');
    });

    it("clamps a deadline past Node's timer limit instead of timing out at once, and stop() releases the task", async () => {
      // Prepare: 30 days, more than the 2^31-1 ms a Node timer holds
      runner = new LocalStepFunctions(workflow, new HandlerLoader(REPO_ROOT), ARN);

      // Act
      const execution = runner.start('req-3', JSON.stringify({ items: [{ id: 'month', seconds: 30 * 86_400 }] }));
      await tokensFor(1);
      await sleep(300);
      const stillWaiting = execution.status;
      await runner.stop();

      // Assess
      expect(stillWaiting).toBe('RUNNING');
      expect(execution.status).toBe('ABORTED');
      expect(runner.waitingTasks()).toEqual([]);
    });
  });
});
