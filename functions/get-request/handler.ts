import { dynamoDocumentClient } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { DynamoTokenStore } from '../core/adapters/dynamo-token-store';
import { settings } from '../core/config';
import { httpRoute } from '../core/http/middlewares';
import { json } from '../core/http/responses';
import { GetRequest } from './get-request';

const env = settings('table');
const getRequest = new GetRequest(new DynamoRequestRepository(dynamoDocumentClient(), env.table), new DynamoTokenStore(dynamoDocumentClient(), env.table));

/** GET /requests/{id} with `Authorization: Bearer <statusToken>` (or `?token=`). */
export const handler = httpRoute(async (event) => {
  const bearer = /^Bearer\s+(\S+)$/i.exec(event.headers.authorization ?? '')?.[1];
  const view = await getRequest.execute(event.pathParameters?.id ?? '', bearer ?? event.queryStringParameters?.token);
  return json(200, view);
});
