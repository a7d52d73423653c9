import { settings } from '../core/config';
import { wiring } from '../core/wiring';
import { SubmitRequest } from './submit-request';

/** The status token is a read-only capability for GET /requests/{id}; it outlives the request's answer. */
export const STATUS_TOKEN_TTL_SECONDS = 400 * 86_400;

/**
 * The intake use case as every door builds it (POST /requests, the privacy center's form, and the mail helper's): one
 * set of adapters and limits, so a form post and a JSON post are the same request to the pipeline.
 */
export function intake(): SubmitRequest {
  const env = settings('apiUrl', 'verificationTtlSeconds');
  return new SubmitRequest({
    requests: wiring.requests(),
    tokens: wiring.tokens(),
    mailer: wiring.mailer(),
    limits: wiring.limits(),
    systems: wiring.systems(),
    workflow: wiring.executions(),
    hashKey: wiring.hashKey,
    apiUrl: env.apiUrl,
    verificationTtlSeconds: env.verificationTtlSeconds,
    statusTokenTtlSeconds: STATUS_TOKEN_TTL_SECONDS,
    // built at the first agent's request: the bucket is only needed then
    agentDocuments: { exists: (key) => wiring.agentDocuments().exists(key) },
  });
}

/**
 * The caller's IP, for the per-client cap. Behind CloudFront the API sees CloudFront's address; CloudFront sets the
 * viewer's in CloudFront-Viewer-Address (`ip:port`; the origin request policy forwards CloudFront headers). A caller
 * that skips CloudFront can forge that header, but not the per-address and per-domain caps or the stage throttle.
 */
export function clientIp(event: {
  headers: Record<string, string | undefined>;
  requestContext: { http?: { sourceIp?: string } };
}) {
  const viewer = event.headers['cloudfront-viewer-address'];
  return viewer ? viewer.slice(0, viewer.lastIndexOf(':')) : event.requestContext.http?.sourceIp;
}
