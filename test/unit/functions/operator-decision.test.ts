import { describe, expect, it } from 'vitest';
import { HoldRequest } from '../../../functions/hold-request/hold-request';
import { NotHeldError, TooLateToCancelError } from '../../../functions/operator-decision/errors';
import { OperatorDecision } from '../../../functions/operator-decision/operator-decision';
import { decide } from '../../../functions/core/policy/decide';
import type { Profile } from '../../../functions/core/policy/profile';
import { requestClock } from '../../../functions/core/domain/due-date';
import { loadProfile } from '../../../infra/config';
import { aRequest, MemoryMailer, MemoryRequests } from '../../support/fakes';
import { MemoryCallbacks } from '../../support/notice-fakes';

const NOW = new Date('2026-12-02T12:00:00.000Z');
const base = loadProfile('calsoft').profile;
/** Calsoft, with corrections reviewed by a person (11 CCR §7023(b)) and more than 3 requests a month held (Art. 12(5)) */
const reviewing: Profile = {
  ...base,
  operators: ['dpo@calsoft.example'],
  review: {
    rights: ['correction'],
    excessive: { max: 3, per: 'P1M', source: 'GDPR Art. 12(5): repetitive requests' },
    source: '11 CCR §7023(b): the totality of the circumstances',
  },
};

function setup() {
  const requests = new MemoryRequests(() => NOW);
  const mailer = new MemoryMailer();
  const callbacks = new MemoryCallbacks();
  const profileOf = () => reviewing;
  return {
    requests,
    mailer,
    callbacks,
    hold: new HoldRequest(requests, mailer, callbacks, profileOf, () => NOW),
    operator: new OperatorDecision(requests, mailer, callbacks, profileOf, () => NOW),
  };
}

/** A verified request the policy step held, with its clock. */
async function held(requests: MemoryRequests, overrides: Parameters<typeof aRequest>[0] = {}) {
  const record = aRequest({
    type: 'correction',
    regulation: 'uk_gdpr',
    status: 'verified',
    verified: { email: 'ada@example.com' },
    receivedAt: '2026-12-01T10:00:00.000Z',
    clock: requestClock(overrides.regulation ?? 'uk_gdpr', 'correction', new Date('2026-12-01T10:00:00.000Z')),
    decision: {
      outcome: 'hold',
      reasons: [{ code: 'review_required', source: '11 CCR §7023(b)' }],
      at: NOW.toISOString(),
      profile: { id: 'calsoft', version: '1.0.0' },
      by: 'policy',
    },
    ...overrides,
  });
  await requests.create(record);
  return record;
}

describe('Function: decide (holds)', () => {
  it('holds a right the profile has a person review, and a subject past the excessive volume; a denial wins', () => {
    // Prepare
    const request = aRequest({ type: 'correction', regulation: 'gdpr', receivedAt: '2026-12-01T10:00:00.000Z' });
    const busy = ['2026-11-05', '2026-11-12', '2026-11-20'].map((d, i) => ({
      requestId: `e${i}`,
      type: 'access' as const,
      status: 'completed' as const,
      receivedAt: `${d}T10:00:00.000Z`,
    }));

    // Act & Assess
    expect(decide({ request, profile: reviewing, earlier: [] })).toEqual({
      outcome: 'hold',
      reasons: [{ code: 'review_required', source: expect.stringContaining('§7023') }],
    });
    expect(decide({ request: { ...request, type: 'access' }, profile: reviewing, earlier: busy })).toEqual({
      outcome: 'hold',
      reasons: [{ code: 'possibly_excessive', source: expect.stringContaining('12(5)') }],
    });
    expect(decide({ request: { ...request, type: 'access' }, profile: reviewing, earlier: busy.slice(1) })).toEqual({
      outcome: 'go',
    });
    expect(decide({ request: { ...request, regulation: 'tdpsa' }, profile: reviewing, earlier: [] })).toMatchObject({
      outcome: 'deny',
    });
  });
});

