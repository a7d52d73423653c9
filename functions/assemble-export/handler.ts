import { z } from 'zod';
import { SystemOutcome } from '../core/domain/request';
import { workflowTask } from '../core/task';
import { noticeWiring, wiring } from '../core/wiring';
import { NoticeAnswer } from '../core/domain/receipt-format';
import { AssembleExport } from './assemble-export';

const assemble = new AssembleExport(
  wiring.requests(),
  wiring.documents(),
  wiring.systems(),
  undefined,
  noticeWiring.notices(),
  wiring.profile,
);

const Input = z.object({
  requestId: z.uuid(),
  outcomes: z.array(SystemOutcome),
  /** absent for the statements (no system searched, nobody asked) */
  notices: z.array(NoticeAnswer).optional(),
});

/** Task `AssembleExport` → { documentKey, complete }. */
export const handler = workflowTask(Input, ({ requestId, outcomes, notices }) =>
  assemble.execute(requestId, outcomes, notices),
);
