import { z } from 'zod';
import { settings } from '../core/config';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { Deliver } from './deliver';

const env = settings('apiUrl', 'downloadTtlSeconds');
const deliver = new Deliver({
  requests: wiring.requests(),
  tokens: wiring.tokens(),
  mailer: wiring.mailer(),
  apiUrl: env.apiUrl,
  downloadTtlSeconds: env.downloadTtlSeconds,
});

const Input = z.object({ requestId: z.uuid(), documentKey: z.string().min(1), complete: z.boolean() });

/** Task `Deliver` → { status }. */
export const handler = workflowTask(Input, ({ requestId, documentKey, complete }) =>
  deliver.execute(requestId, documentKey, complete),
);
