import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HttpWebhookSender,
  SIGNATURE_HEADER,
  signNotice,
  TIMESTAMP_HEADER,
  WEBHOOK_SECRETS_ENV,
  webhookSecret,
} from '../../../functions/core/adapters/webhook-sender';
import { WebhookDeliveryError, WebhookSecretUnavailableError } from '../../../functions/core/errors';

interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A loopback server answering with the statuses given, in turn (then 204); closes itself after the test. */
let server: Server | undefined;
async function receiver(answers: { status: number; headers?: Record<string, string> }[]) {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body, at: Date.now() });
      const answer = answers.shift() ?? { status: 204 };
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/dsar`, seen };
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

const KEY = 'whsec_test_key';
const secrets = async () => KEY;

describe('Function: signNotice', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA-256 (known vector, computed with openssl dgst -sha256 -hmac)', () => {
    // Act
    const signature = signNotice(KEY, 1_700_000_000, '{"type":"dsar.notice"}');

    // Assess
    expect(signature).toBe('v1=14ff94869d9ff0a480ec11a7e34cc67c710fecb99faffa1bb539922ff6fb326e');
  });
});

describe('Class: HttpWebhookSender', () => {
  describe('Method: send', () => {
    it('posts the JSON body with a timestamp and a signature the receiver can check', async () => {
      // Prepare
      const { url, seen } = await receiver([{ status: 202 }]);
      const sender = new HttpWebhookSender({ secrets, now: () => new Date(1_700_000_000_000) });

      // Act
      await sender.send({ url, secret: 'ads-hmac', body: { type: 'dsar.notice', reference: 'r-1' } });

      // Assess
      expect(seen).toHaveLength(1);
      const [request] = seen;
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers[TIMESTAMP_HEADER]).toBe('1700000000');
      const expected = createHmac('sha256', KEY).update(`1700000000.${request?.body}`).digest('hex');
      expect(request?.headers[SIGNATURE_HEADER]).toBe(`v1=${expected}`);
      expect(JSON.parse(request?.body ?? '')).toEqual({ type: 'dsar.notice', reference: 'r-1' });
    });

    it('retries a 503 and a 429, honouring Retry-After, and succeeds', async () => {
      // Prepare
      const { url, seen } = await receiver([
        { status: 503 },
        { status: 429, headers: { 'retry-after': '1' } },
        { status: 200 },
      ]);
      const sender = new HttpWebhookSender({ secrets, backoffMs: 10 });

      // Act
      await sender.send({ url, secret: 's', body: {} });

      // Assess
      expect(seen).toHaveLength(3);
      expect((seen[2]?.at ?? 0) - (seen[1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    });

    it('does not retry a 400, and fails by name with the status only', async () => {
      // Prepare
      const { url, seen } = await receiver([{ status: 400 }]);
      const sender = new HttpWebhookSender({ secrets, backoffMs: 10 });

      // Act
      const sent = sender.send({ url, secret: 's', body: {} });

      // Assess
      await expect(sent).rejects.toThrow(WebhookDeliveryError);
      await expect(sent).rejects.toThrow('status 400');
      expect(seen).toHaveLength(1);
    });

    it('gives up after its attempts on a receiver that keeps failing, or asks to wait too long', async () => {
      // Prepare
      const failing = await receiver([{ status: 500 }, { status: 502 }, { status: 500 }, { status: 500 }]);
      const sender = new HttpWebhookSender({ secrets, backoffMs: 5, attempts: 3, maxRetryAfterMs: 1000 });

      // Act
      const sent = sender.send({ url: failing.url, secret: 's', body: {} });

      // Assess
      await expect(sent).rejects.toThrow(WebhookDeliveryError);
      expect(failing.seen).toHaveLength(3);
    });
  });
});

describe('Function: webhookSecret', () => {
  it("reads the twin's keys by name, and refuses a name it does not have", async () => {
    // Prepare
    const before = process.env[WEBHOOK_SECRETS_ENV];
    process.env[WEBHOOK_SECRETS_ENV] = JSON.stringify({ 'ads-hmac': KEY });
    try {
      // Act & Assess
      await expect(webhookSecret('ads-hmac')).resolves.toBe(KEY);
      await expect(webhookSecret('other')).rejects.toBeInstanceOf(WebhookSecretUnavailableError);
    } finally {
      if (before === undefined) delete process.env[WEBHOOK_SECRETS_ENV];
      else process.env[WEBHOOK_SECRETS_ENV] = before;
    }
  });
});
