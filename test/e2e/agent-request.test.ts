import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../infra/cli/commands';
import { linkIn } from '../../infra/local/client';
import { DEMO_PERSON } from '../../infra/local/demo-company';
import { startTestTwin, type TestTwin } from './support';

/**
 * Authorized agents (11 CCR §7063) through the twin's HTTP API and mail, under Softpire's profile (agents and powers of
 * attorney allowed): an agent uploads the subject's signed permission through the presigned POST, submits for the
 * subject; the subject is mailed the link naming the agent, confirms, and the request completes with the answer mailed
 * to the subject. An agent request without a document is recorded and denied by the policy step, the reason mailed to
 * the agent and to the subject.
 */
describe('End to end: a request made by an authorized agent', () => {
  let t: TestTwin;
  const AGENT = { email: 'agent@privacy-helpers.example', name: 'Privacy Helpers LLC' };

  beforeAll(async () => {
    t = await startTestTwin({ profile: 'softpire' });
    process.env.DSAR_DATA_DIR = t.dataDir;
  });
  afterAll(async () => {
    delete process.env.DSAR_DATA_DIR;
    await t?.stop();
  });

  /** `npx dsar approve <id>`, in-process, retried until the request is held (the policy step runs after intake). */
  async function approveWhenHeld(requestId: string): Promise<number> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const code = await main(['approve', requestId], { out: () => {}, err: () => {} });
      if (code === 0 || Date.now() > deadline) return code;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** POST /agent-documents, then the multipart upload to the presigned POST, as a browser form would send it. */
  async function upload(contentType: string, bytes: Uint8Array) {
    const issued = await fetch(`${t.twin.endpoints.api}/agent-documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contentType }),
    });
    const body = (await issued.json()) as { url: string; fields: Record<string, string>; key: string };
    const form = new FormData();
    for (const [name, value] of Object.entries(body.fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), 'permission.pdf');
    const uploaded = await fetch(body.url, { method: 'POST', body: form });
    return { issued: issued.status, uploaded: uploaded.status, ...body };
  }

  it('acts on the signed permission once the subject confirms it, and answers the subject', async () => {
    // Prepare
    const document = await upload('application/pdf', new TextEncoder().encode('%PDF-1.4 signed permission'));

    // Act
    const submitted = await t.client.submit({
      type: 'access',
      regulation: 'ccpa',
      subject: { email: DEMO_PERSON.email },
      agent: { ...AGENT, authority: 'signed_permission', document: document.key },
    });
    expect({ document, submitted }).toMatchObject({
      document: { issued: 201, uploaded: 204 },
      submitted: { status: 202 },
    });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const verification = await t.client.waitForMail(DEMO_PERSON.email, requestId, /confirm/i);
    const acknowledged = await t.client.waitForMail(AGENT.email, requestId, /received the privacy request/i);
    await t.client.confirm(linkIn(verification, '/verify'));
    const final = await t.client.waitForStatus(requestId, statusToken, ['completed', 'rejected', 'expired']);
    const delivery = await t.client.waitForMail(DEMO_PERSON.email, requestId, /request is complete/i);

    // Assess
    expect(document.key).toMatch(/^agent-documents\/[0-9a-f-]{36}$/);
    expect(verification.text).toContain(`on your behalf by ${AGENT.name} (${AGENT.email})`);
    expect(acknowledged.text).toContain(requestId);
    expect(acknowledged.text).not.toContain(DEMO_PERSON.email);
    expect(acknowledged.text).not.toContain('/verify');
    expect(final).toMatchObject({ status: 'completed' });
    expect(delivery.text).toContain('/download');
    // the answer goes to the subject alone: the agent got the acknowledgment and nothing more
    const toAgent = (await t.client.mails()).filter((m) => m.to.includes(AGENT.email));
    expect(toAgent).toHaveLength(1);
  });

  it('holds a power of attorney for an operator, asking the subject nothing, then answers the subject', async () => {
    // Prepare
    const subject = 'attorney.subject@example.com';
    const agent = { email: 'attorney@lawfirm.example', name: 'A. Attorney' };
    const document = await upload('image/png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]));

    // Act
    const submitted = await t.client.submit({
      type: 'access',
      regulation: 'ccpa',
      subject: { email: subject },
      agent: { ...agent, authority: 'power_of_attorney', document: document.key },
    });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const approved = await approveWhenHeld(requestId);
    const final = await t.client.waitForStatus(requestId, statusToken, ['completed', 'rejected', 'expired']);
    await t.client.waitForMail(subject, requestId, /request is complete/i);

    // Assess
    expect(submitted).toMatchObject({ status: 202, json: { status: 'verified' } });
    expect(approved).toBe(0);
    expect(final).toMatchObject({ status: 'completed' });
    const mails = await t.client.mails();
    const forRequest = mails.filter((m) => m.text.includes(requestId));
    // the subject was never asked to confirm; the agent got its acknowledgment only
    expect(forRequest.filter((m) => /confirm/i.test(m.subject))).toEqual([]);
    expect(forRequest.filter((m) => m.to.includes(agent.email)).map((m) => m.subject)).toEqual([
      'We received the privacy request you made',
    ]);
  });

  it('refuses a document key that names no upload, with a 400 naming the field', async () => {
    // Act
    const submitted = await t.client.submit({
      type: 'access',
      regulation: 'ccpa',
      subject: { email: 'someone@example.com' },
      agent: {
        ...AGENT,
        authority: 'signed_permission',
        document: 'agent-documents/00000000-0000-4000-8000-000000000000',
      },
    });

    // Assess
    expect(submitted.status).toBe(400);
    expect(JSON.stringify(submitted.json)).toContain('agent.document');
  });

  it('denies an agent request without a document, telling the agent and the subject why', async () => {
    // Prepare
    const subject = 'no.document.subject@example.com';
    const agent = { email: 'careless.agent@example.com', name: 'Careless Agent' };

    // Act: a power of attorney needs no confirmation by the subject, so the policy step decides at once
    const submitted = await t.client.submit({
      type: 'access',
      regulation: 'ccpa',
      subject: { email: subject },
      agent: { ...agent, authority: 'power_of_attorney' },
    });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const final = await t.client.waitForStatus(requestId, statusToken, ['completed', 'rejected', 'expired']);
    const toAgent = await t.client.waitForMail(agent.email, requestId, /cannot carry out/i);
    const toSubject = await t.client.waitForMail(subject, requestId, /cannot carry out/i);

    // Assess
    expect(submitted.status).toBe(202);
    expect(final).toMatchObject({ status: 'rejected' });
    expect(toAgent.text).toContain('You gave no document of your authority');
    expect(toSubject.text).toContain('by Careless Agent, acting for you without a document showing their authority');
  });
});
