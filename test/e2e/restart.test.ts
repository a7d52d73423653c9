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

  it('carries on with a request that was waiting when the twin stopped', async () => {
    // Prepare: a request waiting for its subject, then a restart on the same data
    const restartable = await startTestTwin({ dataDir: join(dir, 'restart') });
    const email = 'radia.lovelace@example.com';
    const submitted = await restartable.client.submit({ type: 'access', regulation: 'gdpr', subject: { email } });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const link = linkIn(await restartable.client.waitForMail(email, requestId, /confirm/i), '/verify');
    await restartable.twin.stop();

    // Act
    const again = await startTestTwin({ dataDir: join(dir, 'restart') });
    try {
      await sleep(200);
      const verified = (await again.client.confirm(link)).confirmed;
      const final = await again.client.waitForStatus(requestId, statusToken, ['completed', 'partially_completed']);

      // Assess
      expect(again.twin.resumed).toContain(requestId);
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
});
