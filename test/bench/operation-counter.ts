import { AsyncLocalStorage } from 'node:async_hooks';
import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { HandlerLoader } from '../../infra/local/handlers';
import type { LocalStepFunctions } from '../../infra/local/sfn-runner';

/**
 * Counts what a request costs in the cloud, by watching the local twin run it: every handler invocation (with its
 * duration), every AWS SDK command the shared clients send (attributed to the handler that sent it, through
 * AsyncLocalStorage), the DynamoDB capacity units each command consumed (asked for with ReturnConsumedCapacity and
 * computed by dynalite from item sizes), and every state the state machine enters.
 * Measurement only: the twin's own code is not changed; its loader and its StateMachine are wrapped from outside.
 */
export type Service = 'dynamodb' | 's3' | 'ses' | 'sfn';

export interface HandlerTally {
  invocations: number;
  /** measured handler time, each invocation rounded up to the millisecond as Lambda bills it */
  billedMs: number;
  /** `service:Operation` → commands sent */
  calls: Record<string, number>;
  readUnits: number;
  writeUnits: number;
}

export interface Tally {
  handlers: Record<string, HandlerTally>;
  /** states entered (Map iterations' states included) plus retries: Standard workflows bill each one */
  transitions: number;
}

/** Commands sent outside any handler (the twin's own start-up, the benchmark's set-up). */
export const OUTSIDE_HANDLERS = '(outside handlers)';

const CAPACITY_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);
const READ_OPERATIONS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
/** lib-dynamodb's document commands → the DynamoDB operation they send */
const DOCUMENT_COMMANDS: Readonly<Record<string, string>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

function operationOf(commandName: string | undefined): string {
  const name = (commandName ?? 'Unknown').replace(/Command$/, '');
  return DOCUMENT_COMMANDS[name] ?? name;
}

/** Sum of `CapacityUnits` in a DynamoDB output's ConsumedCapacity (an object, or an array for batch operations). */
function capacityUnits(output: unknown): number | undefined {
  if (typeof output !== 'object' || output === null || !('ConsumedCapacity' in output)) return undefined;
  const consumed: unknown = output.ConsumedCapacity;
  const entries: unknown[] = Array.isArray(consumed) ? consumed : [consumed];
  let units = 0;
  for (const entry of entries) {
    if (
      typeof entry === 'object' &&
      entry !== null &&
      'CapacityUnits' in entry &&
      typeof entry.CapacityUnits === 'number'
    )
      units += entry.CapacityUnits;
  }
  return units;
}

const isPresigned = (output: unknown) => typeof output === 'object' && output !== null && 'presigned' in output;

const handlerName = (entry: string) => entry.split('/').at(-2) ?? entry;

export class OperationCounter {
  private readonly tally: Tally = { handlers: {}, transitions: 0 };
  private readonly scope = new AsyncLocalStorage<string>();
  private readonly pending = new Set<Promise<void>>();
  private readonly restores: (() => void)[] = [];

  /** Time every handler the twin invokes (workflow tasks and API routes alike) and scope its SDK calls to it. */
  public instrumentLoader(): void {
    const original = HandlerLoader.prototype.invoke;
    const counter = this;
    HandlerLoader.prototype.invoke = async function invoke(
      this: HandlerLoader,
      entry: string,
      event: unknown,
    ): Promise<unknown> {
      const name = handlerName(entry);
      const started = performance.now();
      try {
        return await counter.scope.run(name, () => original.call(this, entry, event));
      } finally {
        const handler = counter.handler(name);
        handler.invocations += 1;
        handler.billedMs += Math.ceil(performance.now() - started);
      }
    };
    this.restores.push(() => {
      HandlerLoader.prototype.invoke = original;
    });
  }

  /** Count every command sent through `stack` (a shared SDK client's middleware stack). */
  public instrumentClient<I extends object, O extends MetadataBearer>(
    service: Service,
    stack: MiddlewareStack<I, O>,
  ): void {
    stack.add(
      (next, context) => async (args) => {
        const handler = this.handler(this.scope.getStore() ?? OUTSIDE_HANDLERS);
        const operation = operationOf(context.commandName);
        const measured = service === 'dynamodb' && CAPACITY_OPERATIONS.has(operation);
        const sent = measured ? { ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } } : args;
        let output: unknown;
        try {
          const result = await next(sent);
          output = result.output;
          return result;
        } finally {
          // getSignedUrl runs the stack too but sends nothing: the URL is counted as the one request its holder makes
          const key = `${service}:${isPresigned(output) ? 'Presigned' : ''}${operation}`;
          handler.calls[key] = (handler.calls[key] ?? 0) + 1;
          // a failed conditional write still consumes a write unit: count one when nothing was reported
          if (measured)
            handler[READ_OPERATIONS.has(operation) ? 'readUnits' : 'writeUnits'] += capacityUnits(output) ?? 1;
        }
      },
      { step: 'initialize', name: 'benchOperationCounter', override: true },
    );
  }

  /** Count the states each execution enters, from the event logs the twin's runner hands its observers. */
  public instrumentRunner(runner: LocalStepFunctions): void {
    const stop = runner.observeExecutions((events) => {
      const counting = this.countTransitions(events);
      this.pending.add(counting);
      void counting.finally(() => this.pending.delete(counting));
    });
    this.restores.push(stop);
  }

  /** Resolves once every finished execution's events have been counted. */
  public async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  public snapshot(): Tally {
    return structuredClone(this.tally);
  }

  public restore(): void {
    for (const restore of this.restores.splice(0).reverse()) restore();
  }

  /** What happened between two snapshots. */
  public static since(before: Tally, after: Tally): Tally {
    const handlers: Record<string, HandlerTally> = {};
    for (const [name, now] of Object.entries(after.handlers)) {
      const then = before.handlers[name];
      const calls: Record<string, number> = {};
      for (const [key, n] of Object.entries(now.calls))
        if (n - (then?.calls[key] ?? 0) > 0) calls[key] = n - (then?.calls[key] ?? 0);
      const delta: HandlerTally = {
        invocations: now.invocations - (then?.invocations ?? 0),
        billedMs: now.billedMs - (then?.billedMs ?? 0),
        calls,
        readUnits: now.readUnits - (then?.readUnits ?? 0),
        writeUnits: now.writeUnits - (then?.writeUnits ?? 0),
      };
      if (delta.invocations > 0 || Object.keys(calls).length > 0) handlers[name] = delta;
    }
    return { handlers, transitions: after.transitions - before.transitions };
  }

  private handler(name: string): HandlerTally {
    this.tally.handlers[name] ??= { invocations: 0, billedMs: 0, calls: {}, readUnits: 0, writeUnits: 0 };
    return this.tally.handlers[name];
  }

  private async countTransitions(events: AsyncGenerator<{ type: string }>): Promise<void> {
    for await (const event of events) {
      if (event.type === 'StateEntered' || event.type === 'StateRetried') this.tally.transitions += 1;
    }
  }
}
