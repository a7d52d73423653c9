import { z } from 'zod';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { MarkAttention } from './mark-attention';

const mark = new MarkAttention(wiring.requests());

const Input = z.object({
  requestId: z.uuid(),
  step: z.enum(['PlanRequest', 'AssembleExport', 'AssembleReceipt', 'Deliver']),
  // Lenient on purpose: whatever name Step Functions recorded, the request is still marked (the use case keeps
  // identifier-shaped names only).
  error: z.string().max(200),
});

/** Task `MarkAttention` → { marked }. */
export const handler = workflowTask(Input, (input) => mark.execute(input));
