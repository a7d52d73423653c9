import { z } from 'zod';
import { dynamoDocumentClient, sesClient, sfnClient } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { DynamoTokenStore } from '../core/adapters/dynamo-token-store';
import { SesMailer } from '../core/adapters/ses-mailer';
import { SfnWorkflow } from '../core/adapters/sfn-workflow';
import { settings } from '../core/config';
import { workflowTask } from '../core/task';
import { SendVerification } from './send-verification';

const env = settings('table', 'apiUrl', 'sender', 'verificationTtlSeconds');
const sendVerification = new SendVerification({
  requests: new DynamoRequestRepository(dynamoDocumentClient(), env.table),
  tokens: new DynamoTokenStore(dynamoDocumentClient(), env.table),
  mailer: new SesMailer(sesClient(), env.sender),
  workflow: new SfnWorkflow(sfnClient(), ''),
  apiUrl: env.apiUrl,
  ttlSeconds: env.verificationTtlSeconds,
});

const Input = z.object({ requestId: z.uuid(), taskToken: z.string().min(1) });

/** Task `SendVerification` (waitForTaskToken). */
export const handler = workflowTask(Input, async ({ requestId, taskToken }) => {
  await sendVerification.execute(requestId, taskToken);
  return { requestId };
});
