import { z } from 'zod';
import { dynamoDocumentClient, sesClient } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { DynamoTokenStore } from '../core/adapters/dynamo-token-store';
import { SesMailer } from '../core/adapters/ses-mailer';
import { settings } from '../core/config';
import { workflowTask } from '../core/task';
import { Deliver } from './deliver';

const env = settings('table', 'apiUrl', 'sender', 'downloadTtlSeconds');
const deliver = new Deliver({
  requests: new DynamoRequestRepository(dynamoDocumentClient(), env.table),
  tokens: new DynamoTokenStore(dynamoDocumentClient(), env.table),
  mailer: new SesMailer(sesClient(), env.sender),
  apiUrl: env.apiUrl,
  downloadTtlSeconds: env.downloadTtlSeconds,
});

const Input = z.object({ requestId: z.uuid(), documentKey: z.string().min(1), complete: z.boolean() });

/** Task `Deliver` → { status }. */
export const handler = workflowTask(Input, ({ requestId, documentKey, complete }) => deliver.execute(requestId, documentKey, complete));
