import { z } from 'zod';
import { dynamoDocumentClient, s3Client } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { S3DocumentStore } from '../core/adapters/s3-document-store';
import { settings } from '../core/config';
import { SystemOutcome } from '../core/domain/request';
import { loadSystems } from '../core/systems';
import { workflowTask } from '../core/task';
import { AssembleExport } from './assemble-export';

const env = settings('table', 'bucket', 'systemsFile');
const assemble = new AssembleExport(
  new DynamoRequestRepository(dynamoDocumentClient(), env.table),
  new S3DocumentStore(s3Client(), env.bucket),
  loadSystems(env.systemsFile),
);

const Input = z.object({ requestId: z.uuid(), outcomes: z.array(SystemOutcome) });

/** Task `AssembleExport` → { documentKey, complete }. */
export const handler = workflowTask(Input, ({ requestId, outcomes }) => assemble.execute(requestId, outcomes));
