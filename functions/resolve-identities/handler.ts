import { z } from 'zod';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { ResolveIdentities } from './resolve-identities';

const resolve = new ResolveIdentities(wiring.requests(), wiring.connectors(), wiring.systems(), wiring.leases());

/** Task `ResolveIdentities` → { kinds, ambiguous, searched } (kinds and counts only). */
export const handler = workflowTask(z.object({ requestId: z.uuid() }), ({ requestId }) => resolve.execute(requestId));
