import { randomBytes } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { HandlerLoader } from './handlers';
import type { ExtractedWorkflow, WorkflowTask } from './asl';

// aws-local-stepfunctions uses Promise.withResolvers (Node ≥ 22); the twin must run on Node 20 too.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface ExecutionInfo {
  executionArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
}

/** An error the SFN API answers with (its name is the AWS error code). */
export class SfnApiError extends Error {
  public constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

class TaskFailure extends Error {
  public constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

interface Waiter {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  /** the task's deadline timer, cleared when the task is answered, times out, or the twin stops */
  timer?: NodeJS.Timeout;
}

/** Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer delay fires at once. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** How a callback task is timed: a fixed number of seconds, or a path into its payload (from TimeoutSecondsPath). */
export interface CallbackTimeout {
  seconds?: number;
  path?: string;
}

type Json = Record<string, unknown>;

/**
 * The definition as the runner executes it. Callback tasks are timed by the runner, not by aws-local-stepfunctions:
 * the library resolves TimeoutSecondsPath against the task's Parameters output (Step Functions: against the state's
 * input) and arms a timer that fires at once past Node's limit. So each callback task's TimeoutSeconds/TimeoutSecondsPath
 * is taken out (the library gets the largest timer Node holds) and kept here; the runner resolves a path against the
 * task's payload (the definition passes the same field there: infra/workflow/notices.ts) and clamps it below the limit.
 */
export function localDefinition(workflow: ExtractedWorkflow): {
  definition: Json;
  callbackTimeouts: Record<string, CallbackTimeout>;
} {
  const definition = structuredClone(workflow.definition) as Json;
  const callbackTimeouts: Record<string, CallbackTimeout> = {};
  const visit = (machine: Json) => {
    for (const [name, state] of Object.entries((machine.States ?? {}) as Record<string, Json>)) {
      if (workflow.tasks[name]?.integration === 'waitForTaskToken') {
        callbackTimeouts[name] = {
          seconds: typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined,
          path: typeof state.TimeoutSecondsPath === 'string' ? state.TimeoutSecondsPath : undefined,
        };
        delete state.TimeoutSecondsPath;
        state.TimeoutSeconds = MAX_TIMER_SECONDS;
      }
      const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (processor) visit(processor);
      for (const branch of (state.Branches ?? []) as Json[]) visit(branch);
    }
  };
  visit(definition);
  return { definition, callbackTimeouts };
}

/** The value at a simple reference path (`$.a.b`) in `value`. */
function atPath(value: unknown, path: string): unknown {
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Json)[key] : undefined),
      value,
    );
}

/**
 * Step Functions on one machine: runs the state machine definition taken from the synthesized template with
 * aws-local-stepfunctions, every Task overridden by the handler module behind it. Callback tasks
 * (`.waitForTaskToken`) are emulated: each invocation gets a token of its own (the execution's name and 128 random bits of
 * its own: Map iterations wait side by side), passed to the handler in place of `$$.Task.Token`, and its promise is
 * kept under that token until SendTaskSuccess/Failure or the task's deadline (States.Timeout). Stopping the twin
 * releases every waiting task and its timer; the restarted twin's sweeper starts the request again, and the callback
 * step, being re-entrant, takes over with a new token (functions/notify-recipient).
 */
export class LocalStepFunctions {
  private readonly executions = new Map<string, ExecutionInfo & { abort: () => void; done: Promise<void> }>();
  private readonly waiters = new Map<string, Waiter>();
  /** execution token → the tokens of its callback task invocations */
  private readonly invocations = new Map<string, Set<string>>();
  private readonly observers: ((events: AsyncGenerator<{ type: string }>) => void)[] = [];
  private readonly stateMachine: StateMachine;
  private readonly callbackTimeouts: Record<string, CallbackTimeout>;

