import { connect } from 'node:net';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wiring } from '../../functions/core/wiring';
import { linkIn, type Mail, sleep } from '../../infra/local/client';
import { DEMO_PERSON } from '../../infra/local/demo-company';
import { type OperatorTwin, startOperatorTwin } from './support';

/**
 * Requests by email through the twin: a real SMTP session with the twin's listener (SES receiving's stand-in), the
 * same receive-mail handler the cloud runs, the verification mail read from aws-ses-v2-local, and the request run to
 * its answer. Softpire's profile takes requests at privacy@softpire.com, under the CCPA.
 */
const INTAKE = 'privacy@softpire.com';

/** One SMTP session over a raw socket: every reply (code and text), in order; DATA is dot-stuffed and ended. */
async function smtp(url: string, envelope: { from: string; to: string; size?: number }, data?: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let buffer = '';
  const waiting: ((reply: string) => void)[] = [];
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    for (;;) {
      const end = /^\d{3} .*\r\n/m.exec(buffer);
      if (!end) break;
      const reply = buffer.slice(0, end.index + end[0].length);
      buffer = buffer.slice(end.index + end[0].length);
      waiting.shift()?.(reply.trim());
    }
  });
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const replies: string[] = [];
  const say = async (line: string) => {
    const reply = next();
    socket.write(`${line}\r\n`);
    replies.push(await reply);
    return replies.at(-1) as string;
  };
  replies.push(await next());
  await say('EHLO test.example');
  const mailFrom = await say(`MAIL FROM:<${envelope.from}>${envelope.size ? ` SIZE=${envelope.size}` : ''}`);
  if (mailFrom.startsWith('250')) {
    await say(`RCPT TO:<${envelope.to}>`);
    if ((await say('DATA')).startsWith('354') && data !== undefined)
      await say(`${data.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')}\r\n.`);
  }
  await say('QUIT').catch(() => undefined);
  socket.end();
  return replies;
}

const message = (from: string, subject: string, text: string) =>
  [`From: <${from}>`, `To: <${INTAKE}>`, `Subject: ${subject}`, 'MIME-Version: 1.0', '', text, ''].join('\n');

/** The verification mail the intake sends to `to`, and the request's id (its reference). */
async function verificationFor(t: OperatorTwin, to: string): Promise<{ mail: Mail; requestId: string }> {
  const mail = await t.client.waitForMail(to, '', /confirm/i);
  const requestId = /reference ([0-9a-f-]{36})/.exec(mail.text)?.[1];
  if (!requestId) throw new Error('no reference in the verification mail');
  return { mail, requestId };
}

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`${what} did not happen in time`);
}

