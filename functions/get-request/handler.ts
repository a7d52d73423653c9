import { httpRoute } from '../core/http/middlewares';
import { json } from '../core/http/responses';
import { wiring } from '../core/wiring';
import { GetRequest } from './get-request';

const getRequest = new GetRequest(wiring.requests(), wiring.tokens());

/** GET /requests/{id} with `Authorization: Bearer <statusToken>` (or `?token=`). */
export const handler = httpRoute(async (event) => {
  const bearer = /^Bearer\s+(\S+)$/i.exec(event.headers.authorization ?? '')?.[1];
  const view = await getRequest.execute(event.pathParameters?.id ?? '', bearer ?? event.queryStringParameters?.token);
  return json(200, view);
});
