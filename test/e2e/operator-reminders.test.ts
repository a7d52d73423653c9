import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn } from '../../infra/local/client';
import { PROFILES_DIR } from '../../infra/config';
import { startTestTwin, type TestTwin } from './support';

/**
 * The operators' reminder through the twin: its timer (the cloud's daily schedule, here every second) mails each
 * operator a digest naming a request that waits for them, by reference only, never by its subject's address.
 */
describe('End to end: the operators’ reminder digest', () => {
  let t: TestTwin;
  let dir: string;
  const OPERATORS = ['dpo@softpire.example', 'privacy@softpire.example'];
  const SUBJECT = 'reminded.subject@example.com';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dsar-profile-'));
    const profile = JSON.parse(readFileSync(join(PROFILES_DIR, 'softpire.json'), 'utf8'));
    profile.id = 'softpire-reminded';
    profile.operators = OPERATORS;
    profile.review = { rights: ['access'], source: 'a person checks every copy before it goes out' };
    const file = join(dir, 'softpire-reminded.json');
    writeFileSync(file, JSON.stringify(profile));
    t = await startTestTwin({ profile: file, remind: { firstAfterMs: 500, intervalMs: 1000 } });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('mails each operator a digest listing a held request as waiting for them, without its subject', async () => {
    // Prepare: a request held for an operator
    const submitted = await t.client.submit({ type: 'access', regulation: 'ccpa', subject: { email: SUBJECT } });
    const { requestId } = submitted.json as { requestId: string };
    await t.client.confirm(linkIn(await t.client.waitForMail(SUBJECT, requestId, /confirm/i), '/verify'));
    await t.client.waitForMail(OPERATORS[0] ?? '', requestId, /waits for your decision/);

    // Act: the timer's next run
    const digests = await Promise.all(
      OPERATORS.map((to) => t.client.waitForMail(to, requestId, /^Privacy requests due: /, 30_000)),
    );
    const report = await t.twin.remind();

    // Assess
    expect(report).toMatchObject({ waiting: 1, mailed: 2 });
    for (const digest of digests) {
      expect(digest.subject).toMatch(/^Privacy requests due: 0 overdue, \d+ due within 7 days, 1 waiting for you$/);
      expect(digest.text).toMatch(new RegExp(`${requestId}\\s+access\\s+CCPA\\s+verified\\s+\\S+\\s+\\d+\\s+operator`));
      expect(digest.text).not.toContain(SUBJECT);
    }
  });
});
