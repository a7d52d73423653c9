import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from './chain';

/**
 * Who is acting, for the audit trail: set once where a call enters (the HTTP routes, the workflow tasks, the sweeper,
 * the operator's commands) and read where the request repository records a change, so no use case has to pass it
 * along. An AsyncLocalStorage rather than a setting: the local twin runs every handler in one process, side by side.
 */
const acting = new AsyncLocalStorage<{ actor: Actor; operator?: string }>();

/**
 * Run `work` as `actor` (an inner call overrides an outer one: the sweeper runs inside a workflow task's wrapper).
 * `operator`: which operator, for `operator` actions (the console's signed-in identity, the CLI's OS user).
 */
export function actingAs<T>(actor: Actor, work: () => T, operator?: string): T {
  return acting.run(operator === undefined ? { actor } : { actor, operator }, work);
}

/** The actor of the call under way; `system` for code that entered nowhere we know (a script, a test). */
export function currentActor(): Actor {
  return acting.getStore()?.actor ?? 'system';
}

/** The operator acting in the call under way, when one said who they are. */
export function currentOperator(): string | undefined {
  return acting.getStore()?.operator;
}