describe('Function: decide (verification level)', () => {
  it('holds a right the profile verifies to a high degree for a person to check the evidence (11 CCR §7062(c))', () => {
    // Prepare
    const strict: Profile = {
      ...base,
      verification: { high: ['deletion'], source: '11 CCR §7062(c): a reasonably high degree of certainty' },
    };
    const request = aRequest({ type: 'deletion', regulation: 'ccpa', receivedAt: '2026-12-01T10:00:00.000Z' });

    // Act & Assess
    expect(decide({ request, profile: strict, earlier: [] })).toEqual({
      outcome: 'hold',
      reasons: [{ code: 'verification_review', source: expect.stringContaining('§7062(c)') }],
    });
    expect(decide({ request: { ...request, type: 'access' }, profile: strict, earlier: [] })).toEqual({
      outcome: 'go',
    });
  });
});

describe('Class: HoldRequest', () => {
  it('keeps the task token on the request and tells the operators once, by reference only', async () => {
    // Prepare
    const { requests, mailer, hold } = setup();
    const record = await held(requests);

    // Act
    await hold.execute(record.requestId, 'token-1');
    await hold.execute(record.requestId, 'token-2');

    // Assess
    const stored = await requests.load(record.requestId);
    expect(stored.hold).toEqual({ taskToken: 'token-2', since: NOW.toISOString() });
    expect(mailer.sent.map((m) => m.to)).toEqual(['dpo@calsoft.example']);
    expect(mailer.sent[0]?.text).toContain(`npx dsar show ${record.requestId}`);
    expect(mailer.sent[0]?.text).toContain('review_required');
    expect(mailer.sent[0]?.text).not.toContain('ada@example.com');
  });

  it('answers at once a task of a request the operator already settled', async () => {
    // Prepare
    const { requests, callbacks, hold } = setup();
    const record = await held(requests);
    await requests.update(record.requestId, {
      decision: { outcome: 'go', reasons: [], at: NOW.toISOString(), profile: { id: 'calsoft', version: '1.0.0' } },
    });

    // Act
    await hold.execute(record.requestId, 'token-3');

    // Assess
    expect(callbacks.completed).toEqual([{ taskToken: 'token-3', output: { outcome: 'go', reasons: [] } }]);
  });
});

