import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { InvalidTaskInputError } from './errors';
import { logger } from './logger';

/**
 * A workflow task's handler: its input (ids, counts, S3 keys — never personal data) is validated at the edge,
 * and the request id goes into every log line.
 */
export function workflowTask<S extends z.ZodType, R>(
  schema: S,
  fn: (input: z.infer<S>, context: Context) => Promise<R>,
) {
  return middy<unknown, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const parsed = schema.safeParse(event);
      if (!parsed.success) throw new InvalidTaskInputError(parsed.error.issues.map((i) => i.path.join('.')));
      const requestId = (parsed.data as { requestId?: unknown }).requestId;
      if (typeof requestId === 'string') logger.appendKeys({ requestId });
      return fn(parsed.data, context);
    });
}
