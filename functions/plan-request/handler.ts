import { z } from 'zod';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { PlanRequest } from './plan-request';

const plan = new PlanRequest(wiring.requests(), wiring.systems());

/** Task `PlanRequest`: → { type, systems: [{ systemId }] }. */
export const handler = workflowTask(z.object({ requestId: z.uuid() }), ({ requestId }) => plan.execute(requestId));
