import { z } from 'zod';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { ChangeSystem } from './change-system';

const change = new ChangeSystem(wiring.requests(), wiring.connectors(), wiring.systems(), wiring.leases());

const Input = z.object({ requestId: z.uuid(), systemId: z.string().min(1) });

/** Task `ChangeSystem` (one Map item per system) → ChangeResult. */
export const handler = workflowTask(Input, ({ requestId, systemId }) => change.execute(requestId, systemId));
