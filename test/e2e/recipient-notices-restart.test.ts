import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeletionReceipt } from '../../functions/core/domain/receipt-format';
import { linkIn, sleep } from '../../infra/local/client';
import { REPO_ROOT } from '../../infra/local/twin';
import { startTestTwin } from './support';

const SUBJECT = { email: 'grace.noether@example.com' };
const RECIPIENT = 'privacy@mailhouse.example';

/**
 * A twin stopped while a notice waits for its answer: the restart's sweep starts the request again, the notices step
 * takes over with a new task token and sends nothing twice, and the link mailed before the stop still answers.
 * (Its own file: one twin per process, since handler modules keep their clients.)
 */
describe('End to end: recipient notices across a restart of the twin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-notices-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the first link working and sends no second notice', async () => {
    // Prepare: a deletion whose one recipient has been told, then the twin stops
    const systems = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/config/systems.json'), 'utf8'));
    systems.recipients = [
      {
        id: 'mailhouse',
        name: 'Mailhouse GmbH',
        role: 'processor',
        category: 'email service providers',
        notify: { email: RECIPIENT },
        answerWithin: 'PT2M',
      },
    ];
    const systemsFile = join(dir, 'systems.json');
    writeFileSync(systemsFile, JSON.stringify(systems));
    const dataDir = join(dir, 'data');
    const first = await startTestTwin({ dataDir, systemsFile });
    const submitted = await first.client.submit({ type: 'deletion', regulation: 'gdpr', subject: SUBJECT });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    await first.client.confirm(linkIn(await first.client.waitForMail(SUBJECT.email, requestId, /confirm/i), '/verify'));
    const notice = await first.client.waitForMail(RECIPIENT, requestId, /please act and answer/);
    const link = /https?:\/\/\S+\/notices\?token=[\w-]+/.exec(notice.text)?.[0] ?? '';
    await first.twin.stop();
    // the SES emulator stamps mail in whole seconds
    const restartedAt = Math.floor(Date.now() / 1000);

    // Act
    const again = await startTestTwin({ dataDir, systemsFile });
    try {
      // the resumed execution reaches the notices step again and waits there, under a new task token
      while (again.twin.runner.waitingTasks().length === 0) await sleep(50);
      const html = await (await again.client.open(link)).text();
      const token = /name="token" value="([^"]*)"/.exec(html)?.[1] ?? '';
      const answered = await fetch(new URL('/notices', link), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, answer: 'done' }).toString(),
      });
      const final = await again.client.waitForStatus(requestId, statusToken, ['completed', 'partially_completed']);
      const delivery = await again.client.waitForMail(SUBJECT.email, requestId, /request is/i);
      const receipt = DeletionReceipt.parse(
        JSON.parse((await again.client.download(linkIn(delivery, '/download'))).body),
      );

      // Assess
      expect(again.twin.resumed).toContain(requestId);
      expect(answered.status).toBe(200);
      expect(final.status).toBe('completed');
      expect(receipt.notices).toEqual([
        { recipient: 'Mailhouse GmbH', answer: 'done', answeredAt: expect.any(String) },
      ]);
      const resent = (await again.client.mails()).filter(
        (m) => m.to.includes(RECIPIENT) && m.text.includes(requestId) && m.at > restartedAt,
      );
      expect(resent).toEqual([]);
    } finally {
      await again.twin.stop();
    }
  }, 120_000);
});
