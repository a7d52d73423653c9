import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../functions/core/domain/errors';
import type { SubmitRequestBody } from '../../../functions/core/domain/request';
import { SubmitRequest } from '../../../functions/submit-request/submit-request';
import { VerifyIdentity } from '../../../functions/verify-identity/verify-identity';
import { MemoryIntakeLimits, MemoryMailer, MemoryRequests, MemoryTokens, MemoryWorkflow } from '../../support/fakes';
import { rightsSystems } from '../../fixtures/rights-systems';

const KEY = 'k'.repeat(64);
const body = (email = 'ada@example.com', type: 'access' | 'deletion' = 'deletion'): SubmitRequestBody => ({
  type,
  regulation: 'ccpa',
  subject: { email },
});

function intake(options: { now?: () => Date; mailer?: MemoryMailer; limits?: MemoryIntakeLimits } = {}) {
  const requests = new MemoryRequests(options.now);
  const tokens = new MemoryTokens();
  const mailer = options.mailer ?? new MemoryMailer();
  const workflow = new MemoryWorkflow();
  const submit = new SubmitRequest({
    requests,
    tokens,
    mailer,
    limits: options.limits ?? new MemoryIntakeLimits(),
    systems: rightsSystems(),
    workflow,
    hashKey: async () => KEY,
    apiUrl: 'https://api.example',
    verificationTtlSeconds: 7 * 86_400,
    statusTokenTtlSeconds: 60,
    now: options.now,
  });
  return { requests, tokens, mailer, submit, workflow };
}

