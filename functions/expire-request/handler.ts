import { z } from 'zod';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { ExpireRequest } from './expire-request';

const expire = new ExpireRequest(wiring.requests(), wiring.mailer());

/** Task `ExpireRequest`: the verification step timed out. */
export const handler = workflowTask(z.object({ requestId: z.uuid() }), ({ requestId }) => expire.execute(requestId));
