import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { FUNCTION_ENV } from './env';
import { HashKeyUnavailableError } from './errors';

/**
 * The deployment's secret key for keyed hashes of identities (anonymised fields, the suppression list).
 * Locally it is given directly (`DSAR_HASH_KEY`); in the cloud it is read from Secrets Manager
 * (`DSAR_HASH_KEY_SECRET_ARN`) through Powertools, which caches it across invocations.
 */
export async function loadHashKey(): Promise<string> {
  const direct = process.env[FUNCTION_ENV.HASH_KEY];
  if (direct) return direct;
  const arn = process.env[FUNCTION_ENV.HASH_KEY_SECRET_ARN];
  if (!arn) throw new HashKeyUnavailableError('neither DSAR_HASH_KEY nor DSAR_HASH_KEY_SECRET_ARN is set');
  let secret: unknown;
  try {
    secret = await getSecret(arn, { maxAge: 300 });
  } catch (cause) {
    throw new HashKeyUnavailableError('the hash key secret cannot be read', { cause });
  }
  if (typeof secret !== 'string' || secret.length < 32)
    throw new HashKeyUnavailableError('the hash key secret is missing or too short');
  return secret;
}
