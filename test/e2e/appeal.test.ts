import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn } from '../../infra/local/client';
import { type OperatorTwin, startOperatorTwin } from './support';

/**
 * An appeal, through the twin's HTTP API, mail and the operator CLI, under RSoft's profile (seed 004: no restriction
 * offered) and Virginia law (an appeal decided within 60 days, Va. Code §59.1-577(C)): the denial carries an appeal
 * link; the appeal is a request of its own, linked to the original, held for an operator; denied, the subject is told
 * why and how to complain to the Attorney General.
 */
describe('End to end: an appeal of a denial', () => {
  let t: OperatorTwin;

  beforeAll(async () => {
    t = await startOperatorTwin({ profile: 'rsoft' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('denies, takes the appeal through the link, holds it for an operator and mails the outcome with the complaint route', async () => {
    // Prepare: a restriction under Virginia law, which neither the law nor RSoft gives
    const email = 'appellant@example.com';
    const submitted = await t.client.submit({ type: 'restriction', regulation: 'vcdpa', subject: { email } });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    await t.client.confirm(linkIn(await t.client.waitForMail(email, requestId, /confirm/i), '/verify'));
    expect(await t.client.waitForStatus(requestId, statusToken, ['rejected', 'completed'])).toMatchObject({
      status: 'rejected',
    });
    const denial = await t.client.waitForMail(email, requestId, /cannot carry out/i);
    const appealLink = linkIn(denial, '/appeal');

    // Act: the subject opens the form (nothing happens), then sends the appeal
    const form = await t.client.open(appealLink);
    const formHtml = await form.text();
    const token = new URL(appealLink).searchParams.get('token') ?? '';
    const sent = await fetch(new URL('/appeal', appealLink), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, reason: 'Your app still uses my contacts after I unsubscribed.' }),
    });
    const sentHtml = await sent.text();
    const appealId = /reference is ([0-9a-f-]{36})/.exec(sentHtml)?.[1] ?? '';
    const again = await fetch(new URL('/appeal', appealLink), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, reason: 'once more' }),
    });
    await waitForHold(appealId);
    const shown = JSON.parse((await t.dsar('show', appealId, '--json')).out) as {
      dueDate: string;
      receivedAt: string;
      history: { seq: string; actor: string; kind: string }[];
    };
    const denied = await t.dsar(
      'deny',
      appealId,
      '--reason',
      'Restriction is not a right we offer or Virginia law gives.',
    );
    const outcome = await t.client.waitForMail(email, appealId, /decision on your appeal/);

    // Assess
    expect(denial.text).toMatch(
      /You may appeal this decision \(Va\. Code §59\.1-577.*\): open this link by \d{4}-\d{2}-\d{2}/,
    );
    expect(denial.text).toContain('within 60 days');
    expect(form.status).toBe(200);
    expect(formHtml).toContain('Why you disagree');
    expect(sent.status).toBe(200);
    expect(appealId).toMatch(/^[0-9a-f-]{36}$/);
    expect(again.status).toBe(410);
    // `dsar show` carries the request's history from the audit trail: recorded by the subject's appeal
    expect(shown.history[0]).toMatchObject({ seq: '1', actor: 'subject', kind: 'created' });
    // its own clock: Virginia's 60 days from the appeal's receipt
    const received = new Date(`${shown.receivedAt.slice(0, 10)}T00:00:00Z`);
    expect(shown.dueDate).toBe(new Date(received.getTime() + 60 * 86_400_000).toISOString().slice(0, 10));
    expect(denied.code).toBe(0);
    expect(outcome.text).toContain(`of our decision on your request ${requestId}`);
    expect(outcome.text).toContain('- Restriction is not a right we offer');
    expect(outcome.text).toContain('the Office of the Attorney General of Virginia');
    expect(outcome.text).not.toContain('open this link');
  });

  /** The appeal waits for an operator once its workflow stored the held task's token. */
  async function waitForHold(appealId: string) {
    for (let i = 0; i < 200; i += 1) {
      const shown = await t.dsar('show', appealId, '--json');
      if (shown.code === 0 && JSON.parse(shown.out).waitingFor === 'operator' && (await held(appealId))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`appeal ${appealId} never waited for an operator`);
  }

  async function held(appealId: string): Promise<boolean> {
    const { wiring } = await import('../../functions/core/wiring');
    return (await wiring.requests().get(appealId))?.hold !== undefined;
  }
});
