import { z } from 'zod';
import { SystemOutcome } from '../core/domain/request';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { AssembleExport } from './assemble-export';

const assemble = new AssembleExport(wiring.requests(), wiring.documents(), wiring.systems());

const Input = z.object({ requestId: z.uuid(), outcomes: z.array(SystemOutcome) });

/** Task `AssembleExport` → { documentKey, complete }. */
export const handler = workflowTask(Input, ({ requestId, outcomes }) => assemble.execute(requestId, outcomes));
