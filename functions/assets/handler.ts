import { createHash } from 'node:crypto';
import { NotFoundError } from '../core/domain/errors';
import { httpRoute } from '../core/http/middlewares';
import { ASSETS } from './files';

/** Each file's ETag, computed once per cold start. */
const ETAGS = new Map(
  Object.entries(ASSETS).map(([name, asset]) => [
    name,
    `"${createHash('sha256').update(asset.body).digest('base64url').slice(0, 27)}"`,
  ]),
);

/**
 * GET /assets/{name}: the pages' stylesheet and scripts. Public and the same for everyone, so they may be cached
 * (an hour, revalidated by ETag: a deploy changes them without renamed files).
 */
export const handler = httpRoute(async (event) => {
  const name = event.pathParameters?.name ?? '';
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  const etag = ETAGS.get(name);
  if (!asset || !etag) throw new NotFoundError('There is no such file');
  const headers = {
    'content-type': asset.contentType,
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
    etag,
  };
  if (event.headers['if-none-match'] === etag) return { statusCode: 304, headers, body: '' };
  return { statusCode: 200, headers, body: asset.body };
});
