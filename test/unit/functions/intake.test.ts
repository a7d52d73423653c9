import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../functions/core/domain/errors';
import type { SubmitRequestBody } from '../../../functions/core/domain/request';
import { SubmitRequest } from '../../../functions/submit-request/submit-request';
import { VerifyIdentity } from '../../../functions/verify-identity/verify-identity';
import { MemoryIntakeLimits, MemoryMailer, MemoryRequests, MemoryTokens, MemoryWorkflow } from '../../support/fakes';

const KEY = 'k'.repeat(64);
const body = (email = 'ada@example.com', type: 'access' | 'deletion' = 'deletion'): SubmitRequestBody => ({
  type,
  regulation: 'ccpa',
  subject: { email },
});

function intake(options: { now?: () => Date; mailer?: MemoryMailer; limits?: MemoryIntakeLimits } = {}) {
  const requests = new MemoryRequests();
  const tokens = new MemoryTokens();
  const mailer = options.mailer ?? new MemoryMailer();
  const submit = new SubmitRequest({
    requests,
    tokens,
    mailer,
    limits: options.limits ?? new MemoryIntakeLimits(),
    hashKey: async () => KEY,
    apiUrl: 'https://api.example',
    verificationTtlSeconds: 7 * 86_400,
    statusTokenTtlSeconds: 60,
    now: options.now,
  });
  return { requests, tokens, mailer, submit };
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
