import { z } from 'zod';
import { EraseResult, SystemOutcome } from '../core/domain/request';
import { workflowTask } from '../core/task';
import { noticeWiring, wiring } from '../core/wiring';
import { AssembleReceipt } from './assemble-receipt';

const assemble = new AssembleReceipt(
  wiring.requests(),
  wiring.documents(),
  wiring.systems(),
  wiring.hashKey,
  undefined,
  noticeWiring.notices(),
);

const Input = z.object({
  requestId: z.uuid(),
  located: z.array(SystemOutcome),
  // a failed erase arrives from the workflow's catch as { systemId, status: 'failed', error }
  erased: z.array(EraseResult),
  confirmed: z.array(SystemOutcome),
  // the notices step's answers: recipient ids and fixed words only
  notices: z
    .array(
      z.object({
        recipientId: z.string(),
        answer: z.enum(['done', 'not_held', 'exception', 'timed_out', 'not_sent', 'failed']),
      }),
    )
    .optional(),
});

/** Task `AssembleReceipt` → { documentKey, complete }. */
export const handler = workflowTask(Input, ({ requestId, ...input }) => assemble.execute(requestId, input));
