import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a fake API sees it: method, URL, authorization and the body as text. */
export interface FakeRequest {
  method: string;
  url: URL;
  authorization: string;
  body: string;
  contentType: string;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A running fake SaaS API on loopback: its URL and key, and failures to inject (a 429 with Retry-After, a 500). */
export interface FakeApi {
  url: string;
  apiKey: string;
  /** requests seen, in order (method and path only) */
  readonly seen: string[];
  /** the next `count` requests are answered with `status` (and `Retry-After` seconds for a 429) */
  failNext(status: 429 | 500 | 503, count?: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

/**
 * Serves `handle` on 127.0.0.1 (a random port), refusing requests whose Authorization is not `expected(apiKey)` with
 * `unauthorized()` — the vendor's documented 401 shape. Closes itself with the process (unref).
 */
export async function startFakeApi(
  expected: (apiKey: string) => string,
  unauthorized: () => FakeAnswer,
  handle: (request: FakeRequest) => FakeAnswer,
  apiKey = `fake_${randomBytes(12).toString('hex')}`,
): Promise<FakeApi> {
  const seen: string[] = [];
  const failures: { status: number; retryAfter?: number }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // the Host header names the port: absolute links (Zendesk's next_page) point back here
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      seen.push(`${req.method} ${url.pathname}`);
      const failure = failures.shift();
      let answer: FakeAnswer;
      if (failure)
        answer = {
          status: failure.status,
          body: { error: { message: 'try again' } },
          headers: failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {},
        };
      else if (req.headers.authorization !== expected(apiKey)) answer = unauthorized();
      else
        answer = handle({
          method: req.method ?? 'GET',
          url,
          authorization: req.headers.authorization ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
          contentType: req.headers['content-type'] ?? '',
        });
      res.writeHead(answer.status, {
        ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...answer.headers,
      });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    seen,
    failNext(status, count = 1, retryAfterSeconds) {
      for (let i = 0; i < count; i += 1) failures.push({ status, retryAfter: retryAfterSeconds });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A form body's fields, with Stripe's nested names (`metadata[key]`) as dotted paths. */
export function formFields(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) out[name.replace(/\[([^\]]*)\]/g, '.$1')] = value;
  return out;
}
