import { z } from 'zod';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { LocateSystem } from './locate-system';

const locate = new LocateSystem(
  wiring.requests(),
  wiring.documents(),
  wiring.connectors(),
  wiring.systems(),
  wiring.leases(),
);

const Input = z.object({ requestId: z.uuid(), systemId: z.string().min(1), phase: z.enum(['locate', 'confirm']) });

/** Tasks `LocateSystem` and `ConfirmSystem` (one Map item each) → SystemOutcome. */
export const handler = workflowTask(Input, ({ requestId, systemId, phase }) =>
  locate.execute(requestId, systemId, phase),
);
