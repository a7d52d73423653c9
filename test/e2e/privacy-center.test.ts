import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn } from '../../infra/local/client';
import { DEMO_PERSON } from '../../infra/local/demo-company';
import { startTestTwin, type TestTwin } from './support';

/**
 * The privacy center through the twin's HTTP server, as a browser without JavaScript uses it: plain form posts, the
 * status cookie carried by hand, the confirmation from the mail. Under Softpire's profile (CCPA; six rights to its
 * customers, two to its customers' end users; agents and powers of attorney).
 */
describe('End to end: the privacy center', () => {
  let t: TestTwin;
  let api: string;

  beforeAll(async () => {
    t = await startTestTwin({ profile: 'softpire' });
    api = t.twin.endpoints.api;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';
  const ACCESS = { form: 'customer:access', type: 'access', relationship: 'customer', regulation: 'ccpa' };

  it('shows one form per right the profile offers each kind of subject, under a strict CSP, in English and Spanish', async () => {
    // Act
    const en = await fetch(`${api}/privacy`);
    const es = await fetch(`${api}/privacy?lang=es`);
    const html = await en.text();
    const spanish = await es.text();

    // Assess
    expect(en.status).toBe(200);
    expect(en.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(en.headers.get('content-security-policy')).toContain("script-src 'self'");
    const forms = [...html.matchAll(/name="form" value="([^"]+)"/g)].map((m) => m[1]);
    expect(forms).toEqual([
      // the GPC notice's opt-out (hidden until a signal is seen): the profile answers under the CCPA
      'gpc:opt_out',
      'customer:access',
      'customer:portability',
      'customer:categories',
      'customer:deletion',
      'customer:correction',
      'customer:withdraw_consent',
      'end_user:correction',
      'end_user:deletion',
    ]);
    expect(html).toContain('45 calendar days');
    expect(html).toContain('src="/assets/center.js"');
    expect(spanish).toContain('lang="es"');
    expect(spanish).toContain('Obtener una copia de sus datos personales');
  });

  it('answers the same page whether or not anyone holds data about the address, and keeps the status in a cookie', async () => {
    // Act
    const known = await post('/privacy/requests', { ...ACCESS, 'subject.email': DEMO_PERSON.email });
    const unknown = await post('/privacy/requests', { ...ACCESS, 'subject.email': 'nobody.here@example.org' });
    const strip = (html: string) => html.replace(/<code>[^<]*<\/code>/g, '<code></code>');

    // Assess
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(strip(await known.text())).toBe(strip(await unknown.text()));
    const cookie = known.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^dsar_status=[0-9a-f-]{36}\.[\w-]+; Path=\/privacy; Max-Age=\d+; HttpOnly; SameSite=Strict$/,
    );
  });

  it('takes a subject from the form through the mail to the answer, the status page following it', async () => {
    // Prepare
    const sent = await post('/privacy/requests', { ...ACCESS, 'subject.email': DEMO_PERSON.email }, { 'sec-gpc': '1' });
    const page = await sent.text();
    const requestId = /<code>([0-9a-f-]{36})<\/code>/.exec(page)?.[1] ?? '';
    const cookie = cookieOf(sent);

    // Act
    const before = await (await fetch(`${api}/privacy/status`, { headers: { cookie } })).text();
    const mail = await t.client.waitForMail(DEMO_PERSON.email, requestId, /confirm/i);
    await t.client.confirm(linkIn(mail, '/verify'));
    const token = decodeURIComponent(cookie.split('.')[1] ?? '');
    await t.client.waitForStatus(requestId, token, ['completed']);
    const after = await (await fetch(`${api}/privacy/status`, { headers: { cookie } })).text();

    // Assess
    expect(page).toContain('Global Privacy Control signal was honoured');
    expect(before).toContain('Cancel this request');
    expect(before).toContain('We must answer by');
    expect(after).toMatch(/Answered<\/span> — <span class="when"><time datetime="/);
    expect(after).not.toContain('Cancel this request');
  });

  it('refuses a bad form with the same page, an error summary linking to the input, in the page language', async () => {
    // Act
    const en = await post('/privacy/requests', { ...ACCESS, 'subject.email': 'not-an-address' });
    const es = await post('/privacy/requests?lang=es', { ...ACCESS, 'subject.email': '<b>x</b>' });
    const html = await en.text();
    const spanish = await es.text();

    // Assess
    expect(en.status).toBe(400);
    expect(html).toContain(
      '<a href="#customer-access-subject-email">Enter an email address, like name@example.com</a>',
    );
    expect(html).toContain('value="not-an-address"');
    expect(spanish).toContain('Escriba un correo electrónico, como nombre@ejemplo.com');
    expect(spanish).toContain('value="&lt;b&gt;x&lt;/b&gt;"');
  });

  it('cancels from the status page before the subject confirmed, and opens a status by reference and code', async () => {
    // Prepare
    const sent = await post('/privacy/requests', {
      form: 'customer:deletion',
      type: 'deletion',
      relationship: 'customer',
      regulation: 'ccpa',
      'subject.email': 'someone.else@example.org',
    });
    const page = await sent.text();
    const [requestId, token] = [...page.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1] ?? '');

    // Act
    const wrong = await post('/privacy/status', { reference: requestId ?? '', token: 'not-the-token-at-all-000' });
    const opened = await post('/privacy/status', { reference: requestId ?? '', token: token ?? '' });
    const cancelled = await post('/privacy/cancel', {}, { cookie: cookieOf(opened) });
    const status = await t.client.status(requestId ?? '', token ?? '');

    // Assess
    expect(wrong.status).toBe(404);
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/privacy/status?lang=en');
    expect(cancelled.status).toBe(200);
    expect(await cancelled.text()).toContain('Your request is cancelled');
    expect(status.json.status).toBe('cancelled');
  });
});
