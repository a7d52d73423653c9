import { dynamoDocumentClient, sfnClient } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { DynamoTokenStore } from '../core/adapters/dynamo-token-store';
import { SfnWorkflow } from '../core/adapters/sfn-workflow';
import { InvalidTokenError } from '../core/domain/errors';
import { settings } from '../core/config';
import { httpRoute } from '../core/http/middlewares';
import { page } from '../core/http/pages';
import { VerifyIdentity } from './verify-identity';

const { table } = settings('table');
const verify = new VerifyIdentity(
  new DynamoRequestRepository(dynamoDocumentClient(), table),
  new DynamoTokenStore(dynamoDocumentClient(), table),
  // The state machine ARN is inside the task token; the workflow adapter needs none to complete a task.
  new SfnWorkflow(sfnClient(), ''),
);

/** GET /verify?token=… — the link in the verification mail. Answers with a page, for a person's browser. */
export const handler = httpRoute(async (event) => {
  try {
    await verify.execute(event.queryStringParameters?.token);
    return page(200, 'Thank you — your request is confirmed', 'We are now collecting your data. You will get an email with a download link when it is ready.');
  } catch (error) {
    if (error instanceof InvalidTokenError) return page(410, 'This link cannot be used', error.message + '. If you still want to make a request, please submit it again.');
    throw error;
  }
});
