import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn } from '../../infra/local/client';
import { type OperatorTwin, startOperatorTwin } from './support';

/**
 * An extension through the twin's HTTP API, mail and the operator CLI (`dsar extend`): the clock engine grants the one
 * extension the law gives — GDPR Art. 12(3), two further months, noticed within the first — the subject is mailed the
 * new date and the reason, the status API shows it, and a second extension is refused.
 */
describe('End to end: extending a request’s deadline', () => {
  let t: OperatorTwin;

  beforeAll(async () => {
    t = await startOperatorTwin();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('extends once by two months, mailing the subject the new date and the reason; a second extension is refused', async () => {
    // Prepare: a request received today, waiting for its subject to confirm
    const email = 'slow.case@example.com';
    const submitted = await t.client.submit({ type: 'access', regulation: 'gdpr', subject: { email } });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    await t.client.waitForMail(email, requestId, /confirm/i);
    const before = await t.client.status(requestId, statusToken);

    // Act
    const extended = await t.dsar('extend', requestId, '--reason', 'Your records span four archived systems.');
    const again = await t.dsar('extend', requestId, '--reason', 'Still more to do.');
    const mail = await t.client.waitForMail(email, requestId, /more time/);
    const after = await t.client.status(requestId, statusToken);

    // Assess
    const due = String(before.json.dueDate);
    const twoMonthsLater = new Date(`${due}T00:00:00Z`);
    twoMonthsLater.setUTCMonth(twoMonthsLater.getUTCMonth() + 2);
    expect(extended.code).toBe(0);
    expect(extended.out).toContain(`extended: due ${due} →`);
    expect(String(after.json.dueDate) > due).toBe(true);
    expect(String(after.json.dueDate).slice(0, 7)).toBe(twoMonthsLater.toISOString().slice(0, 7));
    expect(mail.text).toContain(`we will answer by ${after.json.dueDate}`);
    expect(mail.text).toContain('Why: Your records span four archived systems.');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/not extended/);
    // the request still works as before: confirmed, it is answered
    await t.client.confirm(linkIn(await t.client.waitForMail(email, requestId, /confirm/i), '/verify'));
    expect(await t.client.waitForStatus(requestId, statusToken, ['completed', 'partially_completed'])).toMatchObject({
      status: 'completed',
    });
  });
});
