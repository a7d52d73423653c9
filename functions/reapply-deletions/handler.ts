import { z } from 'zod';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { ReapplyDeletions } from './reapply-deletions';

const reapply = new ReapplyDeletions({
  suppression: wiring.suppression(),
  systems: wiring.systems(),
  connectorFor: wiring.connectors(),
  hashKey: wiring.hashKey,
});

/** It needs nothing: the suppression list and the systems configuration say everything (and no identity may be passed in). */
const Input = z.object({});

/** Re-apply every erasure after a restore from backup → ReapplyReport (counts per system, no identities). */
export const handler = workflowTask(Input, () => reapply.execute());
