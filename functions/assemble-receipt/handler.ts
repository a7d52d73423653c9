import { z } from 'zod';
import { ChangeResult } from '../core/domain/change-result';
import { NoticeAnswer } from '../core/domain/receipt-format';
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

/**
 * The workflow state as it reaches this step (the rest of the state, e.g. `plan`, is dropped): a deletion brings its
 * three searches, a change its per-system results; both bring the notices.
 */
const Input = z.object({
  requestId: z.uuid(),
  located: z.array(SystemOutcome).optional(),
  // a failed erase or change arrives from the workflow's catch as { systemId, status: 'failed', error }
  erased: z.array(EraseResult).optional(),
  confirmed: z.array(SystemOutcome).optional(),
  changed: z.array(ChangeResult).optional(),
  notices: z.array(NoticeAnswer).optional(),
});

/** Task `AssembleReceipt` → { documentKey, complete }. */
export const handler = workflowTask(Input, ({ requestId, ...input }) => assemble.execute(requestId, input));
