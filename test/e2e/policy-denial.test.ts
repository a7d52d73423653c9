import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn } from '../../infra/local/client';
import { DEMO_PERSON } from '../../infra/local/demo-company';
import { runRequest, startTestTwin, type TestTwin } from './support';

/**
 * The policy step through the twin's HTTP API and mail, deciding by Softpire's profile (seed 000: a copy at most twice
 * in 12 months, CCPA only): two access requests are answered, the third is denied after the subject confirmed — no
 * system searched, the reason and the complaint route mailed, the request ended `rejected`.
 */
describe('End to end: the policy step under a company profile', () => {
  let t: TestTwin;

  beforeAll(async () => {
    t = await startTestTwin({ profile: 'softpire' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers two access requests and denies a third within 12 months, mailing the reason', async () => {
    // Prepare: two copies answered
    const body = { type: 'access', regulation: 'ccpa', subject: DEMO_PERSON };
    for (let i = 0; i < 2; i += 1)
      expect((await runRequest(t.client, body)).final).toMatchObject({ status: 'completed' });

    // Act: a third, confirmed like the others
    const submitted = await t.client.submit(body);
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    await t.client.confirm(linkIn(await t.client.waitForMail(DEMO_PERSON.email, requestId, /confirm/i), '/verify'));
    const final = await t.client.waitForStatus(requestId, statusToken, ['completed', 'rejected']);
    const denial = await t.client.waitForMail(DEMO_PERSON.email, requestId, /cannot carry out/i);

    // Assess
    expect(final).toMatchObject({ status: 'rejected' });
    expect(denial.text).toContain('You have already made 2 such requests in the period of 12 months');
    expect(denial.text).toContain('California Privacy Protection Agency');
    // nothing was searched or delivered for it: no download link was mailed
    const mails = (await t.client.mails()).filter((m) => m.text.includes(requestId));
    expect(mails.map((m) => m.subject)).toEqual([
      'Please confirm your privacy request',
      'We cannot carry out your privacy request',
    ]);
  });

  it('denies a request under a law the company does not answer under, before searching anything', async () => {
    // Prepare
    const body = { type: 'deletion', regulation: 'gdpr', subject: { email: 'grace.hopper@example.com' } };

    // Act
    const submitted = await t.client.submit(body);
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    await t.client.confirm(linkIn(await t.client.waitForMail(body.subject.email, requestId, /confirm/i), '/verify'));
    const final = await t.client.waitForStatus(requestId, statusToken, ['completed', 'rejected']);
    const denial = await t.client.waitForMail(body.subject.email, requestId, /cannot carry out/i);

    // Assess
    expect(final).toMatchObject({ status: 'rejected' });
    expect(denial.text).toContain('answers requests under the California Consumer Privacy Act only');
    expect(denial.text).toContain('the data protection supervisory authority of your EU member state');
  });
});
