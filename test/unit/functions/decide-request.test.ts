import { describe, expect, it } from 'vitest';
import { DecideRequest } from '../../../functions/decide-request/decide-request';
import { loadProfile } from '../../../infra/config';
import type { Profile } from '../../../functions/core/policy/profile';
import { aRequest, MemoryMailer, MemoryRequests } from '../../support/fakes';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const softpire = loadProfile('softpire').profile;

function setup(profile: Profile = softpire) {
  const requests = new MemoryRequests(() => NOW);
  const mailer = new MemoryMailer();
  const decideRequest = new DecideRequest(
    requests,
    mailer,
    () => profile,
    () => NOW,
  );
  return { requests, mailer, decideRequest };
}

const verified = (overrides: Parameters<typeof aRequest>[0] = {}) =>
  aRequest({
    status: 'verified',
    regulation: 'ccpa',
    subjectHash: 'h-ada',
    verified: { email: 'ada@example.com' },
    receivedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  });

describe('Class: DecideRequest', () => {
  describe('Method: execute', () => {
    it('records a go with the profile and its version, mails nothing, and leaves the status to the plan', async () => {
      // Prepare
      const { requests, mailer, decideRequest } = setup();
      const record = verified();
      await requests.create(record);

      // Act
      const output = await decideRequest.execute(record.requestId);

      // Assess
      expect(output).toEqual({ outcome: 'go', reasons: [] });
      expect((await requests.load(record.requestId)).decision).toMatchObject({
        outcome: 'go',
        reasons: [],
        profile: { id: 'softpire', version: '1.0.0' },
      });
      expect(mailer.sent).toEqual([]);
    });

    it('denies a third copy in 12 months: rejected, the reason recorded, and the subject mailed why and where to complain', async () => {
      // Prepare
      const { requests, mailer, decideRequest } = setup();
      for (const [i, at] of ['2026-03-01', '2026-07-01'].entries())
        await requests.create(
          verified({
            requestId: `00000000-0000-4000-8000-00000000000${i}`,
            status: 'completed',
            receivedAt: `${at}T09:00:00.000Z`,
          }),
        );
      const record = verified();
      await requests.create(record);

      // Act
      const output = await decideRequest.execute(record.requestId);

      // Assess
      const stored = await requests.load(record.requestId);
      expect(output).toEqual({ outcome: 'deny', reasons: ['frequency_limit'] });
      expect(stored.status).toBe('rejected');
      expect(stored.decision?.mailedAt).toBe(NOW.toISOString());
      expect(mailer.sent).toHaveLength(1);
      expect(mailer.sent[0]?.to).toBe('ada@example.com');
      expect(mailer.sent[0]?.text).toContain('You have already made 2 such requests in the period of 12 months');
      expect(mailer.sent[0]?.text).toContain('California Privacy Protection Agency');
      expect(mailer.sent[0]?.text).toContain(record.requestId);
    });

    it('decides once: a re-run after the denial mails nothing more and reports the same decision', async () => {
      // Prepare
      const { requests, mailer, decideRequest } = setup();
      const record = verified({ regulation: 'gdpr' });
      await requests.create(record);
      const first = await decideRequest.execute(record.requestId);

      // Act
      const again = await decideRequest.execute(record.requestId);

      // Assess
      expect(first).toEqual({ outcome: 'deny', reasons: ['outside_jurisdiction'] });
      expect(again).toEqual(first);
      expect(mailer.sent).toHaveLength(1);
    });

    it('mails a denial whose first run died before the mail, exactly once', async () => {
      // Prepare: a decision recorded, no mail, still open (the step died in between)
      const { requests, mailer, decideRequest } = setup();
      const record = verified({
        regulation: 'gdpr',
        decision: {
          outcome: 'deny',
          reasons: [{ code: 'outside_jurisdiction', source: 'profile softpire' }],
          at: NOW.toISOString(),
          profile: { id: 'softpire', version: '1.0.0' },
        },
      });
      await requests.create(record);

      // Act
      await decideRequest.execute(record.requestId);
      await decideRequest.execute(record.requestId);

      // Assess
      expect(mailer.sent).toHaveLength(1);
      expect((await requests.load(record.requestId)).status).toBe('rejected');
    });

    it('refers an end user to the customer they named and forwards the request to its privacy contact', async () => {
      // Prepare
      const base = loadProfile('softranet').profile;
      const profile: Profile = {
        ...base,
        subjects: {
          ...base.subjects,
          end_user: {
            handling: 'refer_to_controller',
            source: 'test',
            controllers: [{ name: 'Acme Ltd', contact: 'privacy@acme.example' }],
          },
        },
      };
      const { requests, mailer, decideRequest } = setup(profile);
      const record = verified({ regulation: 'gdpr', relationship: 'end_user', controller: 'acme ltd' });
      await requests.create(record);

      // Act
      const output = await decideRequest.execute(record.requestId);

      // Assess
      expect(output).toEqual({ outcome: 'deny', reasons: ['processor_referral'] });
      expect(mailer.sent.map((m) => m.to)).toEqual(['privacy@acme.example', 'ada@example.com']);
      expect(mailer.sent[0]?.text).toContain('from ada@example.com');
      expect(mailer.sent[1]?.subject).toBe('Where to send your privacy request');
      expect(mailer.sent[1]?.text).toContain('on behalf of acme ltd');
      expect((await requests.load(record.requestId)).decision?.forwardedTo).toBe('Acme Ltd');
    });

    it('leaves an ended request alone: no decision, no mail', async () => {
      // Prepare
      const { requests, mailer, decideRequest } = setup();
      const record = verified({ status: 'cancelled', regulation: 'gdpr' });
      await requests.create(record);

      // Act
      const output = await decideRequest.execute(record.requestId);

      // Assess
      expect(output).toEqual({ outcome: 'go', reasons: [] });
      expect((await requests.load(record.requestId)).decision).toBeUndefined();
      expect(mailer.sent).toEqual([]);
    });
  });
});
