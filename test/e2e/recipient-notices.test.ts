import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeletionReceipt } from '../../functions/core/domain/receipt-format';
import { linkIn } from '../../infra/local/client';
import { REPO_ROOT } from '../../infra/local/twin';
import { runRequest, startTestTwin, type TestTwin } from './support';

const SUBJECT = { email: 'margaret.turing@example.com', name: 'Margaret Turing' };
const WEBHOOK_KEY = 'whsec_e2e_0123456789abcdef';
const REASON = 'Invoices must be kept ten years (HGB §257)';

/**
 * The vendor's side of a webhook, on loopback: checks the signature as the README tells a vendor to, then answers the
 * notice through its answer URL with an exception and a reason (as a vendor's system would, in JSON).
 */
interface Vendor {
  url: string;
  server: Server;
  received: { valid: boolean; body: Record<string, unknown> }[];
  answers: Promise<{ status: number; json: unknown }>[];
}

async function startVendor(): Promise<Vendor> {
  const vendor: Omit<Vendor, 'url'> = { server: undefined as unknown as Server, received: [], answers: [] };
  vendor.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-dsar-timestamp'] ?? '');
      const expected = `v1=${createHmac('sha256', WEBHOOK_KEY).update(`${timestamp}.${raw}`).digest('hex')}`;
      const given = String(req.headers['x-dsar-signature'] ?? '');
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
      const valid =
        fresh && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      const body = JSON.parse(raw) as Record<string, unknown>;
      vendor.received.push({ valid, body });
      res.writeHead(valid ? 202 : 401).end();
      if (!valid) return;
      const answerUrl = new URL(String(body.answerUrl));
      vendor.answers.push(
        fetch(`${answerUrl.origin}/notices`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: answerUrl.searchParams.get('token'), answer: 'exception', reason: REASON }),
        }).then(async (r) => ({ status: r.status, json: await r.json() })),
      );
    });
  });
  await new Promise<void>((resolve) => vendor.server.listen(0, '127.0.0.1', resolve));
  const { port } = vendor.server.address() as AddressInfo;
  return { ...vendor, url: `http://127.0.0.1:${port}/dsar` };
}

describe('End to end: recipient notices after a deletion', () => {
  let t: TestTwin;
  let vendor: Vendor;
  let configDir: string | undefined;

  beforeAll(async () => {
    vendor = await startVendor();
    // Our own systems file: the demo systems, and three recipients of the data map.
    const systems = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/config/systems.json'), 'utf8'));
    systems.recipients = [
      {
        id: 'mailhouse',
        name: 'Mailhouse GmbH',
        role: 'processor',
        category: 'email service providers',
        notify: { email: 'privacy@mailhouse.example' },
        answerWithin: 'PT2M',
      },
      {
        id: 'adnet',
        name: 'AdNet Inc.',
        role: 'third_party',
        category: 'advertising networks',
        notify: { webhook: { url: vendor.url, secret: 'adnet-hmac' } },
        answerWithin: 'PT2M',
      },
      {
        id: 'slowpoke',
        name: 'Slowpoke Archive Ltd',
        role: 'processor',
        category: 'archiving services',
        notify: { email: 'dpo@slowpoke.example' },
        answerWithin: 'PT3S',
      },
    ];
    configDir = mkdtempSync(join(tmpdir(), 'dsar-notices-'));
    const systemsFile = join(configDir, 'systems.json');
    writeFileSync(systemsFile, JSON.stringify(systems));
    t = await startTestTwin({ systemsFile, webhookSecrets: { 'adnet-hmac': WEBHOOK_KEY } });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await new Promise((resolve) => vendor?.server.close(resolve));
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it('tells each recipient, records their answers and the timeout, and shows them on the receipt', async () => {
    // Act: the deletion runs; meanwhile the email recipient answers `done` through the link in its mail
    const run = runRequest(
      t.client,
      { type: 'deletion', regulation: 'gdpr', subject: SUBJECT },
      { answerNotices: false },
    );
    const notice = await t.client.waitForMail('privacy@mailhouse.example', '', /please act and answer/);
    const link = /https?:\/\/\S+\/notices\?token=[\w-]+/.exec(notice.text)?.[0] ?? '';
    const page = await t.client.open(link);
    const html = await page.text();
    const token = /name="token" value="([^"]*)"/.exec(html)?.[1] ?? '';
    const answered = await fetch(new URL('/notices', link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, answer: 'done', reason: '' }).toString(),
    });
    const again = await fetch(new URL('/notices', link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, answer: 'not_held' }).toString(),
    });
    const { delivery, final, requestId } = await run;
    const receipt = DeletionReceipt.parse(JSON.parse((await t.client.download(linkIn(delivery, '/download'))).body));
    const vendorAnswer = await vendor.answers[0];

    // Assess: the mail and the page
    expect(notice.text).toContain(requestId);
    expect(notice.text).toContain(SUBJECT.email);
    expect(notice.text).not.toContain(SUBJECT.name);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(html).toContain('Mailhouse GmbH');
    expect(answered.status).toBe(200);
    expect(again.status).toBe(410);
    // the webhook: signed, carrying the same answer URL, answered by the vendor
    expect(vendor.received).toHaveLength(1);
    expect(vendor.received[0]?.valid).toBe(true);
    expect(vendor.received[0]?.body).toMatchObject({ right: 'deletion', reference: requestId, recipient: 'adnet' });
    expect(vendorAnswer).toEqual({ status: 200, json: { recipientId: 'adnet', answer: 'exception' } });
    // the receipt
    expect(final.status).toBe('completed');
    expect(receipt.notices).toEqual([
      { recipient: 'Mailhouse GmbH', answer: 'done', answeredAt: expect.any(String) },
      { recipient: 'AdNet Inc.', answer: 'exception', answeredAt: expect.any(String), reason: REASON },
      { recipient: 'Slowpoke Archive Ltd', answer: 'timed_out' },
    ]);
  }, 120_000);
});
