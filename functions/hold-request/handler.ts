import { z } from 'zod';
import { workflowTask } from '../core/task';
import { noticeWiring, wiring } from '../core/wiring';
import { HoldRequest } from './hold-request';

const hold = new HoldRequest(wiring.requests(), wiring.mailer(), noticeWiring.taskCallbacks(), wiring.profile);

/** Task `AwaitOperator` (.waitForTaskToken): keep the token on the request; the operator's decision answers it. */
export const handler = workflowTask(z.object({ requestId: z.uuid(), taskToken: z.string().min(1) }), (input) =>
  hold.execute(input.requestId, input.taskToken),
);