describe('Class: SubmitRequest', () => {
  describe('Method: execute (idempotency)', () => {
    it('answers a repeat with the same key and body with the first request and the same status token, mailing once', async () => {
      // Prepare
      const { requests, mailer, submit, tokens } = intake();

      // Act
      const first = await submit.execute(body(), { idempotencyKey: 'key-0000001' });
      const second = await submit.execute(body(), { idempotencyKey: 'key-0000001' });

      // Assess
      expect(second).toEqual(first);
      expect(requests.records.size).toBe(1);
      expect(mailer.sent).toHaveLength(1);
      expect(tokens.issued.filter((t) => t.purpose === 'status')).toHaveLength(1);
    });

    it('refuses the same key with a different body as a reused key, recording and mailing nothing more', async () => {
      // Prepare
      const { requests, mailer, submit } = intake();
      await submit.execute(body(), { idempotencyKey: 'key-0000001' });

      // Act
      const other = submit.execute(body('ada@example.com', 'access'), { idempotencyKey: 'key-0000001' });

      // Assess
      await expect(other).rejects.toMatchObject({ name: 'IdempotencyConflictError', code: 'idempotency_key_reused' });
      expect(requests.records.size).toBe(1);
      expect(mailer.sent).toHaveLength(1);
    });
  });

  describe('Method: execute (coalescing and caps)', () => {
    it('coalesces 15 repeats for one identity and type into the open request, with one mail per cool-down', async () => {
      // Prepare
      let now = new Date('2026-11-23T10:00:00Z');
      const { requests, mailer, submit } = intake({ now: () => now });

      // Act: 15 submissions a second apart, then one after the 15-minute cool-down
      const answers = [];
      for (let i = 0; i < 15; i += 1) {
        answers.push(await submit.execute(body()));
        now = new Date(now.getTime() + 1000);
      }
      now = new Date(now.getTime() + 15 * 60_000);
      const later = await submit.execute(body());

      // Assess
      expect(new Set(answers.map((a) => a.requestId)).size).toBe(1);
      expect(new Set(answers.map((a) => a.statusToken)).size).toBe(15);
      expect(answers.every((a) => a.status === 'pending_verification')).toBe(true);
      expect(later.requestId).toBe(answers[0]?.requestId);
      expect(requests.records.size).toBe(1);
      expect(mailer.sent).toHaveLength(2);
    });

    it('keeps different rights of one person apart', async () => {
      // Prepare
      const { requests, mailer, submit } = intake();

      // Act
      const access = await submit.execute(body('ada@example.com', 'access'));
      const deletion = await submit.execute(body('ada@example.com', 'deletion'));

      // Assess
      expect(access.requestId).not.toBe(deletion.requestId);
      expect(requests.records.size).toBe(2);
      expect(mailer.sent).toHaveLength(2);
    });

    it('refuses past the daily cap per address with RateLimitedError, storing nothing', async () => {
      // Prepare: every repeat after the cool-down mails again, until the cap
      let now = new Date('2026-11-23T01:00:00Z');
      const { requests, mailer, submit } = intake({
        now: () => now,
        limits: new MemoryIntakeLimits({ clientPerHour: 100, addressPerDay: 3, domainPerDay: 100 }),
      });
      for (let i = 0; i < 3; i += 1) {
        await submit.execute(body());
        now = new Date(now.getTime() + 16 * 60_000);
      }

      // Act
      const refused = submit.execute(body());

      // Assess
      await expect(refused).rejects.toBeInstanceOf(RateLimitedError);
      await expect(submit.execute(body())).rejects.toMatchObject({ limit: 'address', code: 'rate_limited' });
      expect(requests.records.size).toBe(1);
      expect(mailer.sent).toHaveLength(3);
    });

    it('refuses past the daily cap per mail domain', async () => {
      // Prepare
      const { requests, submit } = intake({
        limits: new MemoryIntakeLimits({ clientPerHour: 100, addressPerDay: 5, domainPerDay: 2 }),
      });
      await submit.execute(body('a@corp.example'));
      await submit.execute(body('b@corp.example'));

      // Act
      const refused = submit.execute(body('c@corp.example'));
      const elsewhere = await submit.execute(body('c@other.example'));

      // Assess
      await expect(refused).rejects.toMatchObject({ limit: 'domain' });
      expect(elsewhere.status).toBe('pending_verification');
      expect(requests.records.size).toBe(3);
    });

    it('leaves no orphan holding the address when the verification mail cannot be sent', async () => {
      // Prepare
      const failing = new MemoryMailer();
      failing.send = async () => {
        throw Object.assign(new Error('MessageRejected: Email address is not verified: ada@example.com'), {
          name: 'MessageRejected',
        });
      };
      const { requests, submit } = intake({ mailer: failing });

      // Act
      const result = submit.execute(body());

      // Assess: the caller is told (the error goes on, a 500), and the record holds no address
      await expect(result).rejects.toMatchObject({ name: 'MessageRejected' });
      const [record] = [...requests.records.values()];
      expect(record?.status).toBe('cancelled');
      expect(record?.subject).toBeUndefined();
      expect(record?.subjectHash).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});

describe('Class: VerifyIdentity', () => {
  async function pending() {
    const { requests, tokens, submit } = intake();
    const { requestId } = await submit.execute(body());
    const token = tokens.issued.find((t) => t.purpose === 'verify')?.token ?? '';
    return { requests, tokens, requestId, token };
  }

  it('records the verified address and starts the workflow named by the request id', async () => {
    // Prepare
    const { requests, tokens, requestId, token } = await pending();
    const workflow = new MemoryWorkflow();

    // Act
    await new VerifyIdentity(requests, tokens, workflow).execute(token);

    // Assess
    expect(workflow.started).toEqual([requestId]);
    expect(requests.records.get(requestId)).toMatchObject({
      status: 'verified',
      verified: { email: 'ada@example.com' },
      verification: 'email_link',
    });
  });

  it('keeps the confirmation when starting the workflow fails (the sweeper starts it)', async () => {
    // Prepare
    const { requests, tokens, requestId, token } = await pending();
    const workflow = new MemoryWorkflow();
    workflow.start = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    };

    // Act
    const result = await new VerifyIdentity(requests, tokens, workflow).execute(token);

    // Assess
    expect(result.action).toBe('confirm');
    expect(requests.records.get(requestId)?.status).toBe('verified');
  });

  it('cancels on "this was not me" and forgets the address at once, keeping its keyed hash', async () => {
    // Prepare
    const { requests, tokens, requestId, token } = await pending();
    const workflow = new MemoryWorkflow();

    // Act
    await new VerifyIdentity(requests, tokens, workflow).execute(token, 'cancel');
    const again = new VerifyIdentity(requests, tokens, workflow).execute(token);

    // Assess
    await expect(again).rejects.toMatchObject({ name: 'InvalidTokenError' });
    const record = requests.records.get(requestId);
    expect(record).toMatchObject({ status: 'cancelled', subjectHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(record)).not.toContain('@');
    expect(workflow.started).toEqual([]);
  });

  it('says what confirming will do without consuming the link (peek)', async () => {
    // Prepare
    const { requests, tokens, token } = await pending();
    const verify = new VerifyIdentity(requests, tokens, new MemoryWorkflow());

    // Act
    const seen = await verify.peek(token);
    const confirmed = await verify.execute(token);

    // Assess
    expect(seen.type).toBe('deletion');
    expect(confirmed.action).toBe('confirm');
    await expect(verify.peek(token)).rejects.toMatchObject({ name: 'InvalidTokenError' });
  });
});

describe('Class: SubmitRequest (every right)', () => {
  const subject = { email: 'ada@example.com' };

  describe('Method: execute (checked against the systems configuration)', () => {
    it('refuses a correction of an attribute no system can correct, naming the field, storing and mailing nothing', async () => {
      // Prepare
      const { requests, mailer, submit, workflow } = intake();
      const request: SubmitRequestBody = {
        type: 'correction',
        regulation: 'gdpr',
        subject,
        corrections: [
          { attribute: 'name', value: 'Ada King' },
          { attribute: 'shoe_size', value: '38' },
        ],
      };

      // Act
      const refused = submit.execute(request, { clientIp: '203.0.113.7' });

      // Assess
      await expect(refused).rejects.toMatchObject({
        name: 'ValidationError',
        code: 'invalid_request',
        details: [
          {
            path: 'corrections.1.attribute',
            message: expect.stringMatching(/"shoe_size" cannot be corrected.*name, phone/),
          },
        ],
      });
      expect(requests.records.size).toBe(0);
      expect(mailer.sent).toHaveLength(0);
      expect(workflow.started).toHaveLength(0);
    });

    it('refuses withdrawing consent for a purpose no system records consent for, naming `purpose`', async () => {
      // Prepare
      const { requests, mailer, submit } = intake();

      // Act
      const refused = submit.execute({ type: 'withdraw_consent', regulation: 'gdpr', subject, purpose: 'telepathy' });

      // Assess
      await expect(refused).rejects.toMatchObject({
        name: 'ValidationError',
        details: [{ path: 'purpose', message: expect.stringContaining('newsletter') }],
      });
      expect(requests.records.size).toBe(0);
      expect(mailer.sent).toHaveLength(0);
    });

    it('stores what the workflow needs per right: corrections, scope, purpose, ground', async () => {
      // Prepare
      const { requests, submit } = intake();
      const common = { regulation: 'gdpr' as const, subject };

      // Act
      const correction = await submit.execute({
        type: 'correction',
        ...common,
        corrections: [{ attribute: 'phone', value: '+44 20 7946 0000', note: 'moved' }],
      });
      const objection = await submit.execute({ type: 'objection', ...common, scope: 'profiling' });
      const consent = await submit.execute({ type: 'withdraw_consent', ...common, purpose: 'newsletter' });
      const restriction = await submit.execute({ type: 'restriction', ...common, ground: 'accuracy_contested' });

      // Assess
      expect(requests.records.get(correction.requestId)).toMatchObject({
        type: 'correction',
        corrections: [{ attribute: 'phone', value: '+44 20 7946 0000', note: 'moved' }],
        status: 'pending_verification',
      });
      expect(requests.records.get(objection.requestId)).toMatchObject({ type: 'objection', scope: 'profiling' });
      expect(requests.records.get(consent.requestId)).toMatchObject({ purpose: 'newsletter' });
      expect(requests.records.get(restriction.requestId)).toMatchObject({ ground: 'accuracy_contested' });
    });

    it('keeps an opt-out of marketing and one of sale/sharing apart, and coalesces a repeat of either', async () => {
      // Prepare
      const { requests, submit } = intake();
      const optOut = (scope: 'marketing' | 'sale_sharing'): SubmitRequestBody => ({
        type: 'opt_out',
        regulation: 'ccpa',
        subject,
        scope,
      });

      // Act
      const marketing = await submit.execute(optOut('marketing'));
      const sale = await submit.execute(optOut('sale_sharing'));
      const marketingAgain = await submit.execute(optOut('marketing'));
      const saleAgain = await submit.execute(optOut('sale_sharing'));

      // Assess
      expect(sale.requestId).not.toBe(marketing.requestId);
      expect(marketingAgain.requestId).toBe(marketing.requestId);
      expect(saleAgain.requestId).toBe(sale.requestId);
      expect(requests.records.size).toBe(2);
    });

    it('keeps two different corrections apart but coalesces the same one repeated', async () => {
      // Prepare
      const { requests, submit } = intake();
      const correct = (value: string): SubmitRequestBody => ({
        type: 'correction',
        regulation: 'gdpr',
        subject,
        corrections: [{ attribute: 'name', value }],
      });

      // Act
      const first = await submit.execute(correct('Ada King'));
      const other = await submit.execute(correct('Ada Lovelace'));
      const repeat = await submit.execute(correct('Ada King'));

      // Assess
      expect(other.requestId).not.toBe(first.requestId);
      expect(repeat.requestId).toBe(first.requestId);
      expect(requests.records.size).toBe(2);
    });
  });

  describe('Method: execute (no verification: CCPA §7026(d), §7027(e))', () => {
    it.each([
      ['an opt-out of sale/sharing', { type: 'opt_out', scope: 'sale_sharing' }],
      ['a request to limit sensitive data', { type: 'limit_sensitive' }],
    ] as const)('records %s as verified-by-not_required, starts it at once and mails nothing', async (_, right) => {
      // Prepare
      const { requests, mailer, submit, workflow, tokens } = intake();

      // Act
      const answer = await submit.execute({ ...right, regulation: 'ccpa', subject } as SubmitRequestBody);

      // Assess
      expect(answer).toEqual({ requestId: answer.requestId, status: 'verified', statusToken: expect.any(String) });
      expect(requests.records.get(answer.requestId)).toMatchObject({
        status: 'verified',
        verification: 'not_required',
        // bound to the identifier given: the workflow acts on this one only
        verified: { email: 'ada@example.com' },
      });
      expect(workflow.started).toEqual([answer.requestId]);
      expect(mailer.sent).toHaveLength(0);
      expect(tokens.issued.filter((t) => t.purpose === 'verify')).toHaveLength(0);
    });

    it('gives each right its own statutory clock from the law’s pack, stored on the request', async () => {
      // Prepare: received on Monday 2026-11-23, in the week of Thanksgiving (Thursday 26 November)
      const { requests, submit } = intake({ now: () => new Date('2026-11-23T15:00:00.000Z') });

      // Act
      const optOut = await submit.execute({ type: 'opt_out', regulation: 'ccpa', subject, scope: 'sale_sharing' });
      const deletion = await submit.execute({ type: 'deletion', regulation: 'ccpa', subject });
      const access = await submit.execute({ type: 'access', regulation: 'gdpr', subject });

      // Assess: 15 business days for an opt-out of sale/sharing (11 CCR §7026(f)), 45 calendar days for a deletion
      // (§1798.130(a)(2)) with 10 business days to acknowledge (§7021(a)), one month under GDPR Art. 12(3)
      expect(requests.records.get(optOut.requestId)).toMatchObject({
        dueDate: '2026-12-15',
        clock: { pack: 'ccpa', type: 'opt_out', dueOn: '2026-12-15' },
      });
      expect(requests.records.get(deletion.requestId)).toMatchObject({
        dueDate: '2027-01-07',
        clock: { pack: 'ccpa', acknowledgeBy: '2026-12-08', extension: { available: true } },
      });
      expect(requests.records.get(access.requestId)).toMatchObject({ dueDate: '2026-12-23', clock: { pack: 'gdpr' } });
    });

    it('still needs verification for an opt-out of marketing', async () => {
      // Prepare
      const { requests, mailer, submit, workflow } = intake();

      // Act
      const answer = await submit.execute({ type: 'opt_out', regulation: 'ccpa', subject, scope: 'marketing' });

      // Assess
      expect(answer.status).toBe('pending_verification');
      expect(requests.records.get(answer.requestId)?.verification).toBeUndefined();
      expect(mailer.sent).toHaveLength(1);
      expect(workflow.started).toHaveLength(0);
    });

    it('answers 202-alike and keeps the request when the start fails (the sweeper starts verified requests)', async () => {
      // Prepare
      const { requests, submit, workflow } = intake();
      workflow.start = async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      };

      // Act
      const answer = await submit.execute({ type: 'limit_sensitive', regulation: 'ccpa', subject });

      // Assess
      expect(answer.status).toBe('verified');
      expect(requests.records.get(answer.requestId)).toMatchObject({
        status: 'verified',
        verification: 'not_required',
      });
    });

    it('coalesces a repeat while the first runs: same request, started once', async () => {
      // Prepare
      const { requests, submit, workflow } = intake();
      const optOut: SubmitRequestBody = { type: 'opt_out', regulation: 'ccpa', subject, scope: 'sale_sharing' };

      // Act
      const first = await submit.execute(optOut);
      const again = await submit.execute(optOut);

      // Assess
      expect(again.requestId).toBe(first.requestId);
      expect(workflow.started).toEqual([first.requestId]);
      expect(requests.records.size).toBe(1);
    });

    it('applies the per-client cap to opt-outs too', async () => {
      // Prepare
      const { requests, submit } = intake({
        limits: new MemoryIntakeLimits({ clientPerHour: 1, addressPerDay: 5, domainPerDay: 500 }),
      });
      await submit.execute({ type: 'limit_sensitive', regulation: 'ccpa', subject }, { clientIp: '203.0.113.7' });

      // Act
      const refused = submit.execute(
        { type: 'opt_out', regulation: 'ccpa', subject: { email: 'bob@example.com' }, scope: 'sale_sharing' },
        { clientIp: '203.0.113.7' },
      );

      // Assess
      await expect(refused).rejects.toBeInstanceOf(RateLimitedError);
      expect(requests.records.size).toBe(1);
    });
  });

  describe('Method: execute (Sec-GPC: 1, §7025)', () => {
    it('records one more request, an opt-out of sale/sharing for the same identifier, and says so', async () => {
      // Prepare
      const { requests, submit, workflow, mailer } = intake();

      // Act
      const answer = await submit.execute({ type: 'access', regulation: 'ccpa', subject }, { gpc: true });

      // Assess
      expect(answer.status).toBe('pending_verification');
      expect(answer.gpc).toEqual({ honoured: true, requestId: expect.any(String) });
      const optOut = requests.records.get(answer.gpc?.requestId ?? '');
      expect(optOut).toMatchObject({
        type: 'opt_out',
        scope: 'sale_sharing',
        regulation: 'ccpa',
        subject,
        verification: 'not_required',
        status: 'verified',
      });
      expect(workflow.started).toEqual([answer.gpc?.requestId]);
      // one mail: the access request's link; the opt-out needs none
      expect(mailer.sent).toHaveLength(1);
    });

    it('records nothing more when the request already is that opt-out', async () => {
      // Prepare
      const { requests, submit } = intake();

      // Act
      const answer = await submit.execute(
        { type: 'opt_out', regulation: 'ccpa', subject, scope: 'sale_sharing' },
        { gpc: true },
      );

      // Assess
      expect(answer.gpc).toEqual({ honoured: true });
      expect(requests.records.size).toBe(1);
    });

    it('answers an idempotent repeat with the same opt-out', async () => {
      // Prepare
      const { requests, submit, workflow } = intake();
      const access: SubmitRequestBody = { type: 'access', regulation: 'ccpa', subject };

      // Act
      const first = await submit.execute(access, { gpc: true, idempotencyKey: 'key-0000001' });
      const again = await submit.execute(access, { gpc: true, idempotencyKey: 'key-0000001' });

      // Assess
      expect(again).toEqual(first);
      expect(requests.records.size).toBe(2);
      expect(workflow.started).toHaveLength(1);
    });

    it('does not honour a refused request: nothing is recorded', async () => {
      // Prepare
      const { requests, submit } = intake();

      // Act
      const refused = submit.execute(
        { type: 'withdraw_consent', regulation: 'ccpa', subject, purpose: 'telepathy' },
        { gpc: true },
      );

      // Assess
      await expect(refused).rejects.toMatchObject({ name: 'ValidationError' });
      expect(requests.records.size).toBe(0);
    });
  });
});

describe('Class: MemoryRequests', () => {
  describe('Method: forgetSubject', () => {
    it('forgets the corrected values with the subject', async () => {
      // Prepare
      const { requests, submit } = intake();
      const { requestId } = await submit.execute({
        type: 'correction',
        regulation: 'gdpr',
        subject: { email: 'ada@example.com' },
        corrections: [{ attribute: 'name', value: 'Ada King' }],
      });
      await requests.advance(requestId, 'cancelled');

      // Act
      await requests.forgetSubject(requestId);

      // Assess
      expect(JSON.stringify(requests.records.get(requestId))).not.toMatch(/Ada King|@/);
    });
  });
});
