import { z } from 'zod';
import { dynamoDocumentClient, s3Client } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { S3DocumentStore } from '../core/adapters/s3-document-store';
import { settings } from '../core/config';
import { EraseResult, SystemOutcome } from '../core/domain/request';
import { loadHashKey } from '../core/hash-key';
import { loadSystems } from '../core/systems';
import { workflowTask } from '../core/task';
import { AssembleReceipt } from './assemble-receipt';

const env = settings('table', 'bucket', 'systemsFile');
const assemble = new AssembleReceipt(
  new DynamoRequestRepository(dynamoDocumentClient(), env.table),
  new S3DocumentStore(s3Client(), env.bucket),
  loadSystems(env.systemsFile),
  loadHashKey,
);

const Input = z.object({
  requestId: z.uuid(),
  located: z.array(SystemOutcome),
  // a failed erase arrives from the workflow's catch as { systemId, status: 'failed', error }
  erased: z.array(EraseResult),
  confirmed: z.array(SystemOutcome),
});

/** Task `AssembleReceipt` → { documentKey, complete }. */
export const handler = workflowTask(Input, ({ requestId, ...input }) => assemble.execute(requestId, input));
