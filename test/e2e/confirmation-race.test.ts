import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PipelineClient, linkIn } from '../../infra/local/client';
import { startTestTwin } from './support';

/**
 * A confirmation the page reports as accepted always leads to the request being processed: whether it arrives before,
 * during or after the twin's resume, and whether StartExecution succeeds or fails. (The race of a crash-restart: the
 * confirmation used to be handed to a waiting callback task, and was lost when it arrived while the resumed execution
 * had not registered its new task yet. Now the confirmation is recorded first and starts the execution itself; the
 * sweeper starts any confirmed request left without one.)
 */
describe('End to end: a confirmation racing the resume', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-race-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('processes a request confirmed while the resume is held, exactly once', async () => {
    // Prepare: a request waiting for its subject, the twin killed and started again, its resume held open
    const data = join(dir, 'held');
    const first = await startTestTwin({ dataDir: data });
    const email = 'ken.lovelace@example.com';
    const submitted = await first.client.submit({ type: 'access', regulation: 'gdpr', subject: { email } });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const link = linkIn(await first.client.waitForMail(email, requestId, /confirm/i), '/verify');
    await first.twin.stop();
    const client = new PipelineClient(apiOf(data), '');
    let page: Response | undefined;

    // Act: the twin's API is up, its resume is not: the subject confirms now
    const again = await startTestTwin({
      dataDir: data,
      beforeResume: async () => {
        page = (await client.confirm(link)).confirmed;
      },
    });
    try {
      const final = await again.client.waitForStatus(requestId, statusToken, ['completed', 'partially_completed']);

      // Assess
      expect(page?.status).toBe(200);
      expect(final.status).toBe('completed');
      const deliveries = (await again.client.mails()).filter(
        (m) => m.text.includes(requestId) && /request is/i.test(m.subject),
      );
      expect(deliveries).toHaveLength(1);
    } finally {
      await again.twin.stop();
    }
  });

  it('processes a request whose StartExecution failed, without a restart (the sweeper starts it)', async () => {
    // Prepare: StartExecution fails more often than the SDK retries; the sweeper runs often and waits one second
    const t = await startTestTwin({
      dataDir: join(dir, 'held'),
      faults: { startExecution: 10 },
      sweep: { intervalMs: 300, startAfterSeconds: 1 },
    });
    try {
      const email = 'tim.lovelace@example.com';
      const submitted = await t.client.submit({ type: 'access', regulation: 'gdpr', subject: { email } });
      const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };

      // Act
      const { confirmed } = await t.client.confirm(
        linkIn(await t.client.waitForMail(email, requestId, /confirm/i), '/verify'),
      );
      const final = await t.client.waitForStatus(requestId, statusToken, ['completed', 'partially_completed']);

      // Assess: the page said "confirmed", and it was
      expect(confirmed.status).toBe(200);
      expect(await confirmed.text()).toMatch(/confirmed/i);
      expect(final.status).toBe('completed');
    } finally {
      await t.stop();
    }
  });
});

/** The API of the twin starting on `dataDir`: its port is kept with the data. */
function apiOf(dataDir: string): string {
  const ports = JSON.parse(readFileSync(join(dataDir, 'ports.json'), 'utf8')) as { api: number };
  return `http://127.0.0.1:${ports.api}`;
}
