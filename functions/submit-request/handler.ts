import { SubmitRequestBody, IdempotencyKey } from '../core/domain/request';
import { ValidationError } from '../core/domain/errors';
import { dynamoDocumentClient, sfnClient } from '../core/adapters/aws-clients';
import { DynamoRequestRepository } from '../core/adapters/dynamo-request-repository';
import { DynamoTokenStore } from '../core/adapters/dynamo-token-store';
import { SfnWorkflow } from '../core/adapters/sfn-workflow';
import { settings } from '../core/config';
import { httpJsonRoute } from '../core/http/middlewares';
import { json } from '../core/http/responses';
import { logger } from '../core/logger';
import { SubmitRequest } from './submit-request';

const env = settings('table', 'stateMachineArn');
const STATUS_TOKEN_TTL_SECONDS = 400 * 86_400;
const submit = new SubmitRequest({
  requests: new DynamoRequestRepository(dynamoDocumentClient(), env.table),
  tokens: new DynamoTokenStore(dynamoDocumentClient(), env.table),
  workflow: new SfnWorkflow(sfnClient(), env.stateMachineArn),
  statusTokenTtlSeconds: STATUS_TOKEN_TTL_SECONDS,
});

/** POST /requests → 202 {requestId, status, statusToken}. Optional header Idempotency-Key. */
export const handler = httpJsonRoute(SubmitRequestBody, async (event) => {
  const rawKey = event.headers['idempotency-key'];
  const key = rawKey === undefined ? undefined : IdempotencyKey.safeParse(rawKey);
  if (key && !key.success) throw new ValidationError('The Idempotency-Key header is invalid', [{ path: 'Idempotency-Key', message: key.error.issues[0]?.message }]);
  const result = await submit.execute(event.body, key?.data);
  logger.info('request accepted', { requestId: result.requestId, type: event.body.type, regulation: event.body.regulation });
  return json(202, result);
});
