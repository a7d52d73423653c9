import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

export type LocalHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Loads the same handler modules the cloud runs (`functions/<name>/handler.ts`, named by the `dsar:handler` tag
 * or the API route table) and invokes them in-process with a Lambda-like context.
 * Modules read their environment at import, so the twin sets the environment before the first call.
 */
export class HandlerLoader {
  private readonly cache = new Map<string, Promise<LocalHandler>>();
  private readonly inFlight = new Set<Promise<unknown>>();

  public constructor(private readonly root: string) {}

  public invoke(entry: string, event: unknown): Promise<unknown> {
    const call = this.load(entry).then((handler) => handler(event, lambdaContext(entry.split('/').at(-2) ?? entry)));
    this.inFlight.add(call);
    const forget = () => this.inFlight.delete(call);
    call.then(forget, forget);
    return call;
  }

  /** Wait for every invocation under way to settle, so none outlives the services it talks to. */
  public async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private load(entry: string): Promise<LocalHandler> {
    let loaded = this.cache.get(entry);
    if (!loaded) {
      loaded = import(pathToFileURL(resolve(this.root, entry)).href).then((mod: { handler?: unknown }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${entry} does not export a handler`);
        return mod.handler as LocalHandler;
      });
      this.cache.set(entry, loaded);
    }
    return loaded;
  }
}