describe('Class: OperatorDecision', () => {
  describe('Method: approve', () => {
    it('lets the held request go on and answers its waiting task', async () => {
      // Prepare
      const { requests, callbacks, hold, operator } = setup();
      const record = await held(requests);
      await hold.execute(record.requestId, 'token-1');

      // Act
      await operator.approve(record.requestId);

      // Assess
      const stored = await requests.load(record.requestId);
      expect(stored.decision).toMatchObject({ outcome: 'go', by: 'operator' });
      expect(stored.hold?.settledAt).toBe(NOW.toISOString());
      expect(callbacks.completed).toEqual([{ taskToken: 'token-1', output: { outcome: 'go', reasons: [] } }]);
    });

    it('refuses a request that is not waiting for a decision', async () => {
      // Prepare
      const { requests, operator } = setup();
      const record = aRequest({ status: 'verified' });
      await requests.create(record);

      // Act & Assess
      await expect(operator.approve(record.requestId)).rejects.toBeInstanceOf(NotHeldError);
    });
  });

  describe('Method: deny', () => {
    it('mails the subject the operator’s reason with the complaint route, ends the request rejected, answers the task', async () => {
      // Prepare
      const { requests, mailer, callbacks, hold, operator } = setup();
      const record = await held(requests);
      await hold.execute(record.requestId, 'token-1');

      // Act
      await operator.deny(record.requestId, 'The record you asked us to correct is accurate, as your invoice shows.');

      // Assess
      const stored = await requests.load(record.requestId);
      const toSubject = mailer.sent.filter((m) => m.to === 'ada@example.com');
      expect(stored.status).toBe('rejected');
      expect(stored.decision?.reasons).toEqual([{ code: 'operator', source: expect.stringContaining('accurate') }]);
      expect(toSubject).toHaveLength(1);
      expect(toSubject[0]?.text).toContain('- The record you asked us to correct is accurate');
      expect(toSubject[0]?.text).toContain("the Information Commissioner's Office: https://ico.org.uk/");
      expect(callbacks.completed.at(-1)).toEqual({
        taskToken: 'token-1',
        output: { outcome: 'deny', reasons: ['operator'] },
      });
    });

    it('refuses a denial without a reason, changing nothing', async () => {
      // Prepare
      const { requests, mailer, operator } = setup();
      const record = await held(requests);

      // Act & Assess
      await expect(operator.deny(record.requestId, '  ')).rejects.toMatchObject({ code: 'invalid_request' });
      expect((await requests.load(record.requestId)).status).toBe('verified');
      expect(mailer.sent).toEqual([]);
    });
  });

  describe('Method: clarify', () => {
    it('pauses a UK access clock while the subject is asked (Art. 12A), and resumes it on approval, the paused days added', async () => {
      // Prepare
      let now = NOW;
      const requests = new MemoryRequests(() => now);
      const mailer = new MemoryMailer();
      const callbacks = new MemoryCallbacks();
      const operator = new OperatorDecision(
        requests,
        mailer,
        callbacks,
        () => reviewing,
        () => now,
      );
      const record = await held(requests, {
        type: 'access',
        clock: requestClock('uk_gdpr', 'access', new Date('2026-12-01T10:00:00.000Z')),
      });
      const due = record.clock?.dueOn;

      // Act
      const asked = await operator.clarify(record.requestId, 'Which of your two accounts do you mean?');
      now = new Date('2026-12-12T09:00:00.000Z');
      await operator.approve(record.requestId);

      // Assess
      const stored = await requests.load(record.requestId);
      expect(asked).toEqual({ paused: true });
      expect(mailer.sent[0]?.text).toContain('Which of your two accounts');
      expect(mailer.sent[0]?.text).toContain('stands still');
      expect(stored.clock?.pauses).toEqual([{ from: '2026-12-02', to: '2026-12-12', reason: 'clarification' }]);
      expect(stored.dueDate > (due ?? '')).toBe(true);
      expect(stored.clarification?.answeredAt).toBe(now.toISOString());
    });

    it('asks without pausing where the law keeps the clock running (a CCPA correction)', async () => {
      // Prepare
      const { requests, mailer, operator } = setup();
      const record = await held(requests, {
        regulation: 'ccpa',
        clock: requestClock('ccpa', 'correction', new Date('2026-12-01T10:00:00.000Z')),
      });

      // Act
      const asked = await operator.clarify(record.requestId, 'Which address should we correct?');

      // Assess
      expect(asked).toEqual({ paused: false });
      expect(mailer.sent[0]?.text).not.toContain('stands still');
      expect((await requests.load(record.requestId)).clock?.pauses).toEqual([]);
    });
  });

  describe('Method: cancel', () => {
    it('cancels a held request, telling the subject why, and releases the waiting task', async () => {
      // Prepare
      const { requests, mailer, callbacks, hold, operator } = setup();
      const record = await held(requests);
      await hold.execute(record.requestId, 'token-1');

      // Act
      await operator.cancel(record.requestId, 'You asked us by phone to withdraw it.');

      // Assess
      expect((await requests.load(record.requestId)).status).toBe('cancelled');
      expect(mailer.sent.at(-1)?.text).toContain('withdraw it');
      expect(callbacks.completed.at(-1)?.output).toEqual({ outcome: 'deny', reasons: ['operator'] });
    });

    it('refuses to cancel a request already being answered', async () => {
      // Prepare
      const { requests, operator } = setup();
      const record = aRequest({ status: 'locating' });
      await requests.create(record);

      // Act & Assess
      await expect(operator.cancel(record.requestId, 'too late')).rejects.toBeInstanceOf(TooLateToCancelError);
    });
  });
});
