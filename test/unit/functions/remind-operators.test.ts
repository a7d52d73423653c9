import { describe, expect, it } from 'vitest';
import { requestClock } from '../../../functions/core/domain/due-date';
import type { QueueRow } from '../../../functions/core/domain/queue';
import type { RequestRecord } from '../../../functions/core/domain/request-record';
import type { MailMessage, Mailer } from '../../../functions/core/ports';
import { RemindersNotSentError } from '../../../functions/remind-operators/errors';
import { RemindOperators, reminderDigest } from '../../../functions/remind-operators/remind-operators';
import { aRequest, MemoryMailer, MemoryRequests } from '../../support/fakes';

const NOW = new Date('2026-12-10T08:00:00.000Z');
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const OPERATORS = ['privacy@softpire.example', 'dpo@softpire.example'];
const HOLD = {
  outcome: 'hold' as const,
  reasons: [{ code: 'review_required' as const, source: 'a person checks every copy' }],
  at: '2026-12-01T00:00:00Z',
  profile: { id: 'softpire', version: '1.0.0' },
};

/** Open and ended requests, each with a subject whose address and name must never reach an operator's digest. */
function records(): RequestRecord[] {
  const subject = (n: number) => ({ email: `person${n}@example.com`, name: `Person Number${n}` });
  return [
    // overdue by 9 days
    aRequest({ requestId: id(1), status: 'locating', dueDate: '2026-12-01', subject: subject(1) }),
    // due in 5 days by its clock (CCPA opt-out: 15 business days from receipt)
    aRequest({
      requestId: id(2),
      type: 'opt_out',
      regulation: 'ccpa',
      status: 'verified',
      receivedAt: '2026-11-23T10:00:00.000Z',
      dueDate: '2026-12-15',
      clock: requestClock('ccpa', 'opt_out', new Date('2026-11-23T10:00:00.000Z')),
      subject: subject(2),
    }),
    // due today: still due soon, not overdue
    aRequest({ requestId: id(3), type: 'deletion', status: 'erasing', dueDate: '2026-12-10', subject: subject(3) }),
    // held for an operator, due in 36 days: in the digest because it waits for one
    aRequest({ requestId: id(4), status: 'verified', dueDate: '2027-01-15', decision: HOLD, subject: subject(4) }),
    // held but asked to clarify: waits for its subject, due far off: not in the digest
    aRequest({
      requestId: id(5),
      status: 'verified',
      dueDate: '2027-01-20',
      decision: HOLD,
      clarification: { askedAt: '2026-12-02T00:00:00Z' },
      subject: subject(5),
    }),
    // due in 20 days, waiting for no one: not yet
    aRequest({ requestId: id(6), status: 'locating', dueDate: '2026-12-30', subject: subject(6) }),
    // ended, though past its due date: not open
    aRequest({ requestId: id(7), status: 'completed', dueDate: '2026-11-01', subject: subject(7) }),
    // not confirmed by its subject, past its due date: nothing for an operator to do
    aRequest({ requestId: id(8), status: 'pending_verification', dueDate: '2026-12-05', subject: subject(8) }),
  ];
}

async function setUp(stored: RequestRecord[], operators: string[] = OPERATORS, mailer: Mailer = new MemoryMailer()) {
  const requests = new MemoryRequests(() => NOW);
  for (const record of stored) await requests.create(record);
  const remind = new RemindOperators({ requests, mailer, profileOf: () => ({ operators }), now: () => NOW });
  return { remind, mailer };
}

const sentBy = (mailer: Mailer) => (mailer as MemoryMailer).sent;

