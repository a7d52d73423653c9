import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { WebhookDeliveryError, WebhookSecretUnavailableError } from '../errors';
import type { WebhookNotice, WebhookSender } from '../ports';

/**
 * The twin's webhook keys: a JSON object `{ "<secret name>": "<key>" }` in this variable (the twin sets it from
 * `<dataDir>/webhook-secrets.json` and TwinOptions.webhookSecrets). Never set in the cloud, where the name is a Secrets
 * Manager secret read through Powertools.
 */
export const WEBHOOK_SECRETS_ENV = 'DSAR_WEBHOOK_SECRETS';

/** The signature headers a vendor checks (README, "Recipient notices"). */
export const SIGNATURE_HEADER = 'x-dsar-signature';
export const TIMESTAMP_HEADER = 'x-dsar-timestamp';

/**
 * The signature of a notice: `v1=` and the hex HMAC-SHA-256, under the shared key, of `<timestamp>.<body>` (the Unix
 * time in seconds as sent in x-dsar-timestamp, a dot, the raw body bytes). Signing the timestamp with the body lets a
 * receiver refuse replays older than a few minutes (Stripe's and Slack's scheme; a vendor may already check one).
 */
export function signNotice(key: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', key).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** Where the key named by a recipient's `webhook.secret` comes from: the twin's map, else Secrets Manager. */
export async function webhookSecret(name: string): Promise<string> {
  const local = process.env[WEBHOOK_SECRETS_ENV];
  if (local !== undefined) {
    let map: unknown;
    try {
      map = JSON.parse(local);
    } catch (cause) {
      throw new WebhookSecretUnavailableError(name, { cause });
    }
    const key = (map as Record<string, unknown> | null)?.[name];
    if (typeof key !== 'string' || key.length === 0) throw new WebhookSecretUnavailableError(name);
    return key;
  }
  try {
    const key = await getSecret(name, { maxAge: 300 });
    if (typeof key !== 'string' || key.length === 0) throw new WebhookSecretUnavailableError(name);
    return key;
  } catch (cause) {
    if (cause instanceof WebhookSecretUnavailableError) throw cause;
    throw new WebhookSecretUnavailableError(name, { cause });
  }
}

export interface WebhookOptions {
  /** per attempt (default 10 s) */
  timeoutMs?: number;
  /** attempts in all (default 3) */
  attempts?: number;
  /** wait between attempts when the answer names none (default 1 s, doubling) */
  backoffMs?: number;
  /** the longest Retry-After honoured within one invocation (default 30 s); a longer one fails the attempt */
  maxRetryAfterMs?: number;
  now?: () => Date;
  secrets?: (name: string) => Promise<string>;
}

/**
 * POSTs a notice as JSON, signed (signNotice). 2xx: delivered. 5xx and 429: retried, honouring Retry-After (seconds or
 * an HTTP date) up to `maxRetryAfterMs`; any other status, a timeout on the last attempt, or a refused connection fails
 * with WebhookDeliveryError, which the workflow retries with its own backoff and then records as `failed`.
 * Redirects are not followed: a signed notice goes to the configured URL or nowhere.
 */
export class HttpWebhookSender implements WebhookSender {
  public constructor(private readonly options: WebhookOptions = {}) {}

  public async send(notice: WebhookNotice): Promise<void> {
    const attempts = this.options.attempts ?? 3;
    const key = await (this.options.secrets ?? webhookSecret)(notice.secret);
    const body = JSON.stringify(notice.body);
    let lastProblem = 'no attempt';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const timestamp = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
      let response: Response;
      try {
        response = await fetch(notice.url, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/json',
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signNotice(key, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        await response.body?.cancel();
      } catch (cause) {
        lastProblem = cause instanceof Error ? cause.name : 'network error';
        if (attempt === attempts) throw new WebhookDeliveryError(`webhook unreachable (${lastProblem})`, { cause });
        await sleep(this.backoff(attempt));
        continue;
      }
      if (response.status >= 200 && response.status < 300) return;
      const retryable = response.status >= 500 || response.status === 429;
      lastProblem = `status ${response.status}`;
      if (!retryable || attempt === attempts) break;
      const wait = retryAfterMs(response.headers.get('retry-after'), this.options.now?.() ?? new Date());
      if (wait !== undefined && wait > (this.options.maxRetryAfterMs ?? 30_000))
        throw new WebhookDeliveryError(`webhook asked to retry later than this invocation can wait (${lastProblem})`);
      await sleep(wait ?? this.backoff(attempt));
    }
    throw new WebhookDeliveryError(`webhook refused the notice (${lastProblem})`);
  }

  private backoff(attempt: number): number {
    return (this.options.backoffMs ?? 1000) * 2 ** (attempt - 1);
  }
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
