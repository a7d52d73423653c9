import { httpRoute } from '../core/http/middlewares';
import { buildOpenApiDocument } from './document';
import { json } from '../core/http/responses';

/**
 * Built once, at cold start: the document is a function of the code (the route docs and their zod schemas), so it
 * only changes with a deployment.
 */
const document = buildOpenApiDocument();

/** The document holds no personal data and no token: shared caches may keep it for a few minutes. */
const CACHE_CONTROL = 'public, max-age=300';

/** GET /openapi.json — the OpenAPI 3.1 document of this API (functions/openapi/document.ts). */
export const handler = httpRoute(async () => {
  const response = json(200, document);
  return { ...response, headers: { ...response.headers, 'cache-control': CACHE_CONTROL } };
});
