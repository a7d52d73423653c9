import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { InvalidTaskInputError } from './errors';
import { loggableError, logger } from './logger';
import { actingAs } from './audit/actor';
import type { Actor } from './audit/chain';

/**
 * A workflow task's handler: its input (ids, counts, S3 keys — never personal data) is validated at the edge,
 * and the request id goes into every log line.
 *
 * What a task throws ends up in the execution history (Error = its name, Cause = its message and stack), which Step
 * Functions keeps for 90 days and cannot erase. So every error leaves as a WorkflowStepError: the same `name` (the
 * workflow's Retry and Catch match on it), a fixed message, no cause. The original is logged here by its name, the
 * names of its causes and its stack frames — never a message, which may quote an address (SES does).
 */
export function workflowTask<S extends z.ZodType, R>(
  schema: S,
  fn: (input: z.infer<S>, context: Context) => Promise<R>,
  /** who the audit trail says made the task's changes (the sweeper runs as a task too) */
  actor: Actor = 'workflow',
) {
  return middy<unknown, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      try {
        const parsed = schema.safeParse(event);
        if (!parsed.success) throw new InvalidTaskInputError(parsed.error.issues.map((i) => i.path.join('.')));
        const requestId = (parsed.data as { requestId?: unknown }).requestId;
        if (typeof requestId === 'string') logger.appendKeys({ requestId });
        return await actingAs(actor, () => fn(parsed.data, context));
      } catch (error) {
        throw stepFailure(error);
      }
    });
}

/** The error a step throws for `error`, after logging what can be logged of it. */
export function stepFailure(error: unknown): WorkflowStepError {
  const loggable = loggableError(error);
  logger.error('step failed', { error: loggable });
  return new WorkflowStepError(loggable.name);
}

/**
 * What a workflow step throws in place of whatever failed it: the same `name` (the workflow's Retry/Catch match on
 * it), a fixed message and no cause. Step Functions keeps a failed task's Error and Cause in the execution history for
 * 90 days and offers no way to erase them, so nothing an error says (an SES rejection quotes the recipient) may reach
 * it, not even stack frames (paths such as node_modules/@middy look like addresses to a scan). The original is logged
 * by name and stack frames (`stepFailure`). It lives here, not in ./errors.ts, because it
 * is the one error not named for its class: it carries the name of what it replaces.
 */
export class WorkflowStepError extends Error {
  public static readonly MESSAGE = "step failed; see the function's logs";

  public constructor(name: string) {
    super(WorkflowStepError.MESSAGE);
    this.name = name;
    // The runtime reports the stack as the Cause's `trace`: its name and our words only. The frames are in the log.
    this.stack = `${name}: ${WorkflowStepError.MESSAGE}`;
  }
}
