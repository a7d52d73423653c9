import { z } from 'zod';
import { dynamoDocumentClient, sesClient } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { SesMailer } from '../core/adapters/ses-mailer';
import { settings } from '../core/config';
import { workflowTask } from '../core/task';
import { ExpireRequest } from './expire-request';

const env = settings('table', 'sender');
const expire = new ExpireRequest(new DynamoRequestRepository(dynamoDocumentClient(), env.table), new SesMailer(sesClient(), env.sender));

/** Task `ExpireRequest`: the verification step timed out. */
export const handler = workflowTask(z.object({ requestId: z.uuid() }), ({ requestId }) => expire.execute(requestId));
