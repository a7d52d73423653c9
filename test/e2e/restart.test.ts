import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkIn, sleep } from '../../infra/local/client';
import { startTestTwin } from './support';

/**
 * The twin as a small company's only deployment: data on disk, and a request in flight when it stops carries on
 * when it starts again. (Its own file: one twin per process, since handler modules keep their clients.)
 */
describe('End to end: a restart of the local twin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // One data dir for the file: the functions' SDK clients, made once per process, keep the first twin's ports.
  it('carries on with a request that was waiting for its subject when the twin stopped', async () => {
    // Prepare: a request waiting for its subject (no execution holds it), then a restart on the same data
    const restartable = await startTestTwin({ dataDir: join(dir, 'waiting') });
    const email = 'radia.lovelace@example.com';
    const submitted = await restartable.client.submit({ type: 'access', regulation: 'gdpr', subject: { email } });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const link = linkIn(await restartable.client.waitForMail(email, requestId, /confirm/i), '/verify');
    await restartable.twin.stop();

    // Act
    const again = await startTestTwin({ dataDir: join(dir, 'waiting') });
    try {
      await sleep(200);
      const verified = (await again.client.confirm(link)).confirmed;
      const final = await again.client.waitForStatus(requestId, statusToken, ['completed', 'partially_completed']);

      // Assess: nothing needed resuming (it was only waiting), the old link works, one confirmation mail in all
      expect(again.twin.resumed).not.toContain(requestId);
      expect(verified.status).toBe(200);
      expect(final.status).toBe('completed');
      const confirmations = (await again.client.mails()).filter(
        (m) => m.text.includes(requestId) && /confirm/i.test(m.subject),
      );
      expect(confirmations).toHaveLength(1);
    } finally {
      await again.twin.stop();
    }
  });

  it('resumes a confirmed request whose execution never started before the twin stopped', async () => {
    // Prepare: StartExecution fails (the local Step Functions API answers 503 more times than the SDK retries), so the
    // confirmed request has no execution when the twin goes down
    const first = await startTestTwin({ dataDir: join(dir, 'waiting'), faults: { startExecution: 10 } });
    const email = 'hedy.lovelace@example.com';
    const submitted = await first.client.submit({ type: 'access', regulation: 'gdpr', subject: { email } });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const { confirmed } = await first.client.confirm(
      linkIn(await first.client.waitForMail(email, requestId, /confirm/i), '/verify'),
    );
    const before = await first.client.status(requestId, statusToken);
    await first.twin.stop();

    // Act
    const again = await startTestTwin({ dataDir: join(dir, 'waiting') });
    try {
      const final = await again.client.waitForStatus(requestId, statusToken, ['completed', 'partially_completed']);

      // Assess: the page told the truth (confirmed), and the restart's sweep started the request exactly once
      expect(confirmed.status).toBe(200);
      expect(before.json.status).toBe('verified');
      expect(again.twin.resumed).toEqual([requestId]);
      expect(final.status).toBe('completed');
      const deliveries = (await again.client.mails()).filter(
        (m) => m.text.includes(requestId) && /request is/i.test(m.subject),
      );
      expect(deliveries).toHaveLength(1);
    } finally {
      await again.twin.stop();
    }
  });
});