describe('End to end: requests by email', () => {
  let t: OperatorTwin;
  let inbound: S3Client;

  beforeAll(async () => {
    t = await startOperatorTwin({ profile: 'softpire' });
    inbound = new S3Client({
      endpoint: t.twin.endpoints.s3,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: t.twin.credentials,
    });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  const stored = async () =>
    (await inbound.send(new ListObjectsV2Command({ Bucket: 'dsar-inbound-mail' }))).KeyCount ?? 0;

  it('turns a mail into a request: the verification link goes to the From address, and the request is answered', async () => {
    // Prepare
    const body = message(DEMO_PERSON.email, 'Privacy request', 'Hello,\nplease send me a copy of my data.\nAda');

    // Act
    const replies = await smtp(t.twin.endpoints.smtp, { from: DEMO_PERSON.email, to: INTAKE }, body);
    const { mail, requestId } = await verificationFor(t, DEMO_PERSON.email);
    await t.client.confirm(linkIn(mail, '/verify'));
    const answered = await t.client.waitForMail(DEMO_PERSON.email, requestId, /request is/i, 120_000);

    // Assess
    expect(replies.at(-2)).toMatch(/^250/);
    expect(mail.to).toEqual([DEMO_PERSON.email]);
    expect(mail.text).toContain('a copy of your personal data');
    expect(answered.subject).toMatch(/complete/i);
    // the answer is mailed just before the request is marked completed (the last step): wait for that
    const record = await until(async () => {
      const r = await wiring.requests().load(requestId);
      return r.status === 'completed' ? r : undefined;
    }, 'completion');
    expect(record).toMatchObject({
      type: 'access',
      regulation: 'ccpa',
      channel: 'email',
      subject: { email: DEMO_PERSON.email },
    });
    expect(await until(async () => ((await stored()) === 0 ? true : undefined), 'the raw mail deleted')).toBe(true);
  }, 180_000);

  it('holds a mail whose right is unclear for an operator, who sets the right and lets it go on', async () => {
    // Prepare
    const from = 'unclear.sender@example.com';
    await smtp(t.twin.endpoints.smtp, { from, to: INTAKE }, message(from, 'Question', 'What happens with my stuff?'));
    const { mail, requestId } = await verificationFor(t, from);
    await t.client.confirm(linkIn(mail, '/verify'));
    await until(async () => {
      const record = await wiring.requests().load(requestId);
      return record.hold !== undefined ? record : undefined;
    }, 'the hold');

    // Act
    const shown = await t.dsar('show', requestId, '--json');
    const without = await t.dsar('approve', requestId);
    const approved = await t.dsar('approve', requestId, '--right', 'categories');
    const answered = await t.client.waitForMail(from, requestId, /request is/i, 120_000);

    // Assess
    expect(mail.text).toContain('could not tell from your message which right');
    expect(JSON.parse(shown.out)).toMatchObject({ mailText: 'Question\nWhat happens with my stuff?' });
    expect(without.code).toBe(1);
    expect(without.err).toContain('--right');
    expect(approved).toMatchObject({ code: 0, out: 'approved: the request goes on' });
    expect(answered.subject).toMatch(/complete/i);
    const record = await until(async () => {
      const r = await wiring.requests().load(requestId);
      return r.status === 'completed' ? r : undefined;
    }, 'completion');
    expect(record).toMatchObject({ type: 'categories', typeUnclear: true, decision: { by: 'operator' } });
    expect(record.decision?.reasons.map((r) => r.code)).toEqual(['type_unclear']);
  }, 180_000);

  it('refuses oversized mail at the SMTP level, declared or not, storing nothing', async () => {
    // Prepare
    const from = 'big.sender@example.com';
    const big = message(from, 'Delete my data', `${'x'.repeat(76)}\n`.repeat(15_000));

    // Act
    const declared = await smtp(t.twin.endpoints.smtp, { from, to: INTAKE, size: 2_000_000 });
    const sent = await smtp(t.twin.endpoints.smtp, { from, to: INTAKE }, big);

    // Assess
    expect(declared.find((r) => r.startsWith('250-') || r.includes('SIZE'))).toContain('SIZE 1048576');
    expect(declared[2]).toMatch(/^552/);
    expect(sent.at(-2)).toMatch(/^552/);
    expect(await stored()).toBe(0);
    expect((await t.client.mails()).filter((m) => m.to.includes(from))).toEqual([]);
  }, 60_000);

  it('answers no bounce and no mail to another address, and deletes both', async () => {
    // Prepare
    const from = 'bounced.sender@example.com';

    // Act
    await smtp(t.twin.endpoints.smtp, { from: '', to: INTAKE }, message(from, 'Undeliverable', 'delete my data'));
    await smtp(t.twin.endpoints.smtp, { from, to: 'sales@softpire.com' }, message(from, 'Hi', 'delete my data'));
    await until(async () => ((await stored()) === 0 ? true : undefined), 'both raw mails deleted');
    await sleep(500);

    // Assess
    expect((await t.client.mails()).filter((m) => m.to.includes(from))).toEqual([]);
  }, 60_000);
});
