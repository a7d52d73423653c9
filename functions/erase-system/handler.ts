import { z } from 'zod';
import { dynamoDocumentClient } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { DynamoSuppressionList } from '../core/adapters/dynamo-suppression-list';
import { settings } from '../core/config';
import { connectorFactory } from '../core/connectors';
import { loadHashKey } from '../core/hash-key';
import { loadSystems } from '../core/systems';
import { workflowTask } from '../core/task';
import { EraseSystem } from './erase-system';

const env = settings('table', 'systemsFile');
const erase = new EraseSystem(
  new DynamoRequestRepository(dynamoDocumentClient(), env.table),
  new DynamoSuppressionList(dynamoDocumentClient(), env.table),
  connectorFactory(loadSystems(env.systemsFile)),
  loadHashKey,
);

const Input = z.object({ requestId: z.uuid(), systemId: z.string().min(1) });

/** Task `EraseSystem` (one Map item per system) → EraseResult. */
export const handler = workflowTask(Input, ({ requestId, systemId }) => erase.execute(requestId, systemId));
