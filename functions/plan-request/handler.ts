import { z } from 'zod';
import { dynamoDocumentClient } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { settings } from '../core/config';
import { loadSystems } from '../core/systems';
import { workflowTask } from '../core/task';
import { PlanRequest } from './plan-request';

const env = settings('table', 'systemsFile');
const plan = new PlanRequest(new DynamoRequestRepository(dynamoDocumentClient(), env.table), loadSystems(env.systemsFile));

/** Task `PlanRequest`: → { type, systems: [{ systemId }] }. */
export const handler = workflowTask(z.object({ requestId: z.uuid() }), ({ requestId }) => plan.execute(requestId));