describe('Class: RemindOperators', () => {
  describe('Method: execute', () => {
    it('mails each operator one digest of the overdue, the due soon and the waiting, most urgent first', async () => {
      // Prepare
      const { remind, mailer } = await setUp(records());

      // Act
      const report = await remind.execute();

      // Assess
      expect(report).toEqual({ overdue: 1, dueSoon: 2, waiting: 1, mailed: 2 });
      const sent = sentBy(mailer);
      expect(sent.map((m) => m.to)).toEqual(OPERATORS);
      for (const mail of sent) {
        expect(mail.subject).toBe('Privacy requests due: 1 overdue, 2 due within 7 days, 1 waiting for you');
        const listed = [1, 2, 3, 4, 5, 6, 7, 8].filter((n) => mail.text.includes(id(n)));
        expect(listed).toEqual([1, 2, 3, 4]);
        const order = [1, 3, 2, 4].map((n) => mail.text.indexOf(id(n)));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    });

    it('puts no subject’s address or name in any mail', async () => {
      // Prepare
      const { remind, mailer } = await setUp(records());

      // Act
      await remind.execute();

      // Assess
      const everything = sentBy(mailer)
        .map((m) => `${m.subject}\n${m.text}`)
        .join('\n');
      expect(everything).not.toMatch(/person\d@example\.com|Number\d|@example\.com/);
      expect(everything).not.toMatch(/ada@example\.com/);
    });

    it('counts a request overdue once it is past its due date, and due soon up to the window’s last day', async () => {
      // Prepare
      const { remind, mailer } = await setUp([
        aRequest({ requestId: id(1), status: 'locating', dueDate: '2026-12-09' }),
        aRequest({ requestId: id(2), status: 'locating', dueDate: '2026-12-13' }),
        aRequest({ requestId: id(3), status: 'locating', dueDate: '2026-12-14' }),
      ]);

      // Act
      const report = await remind.execute(3);

      // Assess
      expect(report).toEqual({ overdue: 1, dueSoon: 1, waiting: 0, mailed: 2 });
      expect(sentBy(mailer)[0]?.subject).toBe(
        'Privacy requests due: 1 overdue, 1 due within 3 days, 0 waiting for you',
      );
      expect(sentBy(mailer)[0]?.text).not.toContain(id(3));
    });

    it('mails an operator a request waiting for their decision even when it is due far off', async () => {
      // Prepare
      const { remind, mailer } = await setUp([
        aRequest({ requestId: id(4), status: 'verified', dueDate: '2027-03-01', decision: HOLD }),
      ]);

      // Act
      const report = await remind.execute();

      // Assess
      expect(report).toEqual({ overdue: 0, dueSoon: 0, waiting: 1, mailed: 2 });
      expect(sentBy(mailer)[0]?.subject).toBe(
        'Privacy requests due: 0 overdue, 0 due within 7 days, 1 waiting for you',
      );
      expect(sentBy(mailer)[0]?.text).toMatch(new RegExp(`${id(4)}.*operator`));
    });

    it('mails no one when nothing is due', async () => {
      // Prepare
      const { remind, mailer } = await setUp([
        aRequest({ requestId: id(6), status: 'locating', dueDate: '2026-12-30' }),
        aRequest({ requestId: id(7), status: 'completed', dueDate: '2026-11-01' }),
      ]);

      // Act
      const report = await remind.execute();

      // Assess
      expect(report).toEqual({ overdue: 0, dueSoon: 0, waiting: 0, mailed: 0 });
      expect(sentBy(mailer)).toEqual([]);
    });

    it('mails no one under a profile that names no operators, and still counts', async () => {
      // Prepare
      const { remind, mailer } = await setUp(records(), []);

      // Act
      const report = await remind.execute();

      // Assess
      expect(report).toEqual({ overdue: 1, dueSoon: 2, waiting: 1, mailed: 0 });
      expect(sentBy(mailer)).toEqual([]);
    });

    it('mails an address listed twice once', async () => {
      // Prepare
      const { remind, mailer } = await setUp(records(), ['privacy@softpire.example', 'privacy@softpire.example']);

      // Act
      await remind.execute();

      // Assess
      expect(sentBy(mailer).map((m) => m.to)).toEqual(['privacy@softpire.example']);
    });

    it('mails the other operators when one address fails, then fails naming counts only', async () => {
      // Prepare
      const sent: MailMessage[] = [];
      const flaky: Mailer = {
        send: async (message) => {
          if (message.to === OPERATORS[0]) throw new Error(`MessageRejected: ${message.to}`);
          sent.push(message);
        },
      };
      const { remind } = await setUp(records(), OPERATORS, flaky);

      // Act
      const failure = await remind.execute().catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(RemindersNotSentError);
      expect((failure as Error).message).toBe('1 of 2 reminder digests could not be sent');
      expect(sent.map((m) => m.to)).toEqual([OPERATORS[1]]);
    });
  });
});

describe('Function: reminderDigest', () => {
  const row = (overrides: Partial<QueueRow>): QueueRow => ({
    requestId: id(1),
    type: 'access',
    regulation: 'gdpr',
    status: 'locating',
    receivedAt: '2026-11-01T10:00:00.000Z',
    dueDate: '2026-12-01',
    daysLeft: -9,
    waitingFor: '-',
    ...overrides,
  });

  it('writes a table of reference, right, law, status, due date, days left and waiting for, one line a request', () => {
    // Prepare
    const rows = [
      row({}),
      row({ requestId: id(2), type: 'deletion', regulation: 'ccpa', dueDate: '2026-12-12', daysLeft: 2 }),
      row({ requestId: id(3), status: 'verified', dueDate: '2027-01-15', daysLeft: 36, waitingFor: 'operator' }),
    ];

    // Act
    const mail = reminderDigest(rows, { to: 'dpo@softpire.example', withinDays: 7, now: NOW });

    // Assess
    const lines = mail.text.split('\n');
    const header = lines.find((l) => l.startsWith('reference'));
    expect(header?.split(/\s{2,}/)).toEqual([
      'reference',
      'right',
      'law',
      'status',
      'due date',
      'days left',
      'waiting for',
    ]);
    const body = lines.slice(lines.indexOf(header ?? '') + 1, lines.indexOf(header ?? '') + 4);
    expect(body.map((l) => l.split(/\s+/))).toEqual([
      [id(1), 'access', 'GDPR', 'locating', '2026-12-01', '-9', '-'],
      [id(2), 'deletion', 'CCPA', 'locating', '2026-12-12', '2', '-'],
      [id(3), 'access', 'GDPR', 'verified', '2027-01-15', '36', 'operator'],
    ]);
    expect(mail).toMatchObject({
      to: 'dpo@softpire.example',
      subject: 'Privacy requests due: 1 overdue, 1 due within 7 days, 1 waiting for you',
    });
    expect(mail.text).toContain('npx dsar show <reference>');
    expect(mail.text).toContain('as of 2026-12-10');
  });

  it('says "day" for a window of one', () => {
    // Act
    const mail = reminderDigest([row({ daysLeft: 1 })], { to: 'dpo@softpire.example', withinDays: 1, now: NOW });

    // Assess
    expect(mail.subject).toBe('Privacy requests due: 0 overdue, 1 due within 1 day, 0 waiting for you');
  });
});