  public constructor(
    private readonly workflow: ExtractedWorkflow,
    private readonly loader: HandlerLoader,
    public readonly stateMachineArn: string,
    private readonly options: { retryIntervalMs?: number; onFailure?: (execution: ExecutionInfo) => void } = {},
  ) {
    const local = localDefinition(workflow);
    this.callbackTimeouts = local.callbackTimeouts;
    this.stateMachine = new StateMachine(local.definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: false, checkPaths: true },
    });
  }

  /** Tokens of the callback tasks waiting now (tests). */
  public waitingTasks(): string[] {
    return [...this.waiters.keys()];
  }

  public start(name: string, input: string): ExecutionInfo {
    const existing = this.executions.get(name);
    if (existing && existing.status === 'RUNNING') {
      if (existing.input === input) return existing;
      throw new SfnApiError('ExecutionAlreadyExists', `Execution already exists: '${existing.executionArn}'`);
    }
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const taskToken = `${name}:${randomBytes(16).toString('base64url')}`;
    const startDate = new Date();
    const run = this.stateMachine.run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: this.overrides(), retryIntervalOverrides: this.retryOverrides() },
      context: {
        Execution: { Id: executionArn, Name: name, Input: JSON.parse(input), StartTime: startDate.toISOString() },
        Task: { Token: taskToken },
      },
      noThrowOnAbort: true,
    });
    for (const observe of this.observers) observe(run.eventLogs);
    const info = {
      executionArn,
      name,
      input,
      status: 'RUNNING' as ExecutionStatus,
      startDate,
      abort: run.abort,
      done: Promise.resolve(),
    };
    info.done = run.result
      .then(
        (output) => {
          Object.assign(info, {
            status: output === null && info.status === 'ABORTED' ? 'ABORTED' : 'SUCCEEDED',
            output: JSON.stringify(output),
            stopDate: new Date(),
          });
        },
        (error: Error & { cause?: { name?: string; message?: string } }) => {
          Object.assign(info, {
            status: 'FAILED',
            error: error.cause?.name ?? error.name,
            cause: error.cause?.message ?? error.message,
            stopDate: new Date(),
          });
          this.options.onFailure?.(info);
        },
      )
      .finally(() => {
        // the execution's own callback tasks only
        for (const token of this.invocations.get(taskToken) ?? []) this.release(token);
        this.invocations.delete(taskToken);
      });
    this.executions.set(name, info);
    return info;
  }

  /** Receive the event log (StateEntered, StateRetried, …) of every execution started from now on. */
  public observeExecutions(observer: (events: AsyncGenerator<{ type: string }>) => void): () => void {
    this.observers.push(observer);
    return () => this.observers.splice(this.observers.indexOf(observer), 1);
  }

  public describe(executionArn: string): ExecutionInfo {
    const info = [...this.executions.values()].find((e) => e.executionArn === executionArn);
    if (!info) throw new SfnApiError('ExecutionDoesNotExist', `Execution does not exist: '${executionArn}'`);
    return info;
  }

  public sendTaskSuccess(taskToken: string, output: string): void {
    this.takeWaiter(taskToken).resolve(JSON.parse(output));
  }

  public sendTaskFailure(taskToken: string, error = 'TaskFailed', cause = ''): void {
    this.takeWaiter(taskToken).reject(new TaskFailure(error, cause));
  }

  /** Resolves when no execution is running (tests and the demo wait on this through the request status instead). */
  public async idle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  /**
   * Abort every running execution, release its callback tasks (so no task timer outlives the twin) and wait for
   * handler invocations under way. Aborted executions run no further state; their requests resume at the next start.
   */
  public async stop(): Promise<void> {
    for (const execution of this.executions.values()) {
      if (execution.status === 'RUNNING') {
        execution.status = 'ABORTED';
        execution.abort();
      }
    }
    for (const [token, waiter] of [...this.waiters]) {
      this.release(token);
      waiter.resolve({ aborted: true });
    }
    await this.idle();
    await this.loader.drain();
  }

  private takeWaiter(taskToken: string): Waiter {
    const waiter = this.release(taskToken);
    if (!waiter) throw new SfnApiError('TaskDoesNotExist', 'Task does not exist anymore');
    return waiter;
  }

  /** Forget a waiting task and stop its deadline timer; the waiter, if it was still waiting. */
  private release(taskToken: string): Waiter | undefined {
    const waiter = this.waiters.get(taskToken);
    if (!waiter) return undefined;
    clearTimeout(waiter.timer);
    this.waiters.delete(taskToken);
    return waiter;
  }

  /** The callback task's deadline in ms: its fixed seconds or the value at its path in the payload, clamped. */
  private callbackTimeoutMs(stateName: string, payload: unknown): number {
    const timing = this.callbackTimeouts[stateName] ?? {};
    const seconds = timing.path !== undefined ? atPath(payload, timing.path) : (timing.seconds ?? 60);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1)
      throw new TaskFailure('States.Runtime', `the timeout of ${stateName} is not a positive integer`);
    // a second under the library's own timer (MAX_TIMER_SECONDS), so this one fires first
    return Math.min(seconds, MAX_TIMER_SECONDS - 1) * 1000;
  }

  private overrides(): Record<string, (input: unknown) => Promise<never>> {
    const overrides: Record<string, (input: unknown) => Promise<never>> = {};
    for (const [stateName, task] of Object.entries(this.workflow.tasks)) {
      overrides[stateName] = (input) => this.runTask(stateName, task, input) as Promise<never>;
    }
    return overrides;
  }

  private async runTask(stateName: string, task: WorkflowTask, input: unknown): Promise<unknown> {
    if (task.integration === 'direct') return this.loader.invoke(task.handler, input);
    const payload = (input as { Payload?: unknown }).Payload;
    if (task.integration === 'invoke') {
      return { ExecutedVersion: '$LATEST', Payload: await this.loader.invoke(task.handler, payload), StatusCode: 200 };
    }
    const executionToken = (payload as { taskToken?: unknown } | undefined)?.taskToken;
    if (typeof executionToken !== 'string')
      throw new TaskFailure('States.Runtime', 'a callback task must pass $$.Task.Token in its payload');
    // One token per invocation, as Step Functions gives: concurrent Map iterations each wait for their own answer.
    // Same shape as the execution's (its name, then 128 random bits), remembered under it for the cleanup at its end.
    const name = executionToken.slice(0, executionToken.lastIndexOf(':'));
    const taskToken = `${name}:${randomBytes(16).toString('base64url')}`;
    const own = this.invocations.get(executionToken) ?? new Set<string>();
    own.add(taskToken);
    this.invocations.set(executionToken, own);
    const timeoutMs = this.callbackTimeoutMs(stateName, payload);
    const callback = new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      waiter.timer = setTimeout(() => {
        if (this.release(taskToken)) reject(new TaskFailure('States.Timeout', 'the callback task timed out'));
      }, timeoutMs);
      this.waiters.set(taskToken, waiter);
    });
    // answered (or timed out) while the handler still runs: settled before anyone awaits it, which is not unhandled
    callback.catch(() => undefined);
    try {
      await this.loader.invoke(task.handler, { ...(payload as Json), taskToken });
    } catch (error) {
      this.release(taskToken);
      throw error;
    }
    return callback;
  }

  private retryOverrides(): Record<string, number> | undefined {
    const ms = this.options.retryIntervalMs;
    if (ms === undefined) return undefined;
    return Object.fromEntries(Object.keys(this.workflow.tasks).map((name) => [name, ms]));
  }
}
