import { z } from 'zod';
import { dynamoDocumentClient, s3Client } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { S3DocumentStore } from '../core/adapters/s3-document-store';
import { settings } from '../core/config';
import { connectorFactory } from '../core/connectors';
import { loadSystems } from '../core/systems';
import { workflowTask } from '../core/task';
import { LocateSystem } from './locate-system';

const env = settings('table', 'bucket', 'systemsFile');
const locate = new LocateSystem(
  new DynamoRequestRepository(dynamoDocumentClient(), env.table),
  new S3DocumentStore(s3Client(), env.bucket),
  connectorFactory(loadSystems(env.systemsFile)),
);

const Input = z.object({ requestId: z.uuid(), systemId: z.string().min(1), phase: z.enum(['locate', 'confirm']) });

/** Tasks `LocateSystem` and `ConfirmSystem` (one Map item each) → SystemOutcome. */
export const handler = workflowTask(Input, ({ requestId, systemId, phase }) => locate.execute(requestId, systemId, phase));
