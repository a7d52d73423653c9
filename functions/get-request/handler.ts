import { httpRoute } from '../core/http/middlewares';
import { json } from '../core/http/responses';
import { wiring } from '../core/wiring';
import { GetRequest } from './get-request';

const getRequest = new GetRequest(wiring.requests(), wiring.tokens());

/**
 * GET /requests/{id} with `Authorization: Bearer <statusToken>`. Only the header: a token in a URL ends up in browser
 * history, proxy logs and Referer headers.
 */
export const handler = httpRoute(async (event) => {
  const bearer = /^Bearer\s+(\S+)$/i.exec(event.headers.authorization ?? '')?.[1];
  const view = await getRequest.execute(event.pathParameters?.id ?? '', bearer);
  return json(200, view);
});
