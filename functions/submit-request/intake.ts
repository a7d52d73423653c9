import { settings } from '../core/config';
import { wiring } from '../core/wiring';
import { SubmitRequest } from './submit-request';

/** The status token is a read-only capability for GET /requests/{id}; it outlives the request's answer. */
const STATUS_TOKEN_TTL_SECONDS = 400 * 86_400;

/**
 * The intake use case over the deployment's adapters: one construction for every way a request comes in (POST
 * /requests, and mail: functions/receive-mail), so they cannot drift apart in caps, links or lifetimes.
 */
export function intakeUseCase(): SubmitRequest {
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
