import { describe, expect, it } from 'vitest';
import { requestClock } from '../../../functions/core/domain/due-date';
import { RightDeniedByPolicyError, RightRequiredError } from '../../../functions/operator-decision/errors';
import { OperatorDecision } from '../../../functions/operator-decision/operator-decision';
import { loadProfile } from '../../../infra/config';
import { aRequest, MemoryMailer, MemoryRequests } from '../../support/fakes';
import { MemoryCallbacks } from '../../support/notice-fakes';

const NOW = new Date('2026-12-02T12:00:00.000Z');
const RECEIVED = '2026-12-01T10:00:00.000Z';
const softpire = loadProfile('softpire').profile;

function setup() {
  const requests = new MemoryRequests(() => NOW);
  const callbacks = new MemoryCallbacks();
  const operator = new OperatorDecision(
    requests,
    new MemoryMailer(),
    callbacks,
    () => softpire,
    () => NOW,
  );
  return { requests, callbacks, operator };
}

/** A mailed request whose words named no right: verified, held as type_unclear, waiting on its task token. */
async function unclear(requests: MemoryRequests, overrides: Parameters<typeof aRequest>[0] = {}) {
  const record = aRequest({
    type: 'access',
    regulation: 'ccpa',
    channel: 'email',
    typeUnclear: true,
    subjectHash: 'h1',
    status: 'verified',
    verified: { email: 'ada@example.com' },
    receivedAt: RECEIVED,
    clock: requestClock('ccpa', 'access', new Date(RECEIVED)),
    decision: {
      outcome: 'hold',
      reasons: [{ code: 'type_unclear', source: 'GDPR Art. 12(2)' }],
      at: NOW.toISOString(),
      profile: { id: 'softpire', version: '1.0.0' },
      by: 'policy',
    },
    hold: { taskToken: 'task-1', since: NOW.toISOString() },
    ...overrides,
  });
  await requests.create(record);
  return record;
}

describe('Class: OperatorDecision', () => {
  describe('Method: approve (a mail whose right was unclear)', () => {
    it('sets the right the operator chose, with its own clock, and lets the request go on', async () => {
      // Prepare
      const { requests, callbacks, operator } = setup();
      const record = await unclear(requests);

      // Act
      await operator.approve(record.requestId, { right: 'deletion' });

      // Assess
      const after = await requests.load(record.requestId);
      expect(after).toMatchObject({ type: 'deletion', typeUnclear: true, decision: { outcome: 'go', by: 'operator' } });
      expect(after.clock?.type).toBe('deletion');
      expect(after.dueDate).toBe(after.clock?.dueOn);
      expect(callbacks.completed).toEqual([{ taskToken: 'task-1', output: { outcome: 'go', reasons: [] } }]);
    });

    it('sets an opt-out with its scope', async () => {
      // Prepare
      const { requests, operator } = setup();
      const record = await unclear(requests);

      // Act
      await operator.approve(record.requestId, { right: 'opt_out', scope: 'marketing' });

      // Assess
      expect(await requests.load(record.requestId)).toMatchObject({ type: 'opt_out', scope: 'marketing' });
    });

    it('refuses to approve it without a right, changing nothing', async () => {
      // Prepare
      const { requests, callbacks, operator } = setup();
      const record = await unclear(requests);

      // Act
      const approving = operator.approve(record.requestId);

      // Assess
      await expect(approving).rejects.toBeInstanceOf(RightRequiredError);
      expect((await requests.load(record.requestId)).decision?.outcome).toBe('hold');
      expect(callbacks.completed).toHaveLength(0);
    });

    it('refuses a right the policy denies, changing nothing (the operator denies it in words instead)', async () => {
      // Prepare: Softpire answers under the CCPA only, which gives no restriction, and does not offer one
      const { requests, callbacks, operator } = setup();
      const record = await unclear(requests);

      // Act
      const approving = operator.approve(record.requestId, { right: 'restriction' });

      // Assess
      await expect(approving).rejects.toBeInstanceOf(RightDeniedByPolicyError);
      await expect(approving).rejects.toThrow(/right_not_offered/);
      expect((await requests.load(record.requestId)).type).toBe('access');
      expect(callbacks.completed).toHaveLength(0);
    });

    it.each([
      [{ right: 'correction' as const }, /only the subject can give/],
      [{ right: 'opt_out' as const }, /needs --scope/],
      [{ right: 'deletion' as const, scope: 'marketing' as const }, /takes no --scope/],
    ])('refuses %j as a usage error', async (choice, message) => {
      // Prepare
      const { requests, operator } = setup();
      const record = await unclear(requests);

      // Act
      const approving = operator.approve(record.requestId, choice);

      // Assess
      await expect(approving).rejects.toMatchObject({ name: 'ValidationError' });
      await expect(approving).rejects.toSatisfy(
        (e: { details?: { message: string }[] }) => e.details?.some((d) => message.test(d.message)) === true,
      );
      expect((await requests.load(record.requestId)).type).toBe('access');
    });

    it('refuses a right for a request that names its own', async () => {
      // Prepare
      const { requests, operator } = setup();
      const record = await unclear(requests, {
        typeUnclear: undefined,
        decision: {
          outcome: 'hold',
          reasons: [{ code: 'review_required', source: 'x' }],
          at: NOW.toISOString(),
          profile: { id: 'softpire', version: '1.0.0' },
        },
      });

      // Act
      const approving = operator.approve(record.requestId, { right: 'deletion' });

      // Assess
      await expect(approving).rejects.toMatchObject({ name: 'ValidationError' });
      expect((await requests.load(record.requestId)).type).toBe('access');
    });
  });
});
