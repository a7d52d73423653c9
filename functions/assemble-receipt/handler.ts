import { z } from 'zod';
import { EraseResult, SystemOutcome } from '../core/domain/request';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { AssembleReceipt } from './assemble-receipt';

const assemble = new AssembleReceipt(wiring.requests(), wiring.documents(), wiring.systems(), wiring.hashKey);

const Input = z.object({
  requestId: z.uuid(),
  located: z.array(SystemOutcome),
  // a failed erase arrives from the workflow's catch as { systemId, status: 'failed', error }
  erased: z.array(EraseResult),
  confirmed: z.array(SystemOutcome),
});

/** Task `AssembleReceipt` → { documentKey, complete }. */
export const handler = workflowTask(Input, ({ requestId, ...input }) => assemble.execute(requestId, input));
