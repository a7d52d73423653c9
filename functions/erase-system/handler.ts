import { z } from 'zod';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { EraseSystem } from './erase-system';

const erase = new EraseSystem(
  wiring.requests(),
  wiring.suppression(),
  wiring.connectors(),
  wiring.hashKey,
  wiring.systems(),
  wiring.leases(),
);

const Input = z.object({ requestId: z.uuid(), systemId: z.string().min(1) });

/** Task `EraseSystem` (one Map item per system) → EraseResult. */
export const handler = workflowTask(Input, ({ requestId, systemId }) => erase.execute(requestId, systemId));
