import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportDocument } from '../../functions/core/domain/export-format';
import { linkIn } from '../../infra/local/client';
import { DEMO_PERSON, demoClickstream, demoCustomers, demoPeople } from '../../infra/local/demo-company';
import { runRequest, startTestTwin, type TestTwin } from './support';

/** The whole pipeline through the local twin's HTTP API, as a data subject uses it: submit, mail, links. */
describe('End to end: an access request', () => {
  let t: TestTwin;

  beforeAll(async () => {
    t = await startTestTwin();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('delivers an export holding exactly the subject’s records from every system, and nobody else’s', async () => {
    // Act
    const run = await runRequest(t.client, { type: 'access', regulation: 'gdpr', subject: DEMO_PERSON });
    const download = await t.client.download(linkIn(run.delivery, '/download'));

    // Assess
    expect(run.verifyStatus).toBe(200);
    expect(run.final).toMatchObject({ status: 'completed', systems: { searched: 2, withRecords: 2, failed: 0 } });
    const document = ExportDocument.parse(JSON.parse(download.body));
    const people = demoPeople();
    const expectedCustomers = demoCustomers(people).filter((c) => c.email === DEMO_PERSON.email);
    const expectedEvents = [...demoClickstream(people).values()]
      .flatMap((body) => body.split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event.email === DEMO_PERSON.email);
    const customers = document.systems.find((s) => s.id === 'customers');
    const clickstream = document.systems.find((s) => s.id === 'clickstream');
    expect(customers?.records).toEqual(expectedCustomers);
    expect(clickstream?.records).toHaveLength(expectedEvents.length);
    expect(clickstream?.records).toEqual(expect.arrayContaining(expectedEvents));
    const everyRecord = document.systems.flatMap((s) => s.records);
    expect(everyRecord.every((r) => r.email === DEMO_PERSON.email)).toBe(true);
    expect(document.summary).toEqual({
      systems: 2,
      withRecords: 2,
      failed: 0,
      records: expectedCustomers.length + expectedEvents.length,
      complete: true,
      needsReview: false,
      reviewReasons: [],
    });
    expect(document.request).toMatchObject({ id: run.requestId, type: 'access', regulation: 'gdpr' });
    expect(customers).toMatchObject({
      purpose: 'account management and billing',
      categories: expect.arrayContaining(['identifiers']),
    });
  });

  it('redirects the download button to a presigned URL that lives at most five minutes, once', async () => {
    // Prepare
    const run = await runRequest(t.client, {
      type: 'access',
      regulation: 'ccpa',
      subject: { email: 'alan.lovelace@example.com' },
    });
    const link = linkIn(run.delivery, '/download');

    // Act
    const scanned = await t.client.open(link);
    const { redirectedTo } = await t.client.download(link);
    const again = (await t.client.confirm(link)).confirmed;

    // Assess
    const expires = Number(new URL(redirectedTo).searchParams.get('X-Amz-Expires'));
    expect(expires).toBeGreaterThan(0);
    expect(expires).toBeLessThanOrEqual(300);
    expect(scanned.status).toBe(200);
    expect(again.status).toBe(410);
  });

  it('answers a submission for someone no system knows exactly as for a known person', async () => {
    // Act
    const known = await t.client.submit({
      type: 'access',
      regulation: 'gdpr',
      subject: { email: 'grace.hopper@example.com' },
    });
    const unknown = await t.client.submit({
      type: 'access',
      regulation: 'gdpr',
      subject: { email: 'nobody.at.all@example.org' },
    });

    // Assess
    expect(unknown.status).toBe(known.status);
    expect(Object.keys(unknown.json as object).sort()).toEqual(Object.keys(known.json as object).sort());
    expect((unknown.json as { status: string }).status).toBe((known.json as { status: string }).status);
  });

  it('starts one run for a repeated submission with the same idempotency key', async () => {
    // Prepare
    const body = { type: 'access', regulation: 'gdpr', subject: { email: 'barbara.lovelace@example.com' } };

    // Act
    const first = await t.client.submit(body, 'client-key-0001');
    const second = await t.client.submit(body, 'client-key-0001');
    const requestId = (first.json as { requestId: string }).requestId;
    await t.client.waitForMail(body.subject.email, requestId, /confirm/i);

    // Assess
    expect(second.status).toBe(202);
    expect((second.json as { requestId: string }).requestId).toBe(requestId);
    const mails = (await t.client.mails()).filter((m) => m.text.includes(requestId));
    expect(mails).toHaveLength(1);
  });

  it('coalesces 15 submissions for one address into one request and one mail, each answered 202 alike', async () => {
    // Prepare: the cannon of the hardening review, aimed at one address
    const email = 'margaret.lovelace@example.com';
    const body = { type: 'deletion', regulation: 'ccpa', subject: { email } };

    // Act
    const answers = [];
    for (let i = 0; i < 15; i += 1) answers.push(await t.client.submit(body));
    const ids = new Set(answers.map((a) => (a.json as { requestId: string }).requestId));
    const [requestId] = [...ids];
    await t.client.waitForMail(email, requestId ?? '', /confirm/i);

    // Assess: one request, one verification mail; every answer a 202 of the same shape, unknown person or not
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(ids.size).toBe(1);
    expect((await t.client.mails()).filter((m) => m.to.includes(email))).toHaveLength(1);
    expect(Object.keys(answers[0]?.json as object).sort()).toEqual(['requestId', 'status', 'statusToken']);
  });

  it('changes nothing when the link is merely opened (a mail scanner), and refuses a reused or forged token', async () => {
    // Prepare
    const submitted = await t.client.submit({
      type: 'access',
      regulation: 'gdpr',
      subject: { email: 'ken.lovelace@example.com' },
    });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const link = linkIn(await t.client.waitForMail('ken.lovelace@example.com', requestId, /confirm/i), '/verify');

    // Act
    const opened = await t.client.open(link);
    const afterOpening = await t.client.status(requestId, statusToken);
    const forged = await t.client.open(link.replace(/token=.{6}/, 'token=AAAAAA'));
    const forgedPost = await postToken(link.replace(/token=.{6}/, 'token=AAAAAA'));
    const first = await t.client.confirm(link);
    const reusedPage = await t.client.open(link);
    const reusedPost = await postToken(link);

    // Assess: a used or forged link shows no form, and pressing a button with it anyway changes nothing
    expect(opened.status).toBe(200);
    expect(afterOpening.json.status).toBe('pending_verification');
    expect(forged.status).toBe(410);
    expect(forgedPost.status).toBe(410);
    expect(first.confirmed.status).toBe(200);
    expect(reusedPage.status).toBe(410);
    expect(reusedPost.status).toBe(410);
  });

  it('answers an unknown request id and a wrong status token the same way', async () => {
    // Prepare
    const submitted = await t.client.submit({
      type: 'access',
      regulation: 'gdpr',
      subject: { email: 'hedy.lovelace@example.com' },
    });
    const { requestId } = submitted.json as { requestId: string };

    // Act
    const wrongToken = await t.client.status(requestId, 'A'.repeat(43));
    const unknownId = await t.client.status('3f1e7d2c-0000-4000-8000-000000000000', 'A'.repeat(43));

    // Assess
    expect(wrongToken.status).toBe(404);
    expect(unknownId).toEqual(wrongToken);
  });

  it('refuses an invalid body with a machine-readable 400', async () => {
    // Act
    const response = await t.client.submit({
      type: 'access',
      regulation: 'gdpr',
      subject: { email: 'not an address' },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: 'invalid_request', details: [{ path: 'subject.email' }] } });
  });
});

/** POST a link's token straight to /verify, as a forged or replayed button press would. */
function postToken(link: string): Promise<Response> {
  const url = new URL(link);
  return fetch(new URL('/verify', url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: url.searchParams.get('token') ?? '' }).toString(),
  });
}
