import { describe, expect, it } from 'vitest';
import { AppealRequest } from '../../../functions/appeal-request/appeal-request';
import { InvalidTokenError } from '../../../functions/core/domain/errors';
import { requestClock } from '../../../functions/core/domain/due-date';
import { APPEAL_WINDOW_DAYS, Denial } from '../../../functions/core/policy/denial';
import { loadProfile } from '../../../infra/config';
import { aRequest, MemoryMailer, MemoryRequests, MemoryTokens, MemoryWorkflow } from '../../support/fakes';

const NOW = new Date('2026-12-03T09:00:00.000Z');
const rsoft = loadProfile('rsoft').profile;
const decision = {
  outcome: 'deny' as const,
  reasons: [{ code: 'right_not_offered' as const, source: 'Va. Code §59.1-577(A)' }],
  at: NOW.toISOString(),
  profile: { id: 'rsoft', version: '1.0.0' },
};

function setup() {
  const requests = new MemoryRequests(() => NOW);
  const mailer = new MemoryMailer();
  const tokens = new MemoryTokens();
  const workflow = new MemoryWorkflow();
  const denial = new Denial(requests, mailer, { tokens, apiUrl: 'https://api.example' }, () => NOW);
  const appeals = new AppealRequest(requests, tokens, workflow, () => NOW);
  return { requests, mailer, tokens, workflow, denial, appeals };
}

/** A verified restriction request under the law given, denied through `Denial` (as the policy step does). */
async function denied(s: ReturnType<typeof setup>, regulation: 'vcdpa' | 'gdpr' | 'cpa' = 'vcdpa') {
  const record = aRequest({
    type: 'restriction',
    regulation,
    status: 'verified',
    subjectHash: 'h-ada',
    verified: { email: 'ada@example.com' },
    receivedAt: '2026-12-01T10:00:00.000Z',
    clock: requestClock(regulation, 'restriction', new Date('2026-12-01T10:00:00.000Z')),
    decision: { ...decision, outcome: 'deny' },
  });
  await s.requests.create(record);
  await s.denial.send(record, record.decision as NonNullable<typeof record.decision>, rsoft);
  return record;
}

describe('Class: Denial', () => {
  it('offers a Virginia appeal through a single-use link valid for the appeal window, and keeps that date on the request', async () => {
    // Prepare
    const s = setup();

    // Act
    const record = await denied(s);

    // Assess
    const stored = await s.requests.load(record.requestId);
    const [token] = s.tokens.issued;
    expect(stored.status).toBe('rejected');
    expect(token).toMatchObject({
      purpose: 'appeal',
      requestId: record.requestId,
      ttlSeconds: APPEAL_WINDOW_DAYS * 86_400,
    });
    expect(stored.decision?.appealUntil).toBe('2027-02-01T23:59:59.999Z');
    expect(s.mailer.sent[0]?.text).toContain(`https://api.example/appeal?token=${token?.token}`);
    expect(s.mailer.sent[0]?.text).toContain('open this link by 2027-02-01');
  });

  it('offers no appeal where the law gives none (GDPR), only the complaint route', async () => {
    // Prepare
    const s = setup();

    // Act
    const record = await denied(s, 'gdpr');

    // Assess
    expect(s.tokens.issued).toEqual([]);
    expect((await s.requests.load(record.requestId)).decision?.appealUntil).toBeUndefined();
    expect(s.mailer.sent[0]?.text).not.toContain('appeal');
    expect(s.mailer.sent[0]?.text).toContain('complain to the data protection supervisory authority');
  });
});

describe('Class: AppealRequest', () => {
  describe('Method: execute', () => {
    it('records the appeal as a request of the same right, held for an operator, due by the appeal clock, and starts it', async () => {
      // Prepare
      const s = setup();
      const original = await denied(s);
      const token = s.tokens.issued[0]?.token;

      // Act
      const { appealId } = await s.appeals.execute(token, '  I never agreed to this processing.  ');

      // Assess
      const appeal = await s.requests.load(appealId);
      expect(appeal).toMatchObject({
        type: 'restriction',
        regulation: 'vcdpa',
        status: 'verified',
        appealOf: original.requestId,
        appealReason: 'I never agreed to this processing.',
        subject: { email: 'ada@example.com' },
        subjectHash: 'h-ada',
        // Va. Code §59.1-577(C): 60 days from the appeal's receipt
        dueDate: '2027-02-01',
        decision: { outcome: 'hold', reasons: [{ code: 'appeal', source: expect.stringContaining('§59.1-577(C)') }] },
      });
      expect(s.workflow.started).toEqual([appealId]);
    });

    it('takes one appeal per denial: the link is spent, and an appeal cannot itself be appealed by it', async () => {
      // Prepare
      const s = setup();
      await denied(s);
      const token = s.tokens.issued[0]?.token;
      await s.appeals.execute(token, 'first');

      // Act & Assess
      await expect(s.appeals.execute(token, 'second')).rejects.toBeInstanceOf(InvalidTokenError);
      await expect(s.appeals.execute('forged', 'third')).rejects.toBeInstanceOf(InvalidTokenError);
      expect(s.workflow.started).toHaveLength(1);
    });

    it('refuses an appeal without its reasons, spending nothing', async () => {
      // Prepare
      const s = setup();
      await denied(s);
      const token = s.tokens.issued[0]?.token;

      // Act & Assess
      await expect(s.appeals.execute(token, '   ')).rejects.toMatchObject({ code: 'invalid_request' });
      expect(s.tokens.issued[0]?.used).toBe(false);
    });

    it('refuses the link once the denied request forgot its subject (the window closed)', async () => {
      // Prepare
      const s = setup();
      const original = await denied(s);
      await s.requests.forgetSubject(original.requestId);

      // Act & Assess
      await expect(s.appeals.peek(s.tokens.issued[0]?.token)).rejects.toBeInstanceOf(InvalidTokenError);
    });
  });
});
