import { beforeEach, describe, expect, it } from 'vitest';
import { SendVerification } from '../../../functions/send-verification/send-verification';
import { VerifyIdentity } from '../../../functions/verify-identity/verify-identity';
import { ExpireRequest } from '../../../functions/expire-request/expire-request';
import { InvalidTokenError } from '../../../functions/core/domain/errors';
import { MemoryMailer, MemoryRequests, MemoryTokens, MemoryWorkflow, aRequest } from '../../support/fakes';

const NOW = new Date('2026-11-02T09:00:00Z');

describe('Class: SendVerification', () => {
  let requests: MemoryRequests;
  let tokens: MemoryTokens;
  let mailer: MemoryMailer;
  let workflow: MemoryWorkflow;
  let step: SendVerification;

  beforeEach(async () => {
    requests = new MemoryRequests();
    tokens = new MemoryTokens();
    mailer = new MemoryMailer();
    workflow = new MemoryWorkflow();
    step = new SendVerification({
      requests,
      tokens,
      mailer,
      workflow,
      apiUrl: 'https://api.example/',
      ttlSeconds: 3600,
      now: () => NOW,
    });
    await requests.create(aRequest());
  });

  describe('Method: execute', () => {
    it('mails a single-use link to the address on the request and waits on the task token', async () => {
      // Act
      await step.execute(aRequest().requestId, 'task-token-1');

      // Assess
      const record = await requests.get(aRequest().requestId);
      expect(record).toMatchObject({
        status: 'pending_verification',
        verifyTaskToken: 'task-token-1',
        verificationExpiresAt: '2026-11-02T10:00:00.000Z',
      });
      expect(mailer.sent).toHaveLength(1);
      expect(mailer.sent[0]?.to).toBe('ada@example.com');
      expect(mailer.sent[0]?.text).toContain(`https://api.example/verify?token=${tokens.issued[0]?.token}`);
      expect(tokens.issued[0]).toMatchObject({ purpose: 'verify', ttlSeconds: 3600 });
      expect(workflow.completed).toHaveLength(0);
    });

    it('run again while the link is valid, only records the new task token (no second mail)', async () => {
      // Prepare
      await step.execute(aRequest().requestId, 'task-token-1');

      // Act
      await step.execute(aRequest().requestId, 'task-token-2');

      // Assess
      expect(mailer.sent).toHaveLength(1);
      expect((await requests.get(aRequest().requestId))?.verifyTaskToken).toBe('task-token-2');
    });

    it('releases the workflow at once for a request already verified', async () => {
      // Prepare
      await requests.advance(aRequest().requestId, 'verified', { verified: { email: 'ada@example.com' } });

      // Act
      await step.execute(aRequest().requestId, 'task-token-3');

      // Assess
      expect(workflow.completed).toEqual([{ taskToken: 'task-token-3', output: { verified: true } }]);
      expect(mailer.sent).toHaveLength(0);
    });
  });
});

describe('Class: VerifyIdentity', () => {
  it('records only the verified address, consumes the token and completes the waiting task once', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    const workflow = new MemoryWorkflow();
    await requests.create(
      aRequest({
        status: 'pending_verification',
        verifyTaskToken: 'task-token',
        subject: { email: 'ada@example.com', name: 'Ada' },
      }),
    );
    const token = await tokens.issue('verify', aRequest().requestId, 60);
    const verify = new VerifyIdentity(requests, tokens, workflow, () => NOW);

    // Act
    await verify.execute(token);
    const second = verify.execute(token);

    // Assess
    await expect(second).rejects.toBeInstanceOf(InvalidTokenError);
    expect(await requests.get(aRequest().requestId)).toMatchObject({
      status: 'verified',
      verified: { email: 'ada@example.com' },
      verifiedAt: NOW.toISOString(),
    });
    expect(workflow.completed).toEqual([{ taskToken: 'task-token', output: { verified: true } }]);
  });

  it.each([
    ['a forged token', 'forged-token-0000000000000000000000000000'],
    ['no token', undefined],
  ])('refuses %s and changes nothing', async (_, token) => {
    // Prepare
    const requests = new MemoryRequests();
    const workflow = new MemoryWorkflow();
    await requests.create(aRequest({ status: 'pending_verification', verifyTaskToken: 'task-token' }));

    // Act
    const result = new VerifyIdentity(requests, new MemoryTokens(), workflow).execute(token);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InvalidTokenError);
    expect((await requests.get(aRequest().requestId))?.status).toBe('pending_verification');
    expect(workflow.completed).toHaveLength(0);
  });

  it('refuses a download token used as a verification token', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    await requests.create(aRequest({ status: 'pending_verification', verifyTaskToken: 'task-token' }));
    const downloadToken = await tokens.issue('download', aRequest().requestId, 60);

    // Act
    const result = new VerifyIdentity(requests, tokens, new MemoryWorkflow()).execute(downloadToken);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InvalidTokenError);
  });
});

describe('Class: ExpireRequest', () => {
  it('expires an unverified request and tells the address, once', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const mailer = new MemoryMailer();
    await requests.create(aRequest({ status: 'pending_verification' }));
    const expire = new ExpireRequest(requests, mailer, () => NOW);

    // Act
    const first = await expire.execute(aRequest().requestId);
    const second = await expire.execute(aRequest().requestId);

    // Assess
    expect(first).toEqual({ expired: true });
    expect(second).toEqual({ expired: true });
    expect((await requests.get(aRequest().requestId))?.status).toBe('expired');
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.subject).toMatch(/expired/);
  });

  it('leaves a request verified meanwhile alone', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const mailer = new MemoryMailer();
    await requests.create(aRequest({ status: 'verified' }));

    // Act
    const result = await new ExpireRequest(requests, mailer).execute(aRequest().requestId);

    // Assess
    expect(result).toEqual({ expired: false });
    expect((await requests.get(aRequest().requestId))?.status).toBe('verified');
    expect(mailer.sent).toHaveLength(0);
  });
});

describe('Class: SendVerification (a restart racing the link)', () => {
  it('releases the new task itself when the link was followed while it was recording the new token', async () => {
    // Prepare: a request whose link is valid; the subject confirms just as the step re-runs
    const requests = new MemoryRequests();
    const workflow = new MemoryWorkflow();
    await requests.create(
      aRequest({
        status: 'pending_verification',
        verificationSentAt: '2026-11-02T08:00:00.000Z',
        verificationExpiresAt: '2026-11-03T08:00:00.000Z',
        verifyTaskToken: 'old',
      }),
    );
    const racing = Object.assign(Object.create(requests) as MemoryRequests, {
      update: async (id: string, patch: object) => {
        await requests.update(id, patch);
        await requests.advance(id, 'verified', { verified: { email: 'ada@example.com' } });
      },
    });
    const step = new SendVerification({
      requests: racing,
      tokens: new MemoryTokens(),
      mailer: new MemoryMailer(),
      workflow,
      apiUrl: 'https://api.example',
      ttlSeconds: 60,
      now: () => NOW,
    });

    // Act
    await step.execute(aRequest().requestId, 'new');

    // Assess
    expect(workflow.completed).toEqual([{ taskToken: 'new', output: { verified: true } }]);
  });
});
