import { z } from 'zod';
import { dynamoDocumentClient } from '../core/adapters/aws-clients';
import { DynamoSuppressionList } from '../core/adapters/dynamo-suppression-list';
import { settings } from '../core/config';
import { connectorFactory } from '../core/connectors';
import { loadHashKey } from '../core/hash-key';
import { loadSystems } from '../core/systems';
import { workflowTask } from '../core/task';
import { ReapplyDeletions } from './reapply-deletions';

const env = settings('table', 'systemsFile');
const systems = loadSystems(env.systemsFile);
const reapply = new ReapplyDeletions({
  suppression: new DynamoSuppressionList(dynamoDocumentClient(), env.table),
  systems,
  connectorFor: connectorFactory(systems),
  hashKey: loadHashKey,
});

/** It needs nothing: the suppression list and the systems configuration say everything (and no identity may be passed in). */
const Input = z.object({});

/** Re-apply every erasure after a restore from backup → ReapplyReport (counts per system, no identities). */
export const handler = workflowTask(Input, () => reapply.execute());
