import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn } from '../../infra/local/client';
import { DEMO_PERSON } from '../../infra/local/demo-company';
import { type OperatorTwin, reviewedProfileFile, startOperatorTwin } from './support';

/**
 * People in the loop, through the twin's HTTP API, mail and the operator CLI: a profile that has a person review every
 * access request holds it after the subject confirms; the operators are mailed; `dsar approve` lets it go on to the
 * answer, `dsar deny --reason` ends another with the reason mailed to the subject.
 */
describe('End to end: a request held for an operator', () => {
  let t: OperatorTwin;
  let dir: string;
  const OPERATOR = 'dpo@softpire.example';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dsar-profile-'));
    t = await startOperatorTwin({ profile: reviewedProfileFile(dir, OPERATOR) });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Submit and confirm; resolves once the operators were told the request waits. */
  async function heldRequest(email: string) {
    const submitted = await t.client.submit({ type: 'access', regulation: 'ccpa', subject: { email } });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    await t.client.confirm(linkIn(await t.client.waitForMail(email, requestId, /confirm/i), '/verify'));
    const told = await t.client.waitForMail(OPERATOR, requestId, /waits for your decision/);
    return { requestId, statusToken, told };
  }

  it('holds the request until an operator approves it, then answers it', async () => {
    // Prepare
    const { requestId, statusToken, told } = await heldRequest(DEMO_PERSON.email);
    const waiting = await t.client.status(requestId, statusToken);

    // Act
    const approved = await t.dsar('approve', requestId);
    const final = await t.client.waitForStatus(requestId, statusToken, ['completed', 'rejected']);

    // Assess
    expect(told.text).toContain('review_required');
    expect(told.text).not.toContain(DEMO_PERSON.email);
    expect(waiting.json.status).toBe('verified');
    expect(approved).toMatchObject({ code: 0, out: 'approved: the request goes on' });
    expect(final).toMatchObject({ status: 'completed' });
    await t.client.waitForMail(DEMO_PERSON.email, requestId, /request is complete/i);
  });

  it('ends a held request an operator denies, mailing the subject the operator’s reason', async () => {
    // Prepare
    const email = 'held.subject@example.com';
    const { requestId, statusToken } = await heldRequest(email);

    // Act
    const denied = await t.dsar('deny', requestId, '--reason', 'We hold no account for this address beyond marketing.');
    const final = await t.client.waitForStatus(requestId, statusToken, ['completed', 'rejected']);
    const mail = await t.client.waitForMail(email, requestId, /cannot carry out/i);

    // Assess
    expect(denied.code).toBe(0);
    expect(final).toMatchObject({ status: 'rejected' });
    expect(mail.text).toContain('- We hold no account for this address beyond marketing.');
    expect(await t.dsar('approve', requestId)).toMatchObject({ code: 1 });
  });
});
