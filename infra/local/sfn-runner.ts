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
}

/**
 * Step Functions on one machine: runs the state machine definition taken from the synthesized template with
 * aws-local-stepfunctions, every Task overridden by the handler module behind it. Callback tasks
 * (`.waitForTaskToken`) are emulated: the task's promise is kept per token until SendTaskSuccess/Failure.
 * The task token is per execution, made unique with 128 random bits (the definition has one callback state).
 */
export class LocalStepFunctions {
  private readonly executions = new Map<string, ExecutionInfo & { abort: () => void; done: Promise<void> }>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly observers: ((events: AsyncGenerator<{ type: string }>) => void)[] = [];
  private readonly stateMachine: StateMachine;

  public constructor(
    private readonly workflow: ExtractedWorkflow,
    private readonly loader: HandlerLoader,
    public readonly stateMachineArn: string,
    private readonly options: { retryIntervalMs?: number; onFailure?: (execution: ExecutionInfo) => void } = {},
  ) {
    this.stateMachine = new StateMachine(workflow.definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: false, checkPaths: true },
    });
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
      .finally(() => this.waiters.delete(taskToken));
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
    for (const [token, waiter] of this.waiters) {
      this.waiters.delete(token);
      waiter.resolve({ aborted: true });
    }
    await this.idle();
    await this.loader.drain();
  }

  private takeWaiter(taskToken: string): Waiter {
    const waiter = this.waiters.get(taskToken);
    if (!waiter) throw new SfnApiError('TaskDoesNotExist', 'Task does not exist anymore');
    this.waiters.delete(taskToken);
    return waiter;
  }

  private overrides(): Record<string, (input: unknown) => Promise<never>> {
    const overrides: Record<string, (input: unknown) => Promise<never>> = {};
    for (const [stateName, task] of Object.entries(this.workflow.tasks)) {
      overrides[stateName] = (input) => this.runTask(task, input) as Promise<never>;
    }
    return overrides;
  }

  private async runTask(task: WorkflowTask, input: unknown): Promise<unknown> {
    if (task.integration === 'direct') return this.loader.invoke(task.handler, input);
    const payload = (input as { Payload?: unknown }).Payload;
    if (task.integration === 'invoke') {
      return { ExecutedVersion: '$LATEST', Payload: await this.loader.invoke(task.handler, payload), StatusCode: 200 };
    }
    const taskToken = (payload as { taskToken?: unknown } | undefined)?.taskToken;
    if (typeof taskToken !== 'string')
      throw new TaskFailure('States.Runtime', 'a callback task must pass $$.Task.Token in its payload');
    const callback = new Promise((resolve, reject) => this.waiters.set(taskToken, { resolve, reject }));
    try {
      await this.loader.invoke(task.handler, payload);
    } catch (error) {
      this.waiters.delete(taskToken);
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
