import { describe, expect, it } from 'vitest';
import { SubmitRequestBody } from '../../../functions/core/domain/request';
import { SubmitRequest } from '../../../functions/submit-request/submit-request';
import { MemoryIntakeLimits, MemoryMailer, MemoryRequests, MemoryTokens, MemoryWorkflow } from '../../support/fakes';
import { rightsSystems } from '../../fixtures/rights-systems';

const KEY = 'k'.repeat(64);
const UPLOADED = 'agent-documents/0b5e2f4c-1d3a-4e6b-9f70-8a1c2d3e4f50';
const NEVER_UPLOADED = 'agent-documents/7c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e';
const AGENT = { email: 'Agent@Helpers.example', name: 'Helpers LLC' };

const agentBody = (agent: Record<string, unknown>, subject = 'ada@example.com') =>
  SubmitRequestBody.parse({ type: 'access', regulation: 'ccpa', subject: { email: subject }, agent });

function intake() {
  const requests = new MemoryRequests();
  const mailer = new MemoryMailer();
  const workflow = new MemoryWorkflow();
  const submit = new SubmitRequest({
    requests,
    tokens: new MemoryTokens(),
    mailer,
    limits: new MemoryIntakeLimits(),
    systems: rightsSystems(),
    workflow,
    hashKey: async () => KEY,
    apiUrl: 'https://api.example',
    verificationTtlSeconds: 7 * 86_400,
    statusTokenTtlSeconds: 60,
    agentDocuments: { exists: async (key) => key === UPLOADED },
  });
  return { requests, mailer, workflow, submit };
}

describe('Schema: SubmitRequestBody (agent)', () => {
  it.each([
    ['an invalid agent address', { ...AGENT, email: 'not-an-address', authority: 'signed_permission' }, 'agent.email'],
    ['an unknown authority', { ...AGENT, authority: 'friendship' }, 'agent.authority'],
    ['no agent name', { email: AGENT.email, authority: 'signed_permission' }, 'agent.name'],
    [
      'a document outside the prefix',
      { ...AGENT, authority: 'signed_permission', document: 'exports/0b5e2f4c-1d3a-4e6b-9f70-8a1c2d3e4f50' },
      'agent.document',
    ],
    [
      'a document key with a path in it',
      { ...AGENT, authority: 'signed_permission', document: `${UPLOADED}/../exports/x` },
      'agent.document',
    ],
    ['an unknown field', { ...AGENT, authority: 'signed_permission', phone: '555' }, 'agent'],
  ])('refuses %s, naming the field', (_case, agent, path) => {
    // Act
    const result = SubmitRequestBody.safeParse({
      type: 'access',
      regulation: 'ccpa',
      subject: { email: 'ada@example.com' },
      agent,
    });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('takes an agent without a document (the policy step denies it, with the reason)', () => {
    // Act
    const body = agentBody({ ...AGENT, authority: 'power_of_attorney' });

    // Assess
    expect(body.agent).toEqual({ email: 'agent@helpers.example', name: 'Helpers LLC', authority: 'power_of_attorney' });
  });
});

describe('Class: SubmitRequest (agent)', () => {
  describe('Method: execute', () => {
    it('refuses a document key no upload was made under, storing and mailing nothing', async () => {
      // Prepare
      const { requests, mailer, submit } = intake();

      // Act
      const submitted = submit.execute(
        agentBody({ ...AGENT, authority: 'signed_permission', document: NEVER_UPLOADED }),
      );

      // Assess
      await expect(submitted).rejects.toMatchObject({
        name: 'ValidationError',
        details: [{ path: 'agent.document' }],
      });
      expect(requests.records.size).toBe(0);
      expect(mailer.sent).toEqual([]);
    });

    it('signed permission: mails the subject the link naming the agent, and the agent the reference only', async () => {
      // Prepare
      const { requests, mailer, workflow, submit } = intake();

      // Act
      const result = await submit.execute(agentBody({ ...AGENT, authority: 'signed_permission', document: UPLOADED }));

      // Assess
      const record = await requests.load(result.requestId);
      expect(result.status).toBe('pending_verification');
      expect(record).toMatchObject({
        agent: { email: 'agent@helpers.example', name: 'Helpers LLC' },
        agentAuthority: { authority: 'signed_permission', document: UPLOADED },
      });
      expect(record.verified).toBeUndefined();
      expect(workflow.started).toEqual([]);
      const [toSubject, toAgent] = mailer.sent;
      expect(toSubject?.to).toBe('ada@example.com');
      expect(toSubject?.text).toContain('on your behalf by Helpers LLC (agent@helpers.example)');
      expect(toSubject?.text).toContain('/verify?token=');
      expect(toAgent?.to).toBe('agent@helpers.example');
      expect(toAgent?.text).toContain(result.requestId);
      expect(toAgent?.text).not.toContain('ada@example.com');
      expect(toAgent?.text).not.toContain('/verify');
    });

    it('power of attorney: records it verified by the agent’s authority and starts it, asking the subject nothing', async () => {
      // Prepare
      const { requests, mailer, workflow, submit } = intake();

      // Act
      const result = await submit.execute(agentBody({ ...AGENT, authority: 'power_of_attorney', document: UPLOADED }));

      // Assess
      const record = await requests.load(result.requestId);
      expect(result.status).toBe('verified');
      expect(record).toMatchObject({
        status: 'verified',
        verification: 'power_of_attorney',
        verified: { email: 'ada@example.com' },
      });
      expect(workflow.started).toEqual([result.requestId]);
      expect(mailer.sent.map((m) => m.to)).toEqual(['agent@helpers.example']);
      expect(mailer.sent[0]?.text).toContain('check the power of attorney');
    });

    it('never coalesces an agent’s request with the subject’s own open one', async () => {
      // Prepare
      const { requests, submit } = intake();
      const own = await submit.execute(
        SubmitRequestBody.parse({ type: 'access', regulation: 'ccpa', subject: { email: 'ada@example.com' } }),
      );

      // Act
      const byAgent = await submit.execute(agentBody({ ...AGENT, authority: 'signed_permission', document: UPLOADED }));
      const ownAgain = await submit.execute(
        SubmitRequestBody.parse({ type: 'access', regulation: 'ccpa', subject: { email: 'ada@example.com' } }),
      );

      // Assess
      expect(byAgent.requestId).not.toBe(own.requestId);
      expect(ownAgain.requestId).toBe(own.requestId);
      expect(requests.records.size).toBe(2);
    });
  });
});
