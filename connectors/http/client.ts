import type { HttpSystemConfig } from '../config';
import { ConnectorConfigError } from '../errors';
import { HttpBodyError, HttpStatusError, isRetryable } from './errors';

/** What the HTTP connector is given besides its system: how to read its key and reach a local fake, and a clock. */
export interface HttpDeps {
  /** the API key (basic: `user:password`) from the named secret */
  secret(name: string): Promise<string>;
  /** the URL of a local fake the twin started, by name */
  localUrl(name: string): string | undefined;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** One answer: its status and its parsed JSON body (undefined when empty). */
export interface HttpAnswer {
  status: number;
  body: unknown;
}

const TIMEOUT_MS = 10_000;

/**
 * The requests of one HTTP system: authenticated, rate-limited (requests are spaced by 1/perSecond), and retried on
 * 429, 5xx and network errors — honouring `Retry-After` (seconds or an HTTP date) up to `maxWaitSeconds`, otherwise
 * backing off exponentially — before the error goes to the connector's edge (./errors). 404 is an answer, not an error:
 * the connector decides what it means (no such member; already deleted).
 */
export class HttpClient {
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private nextAt = 0;
  private key: Promise<string> | undefined;

  public constructor(
    private readonly system: HttpSystemConfig,
    private readonly deps: HttpDeps,
  ) {
    this.fetch = deps.fetch ?? globalThis.fetch;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = deps.now ?? Date.now;
  }

  /** The base URL: configured, or the local fake's. */
  public baseUrl(): string {
    const { baseUrl } = this.system;
    if (typeof baseUrl === 'string') return baseUrl;
    const url = this.deps.localUrl(baseUrl.local);
    if (url === undefined)
      throw new ConnectorConfigError(this.system.id, `the local API '${baseUrl.local}' is not running here`);
    return url;
  }

  public async send(method: string, url: URL, body?: { type: string; text: string }): Promise<HttpAnswer> {
    const { attempts, maxWaitSeconds } = this.system.retries;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.once(method, url, body);
      } catch (error) {
        if (!isRetryable(error) || attempt >= attempts) throw error;
        const asked = error instanceof HttpStatusError ? error.retryAfterSeconds : undefined;
        if (asked !== undefined && asked > maxWaitSeconds) throw error;
        await this.sleep(asked !== undefined ? asked * 1000 : 250 * 2 ** (attempt - 1));
      }
    }
  }

  private async once(method: string, url: URL, body?: { type: string; text: string }): Promise<HttpAnswer> {
    await this.throttle();
    const response = await this.fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(await this.authHeader()),
        ...(body ? { 'content-type': body.type } : {}),
      },
      body: body?.text,
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.status === 404) return { status: 404, body: undefined };
    if (!response.ok)
      throw new HttpStatusError(response.status, retryAfter(response.headers.get('retry-after'), this.now()));
    if (text.trim() === '') return { status: response.status, body: undefined };
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      // JSON.parse quotes the text it could not read: the error keeps the status only
      throw new HttpBodyError(response.status);
    }
  }

  /** Requests spaced by 1/perSecond: the pipeline must not be what trips a vendor's rate limit. */
  private async throttle(): Promise<void> {
    const gap = 1000 / this.system.rateLimit.perSecond;
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + gap;
    if (at > now) await this.sleep(at - now);
  }

  private async authHeader(): Promise<Record<string, string>> {
    this.key ??= this.deps.secret(this.system.auth.secret);
    const key = await this.key;
    const { scheme, header } = this.system.auth;
    if (scheme === 'bearer') return { authorization: `Bearer ${key}` };
    if (scheme === 'basic') return { authorization: `Basic ${Buffer.from(key).toString('base64')}` };
    return { [header ?? 'x-api-key']: key };
  }
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function retryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
