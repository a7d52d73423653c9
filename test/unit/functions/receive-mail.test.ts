import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { logger } from '../../../functions/core/logger';
import { decide } from '../../../functions/core/policy/decide';
import { OPEN_PROFILE } from '../../../functions/core/policy/open-profile';
import { parseMail } from '../../../functions/receive-mail/parse-mail';
import {
  INBOUND_MAIL_PREFIX,
  type InboundMail,
  type RawMailStore,
  ReceiveMail,
} from '../../../functions/receive-mail/receive-mail';
import { SubmitRequest } from '../../../functions/submit-request/submit-request';
import { rightsSystems } from '../../fixtures/rights-systems';
import { MemoryIntakeLimits, MemoryMailer, MemoryRequests, MemoryTokens, MemoryWorkflow } from '../../support/fakes';

const INTAKE = 'privacy@softpire.com';
const FROM = 'ann.sender@example.org';
const SUBJECT_WORDS = 'Zanzibar-subject-words';
const BODY_WORDS = 'quetzal-body-words';

/** A raw RFC 5322 message; `headers` are added before the body. */
function rawMail(options: {
  from?: string;
  subject?: string;
  text?: string;
  headers?: string[];
  attachment?: boolean;
}) {
  const lines = [
    ...(options.from === undefined ? [] : [`From: Ann Sender <${options.from}>`]),
    `To: ${INTAKE}`,
    `Subject: ${options.subject ?? SUBJECT_WORDS}`,
    'Message-ID: <m1@example.org>',
    'MIME-Version: 1.0',
    ...(options.headers ?? []),
  ];
  const text = options.text ?? `Please delete my data. ${BODY_WORDS}`;
  if (!options.attachment)
    return Buffer.from([...lines, 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\r\n'));
  return Buffer.from(
    [
      ...lines,
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '--b1',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename="passport.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 secret passport scan').toString('base64'),
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

class MemoryRawMail implements RawMailStore {
  public readonly objects = new Map<string, Buffer>();
  public readonly deleted: string[] = [];

  public async read(key: string, maxBytes: number) {
    const raw = this.objects.get(key);
    if (raw === undefined) return undefined;
    return raw.length > maxBytes ? { tooLarge: raw.length } : { raw };
  }

  public async delete(key: string): Promise<void> {
    this.deleted.push(key);
    this.objects.delete(key);
  }
}

function setup(options: { limits?: MemoryIntakeLimits } = {}) {
  const requests = new MemoryRequests();
  const mailer = new MemoryMailer();
  const workflow = new MemoryWorkflow();
  const store = new MemoryRawMail();
  const submit = new SubmitRequest({
    requests,
    tokens: new MemoryTokens(),
    mailer,
    limits: options.limits ?? new MemoryIntakeLimits(),
    systems: rightsSystems(),
    workflow,
    hashKey: async () => 'k'.repeat(64),
    apiUrl: 'https://api.example',
    verificationTtlSeconds: 7 * 86_400,
    statusTokenTtlSeconds: 60,
  });
  const receive = new ReceiveMail({
    store,
    parse: parseMail,
    submit,
    intakeAddresses: () => [INTAKE],
    regulation: () => 'ccpa',
    maxBytes: 64 * 1024,
  });
  return { requests, mailer, workflow, store, receive };
}

function inbound(store: MemoryRawMail, raw: Buffer, overrides: Partial<InboundMail> = {}): InboundMail {
  const messageId = overrides.messageId ?? 'ses-message-0001';
  const key = `${INBOUND_MAIL_PREFIX}${messageId}`;
  store.objects.set(key, raw);
  return { key, messageId, recipients: [INTAKE], sender: FROM, ...overrides };
}

let logs: MockInstance[];
beforeEach(() => {
  logs = (['info', 'warn', 'error', 'debug'] as const).map((level) =>
    vi.spyOn(logger, level).mockImplementation(() => undefined),
  );
});
afterEach(() => vi.restoreAllMocks());

/** Everything logged, as one string: it must never carry the address, the subject or the body. */
const logged = () => JSON.stringify(logs.flatMap((spy) => spy.mock.calls));

describe('Class: ReceiveMail', () => {
  describe('Method: execute (a clear request)', () => {
    it('records the right the words name, mails the verification link to the From address, and deletes the mail', async () => {
      // Prepare
      const { requests, mailer, store, receive } = setup();
      const mail = inbound(store, rawMail({ from: FROM.toUpperCase() }));

      // Act
      const result = await receive.execute(mail);

      // Assess
      expect(result).toMatchObject({ outcome: 'request', status: 'pending_verification', unclear: false });
      const [record] = [...requests.records.values()];
      expect(record).toMatchObject({
        type: 'deletion',
        regulation: 'ccpa',
        channel: 'email',
        subject: { email: FROM },
      });
      expect(record?.typeUnclear).toBeUndefined();
      expect(record?.mailText).toBeUndefined();
      expect(mailer.sent).toHaveLength(1);
      expect(mailer.sent[0]?.to).toBe(FROM);
      expect(mailer.sent[0]?.text).toContain('https://api.example/verify?token=');
      expect(store.deleted).toEqual([mail.key]);
      expect(logged()).not.toMatch(/ann|sender|example\.org|zanzibar|quetzal/i);
    });

    it('drops attachments unread: the request is recorded and nothing of the file is kept', async () => {
      // Prepare
      const { requests, store, receive } = setup();
      const mail = inbound(store, rawMail({ from: FROM, attachment: true }));

      // Act
      const result = await receive.execute(mail);

      // Assess
      expect(result).toMatchObject({ outcome: 'request' });
      expect(JSON.stringify([...requests.records.values()])).not.toMatch(/passport|PDF/);
      expect(store.objects.size).toBe(0);
    });

    it('takes a retried invocation of the same message as the same request, mailing once', async () => {
      // Prepare
      const { requests, mailer, store, receive } = setup();
      const raw = rawMail({ from: FROM });
      const first = await receive.execute(inbound(store, raw));

      // Act
      const again = await receive.execute(inbound(store, raw));

      // Assess
      expect(again).toMatchObject({ outcome: 'request', requestId: (first as { requestId: string }).requestId });
      expect(requests.records.size).toBe(1);
      expect(mailer.sent).toHaveLength(1);
    });

    it('does nothing for a mail already handled (its object is gone)', async () => {
      // Prepare
      const { requests, mailer, receive } = setup();

      // Act
      const result = await receive.execute({
        key: `${INBOUND_MAIL_PREFIX}gone`,
        messageId: 'gone',
        recipients: [INTAKE],
        sender: FROM,
      });

      // Assess
      expect(result).toEqual({ outcome: 'gone' });
      expect(requests.records.size).toBe(0);
      expect(mailer.sent).toHaveLength(0);
    });
  });

  describe('Method: execute (an unclear request)', () => {
    it('records a placeholder marked unclear, mails a link naming no right, and the policy step holds it as type_unclear', async () => {
      // Prepare
      const { requests, mailer, store, receive } = setup();
      const mail = inbound(
        store,
        rawMail({ from: FROM, subject: 'Privacy', text: 'What is going on with my account?' }),
      );

      // Act
      const result = await receive.execute(mail);

      // Assess
      expect(result).toMatchObject({ outcome: 'request', unclear: true });
      const [record] = [...requests.records.values()];
      expect(record).toMatchObject({ channel: 'email', typeUnclear: true, status: 'pending_verification' });
      // what the operator decides the right from; never in a log
      expect(record?.mailText).toBe('Privacy\nWhat is going on with my account?');
      expect(mailer.sent[0]?.to).toBe(FROM);
      expect(mailer.sent[0]?.text).toContain('could not tell from your message which right');
      expect(mailer.sent[0]?.text).not.toContain('access to');
      if (!record) throw new Error('no record');
      const decision = decide({ request: record, profile: OPEN_PROFILE, earlier: [] });
      expect(decision).toMatchObject({ outcome: 'hold', reasons: [{ code: 'type_unclear' }] });
      expect(store.deleted).toEqual([mail.key]);
    });

    it('records two rights asked for in one mail as unclear', async () => {
      // Prepare
      const { requests, store, receive } = setup();
      const mail = inbound(
        store,
        rawMail({ from: FROM, subject: 'Derechos', text: 'Quiero una copia de mis datos y borrar mis datos.' }),
      );

      // Act
      await receive.execute(mail);

      // Assess
      expect([...requests.records.values()][0]?.typeUnclear).toBe(true);
    });
  });

  describe('Method: execute (refusals)', () => {
    const big = Buffer.concat([rawMail({ from: FROM }), Buffer.alloc(70 * 1024, 'a')]);
    it.each([
      ['too_large', big, {}],
      ['unknown_recipient', rawMail({ from: FROM }), { recipients: ['sales@softpire.com'] }],
      ['no_from', rawMail({}), {}],
      ['no_from', rawMail({ from: 'not-an-address' }), {}],
      ['automatic', rawMail({ from: FROM, headers: ['Auto-Submitted: auto-replied'] }), {}],
      ['automatic', rawMail({ from: FROM, headers: ['Precedence: bulk'] }), {}],
      ['automatic', rawMail({ from: FROM, headers: ['X-Autoreply: yes'] }), {}],
      ['bounce', rawMail({ from: 'MAILER-DAEMON@mx.example.org' }), {}],
      ['bounce', rawMail({ from: FROM }), { sender: '' }],
      ['virus', rawMail({ from: FROM }), { virus: true }],
    ] as const)(
      'refuses %s: nothing recorded, nothing mailed, the object deleted, no content logged',
      async (reason, raw, overrides) => {
        // Prepare
        const { requests, mailer, workflow, store, receive } = setup();
        const mail = inbound(store, raw, overrides);

        // Act
        const result = await receive.execute(mail);

        // Assess
        expect(result).toEqual({ outcome: 'refused', reason });
        expect(requests.records.size).toBe(0);
        expect(mailer.sent).toHaveLength(0);
        expect(workflow.started).toHaveLength(0);
        expect(store.deleted).toEqual([mail.key]);
        expect(logged()).toContain(reason);
        expect(logged()).not.toMatch(/ann|sender|example\.org|zanzibar|quetzal|softpire/i);
      },
    );

    it('honours Auto-Submitted: no as a person writing', async () => {
      // Prepare
      const { store, receive } = setup();
      const mail = inbound(store, rawMail({ from: FROM, headers: ['Auto-Submitted: no'] }));

      // Act
      const result = await receive.execute(mail);

      // Assess
      expect(result).toMatchObject({ outcome: 'request' });
    });

    it('refuses mail past the per-address cap as rate_limited, mailing nothing', async () => {
      // Prepare
      const limits = new MemoryIntakeLimits({ clientPerHour: 30, addressPerDay: 0, domainPerDay: 500 });
      const { requests, mailer, store, receive } = setup({ limits });
      const mail = inbound(store, rawMail({ from: FROM }));

      // Act
      const result = await receive.execute(mail);

      // Assess
      expect(result).toEqual({ outcome: 'refused', reason: 'rate_limited' });
      expect(requests.records.size).toBe(0);
      expect(mailer.sent).toHaveLength(0);
      expect(store.deleted).toEqual([mail.key]);
    });

    it('keeps the object for the retry when the intake fails for another reason', async () => {
      // Prepare
      const { store, mailer, receive } = setup();
      mailer.send = async () => {
        throw new Error('SES down');
      };
      const mail = inbound(store, rawMail({ from: FROM }));

      // Act
      const result = receive.execute(mail);

      // Assess
      await expect(result).rejects.toThrow('SES down');
      expect(store.objects.has(mail.key)).toBe(true);
    });
  });
});
