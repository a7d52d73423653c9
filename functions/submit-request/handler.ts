import { ValidationError } from '../core/domain/errors';
import { IdempotencyKey, SubmitRequestBody } from '../core/domain/request';
import { httpJsonRoute } from '../core/http/middlewares';
import { json } from '../core/http/responses';
import { logger } from '../core/logger';
import { intakeUseCase } from './intake';

const submit = intakeUseCase();

/**
 * The caller's IP, for the per-client cap. Behind CloudFront the API sees CloudFront's address; CloudFront sets the
 * viewer's in CloudFront-Viewer-Address (`ip:port`; the origin request policy forwards CloudFront headers). A caller
 * that skips CloudFront can forge that header, but not the per-address and per-domain caps or the stage throttle.
 */
function clientIp(event: {
  headers: Record<string, string | undefined>;
  requestContext: { http?: { sourceIp?: string } };
}) {
  const viewer = event.headers['cloudfront-viewer-address'];
  return viewer ? viewer.slice(0, viewer.lastIndexOf(':')) : event.requestContext.http?.sourceIp;
}

/**
 * POST /requests → 202 {requestId, status, statusToken[, gpc]}. Optional headers: Idempotency-Key; Sec-GPC: 1 (Global
 * Privacy Control — also honoured as an opt-out of sale/sharing, 11 CCR §7025). 429 past the intake's caps.
 */
export const handler = httpJsonRoute(
  SubmitRequestBody,
  async (event) => {
    const rawKey = event.headers['idempotency-key'];
    const key = rawKey === undefined ? undefined : IdempotencyKey.safeParse(rawKey);
    if (key && !key.success) {
      const message = key.error.issues[0]?.message ?? 'invalid';
      throw new ValidationError('The Idempotency-Key header is invalid', [{ path: 'Idempotency-Key', message }]);
    }
    const result = await submit.execute(event.body, {
      idempotencyKey: key?.data,
      clientIp: clientIp(event),
      // the GPC specification's only valid value is "1"; anything else is no signal
      gpc: event.headers['sec-gpc']?.trim() === '1',
    });
    logger.info('request accepted', {
      requestId: result.requestId,
      type: event.body.type,
      regulation: event.body.regulation,
      gpcHonoured: result.gpc !== undefined,
    });
    return json(202, result);
  },
  'intake',
);
