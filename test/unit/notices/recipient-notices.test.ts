import { describe, expect, it } from 'vitest';
import { type Recipient, SystemsConfig } from '../../../connectors/config';
import { AnswerNotice } from '../../../functions/answer-notice/answer-notice';
import { InvalidTokenError, ValidationError } from '../../../functions/core/domain/errors';
import { WebhookDeliveryError } from '../../../functions/core/errors';
import { durationSeconds, recipientsFor } from '../../../functions/core/recipients';
import { NotifyRecipient } from '../../../functions/notify-recipient/notify-recipient';
import { PlanRequest } from '../../../functions/plan-request/plan-request';
import { AssembleReceipt } from '../../../functions/assemble-receipt/assemble-receipt';
import { MemoryDocuments, MemoryMailer, MemoryRequests, aRequest } from '../../support/fakes';
import { MemoryCallbacks, MemoryNotices, MemoryWebhooks } from '../../support/notice-fakes';

const T0 = new Date('2026-11-02T10:00:00.000Z');
const API = 'https://dsar.example.com';
const REQUEST_ID = '0b9a3c52-6a8e-4f43-9d2c-3c1e2f4a5b6c';

const recipient = (id: string, extra: Partial<Recipient> = {}) => ({
  id,
  name: `${id} Ltd`,
  role: 'processor' as const,
  category: 'service providers',
  ...extra,
});

const SYSTEMS = SystemsConfig.parse({
  version: 1,
  systems: [
    {
      id: 'customers',
      type: 's3-objects',
      bucket: 'customer-records',
      prefix: '',
      format: 'jsonl',
      identity: { email: { field: 'email' } },
      holds: { categories: ['identifiers'], purpose: 'p', recipients: [] },
      erasure: { strategy: 'delete' },
    },
  ],
  recipients: [
    recipient('mailer', { notify: { email: 'privacy@mailer.example' }, answerWithin: 'P7D' }),
    recipient('ads', {
      notify: { webhook: { url: 'https://ads.example/dsar', secret: 'ads-hmac' } },
      notifyOf: ['opt_out', 'deletion'],
    }),
    recipient('printer', { notifyOf: ['correction'] }),
    recipient('archive'),
  ],
});

function setup() {
  const requests = new MemoryRequests();
  const notices = new MemoryNotices(() => T0);
  const mailer = new MemoryMailer();
  const webhooks = new MemoryWebhooks();
  const callbacks = new MemoryCallbacks();
  const notify = new NotifyRecipient({
    requests,
    notices,
    mailer,
    webhooks,
    callbacks,
    systems: SYSTEMS,
    apiUrl: API,
    now: () => T0,
  });
  const documents = new MemoryDocuments();
  const answers = new AnswerNotice({ notices, callbacks, systems: SYSTEMS, requests, documents, now: () => T0 });
  return { requests, notices, mailer, webhooks, callbacks, notify, answers, documents };
}

const tokenOf = (text: string) => /token=([A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? '';

describe('Function: recipientsFor', () => {
  it('lists the recipients whose notifyOf names the right, with or without a contact, and their deadlines', () => {
    // Act
    const deletion = recipientsFor(SYSTEMS, 'deletion');
    const correction = recipientsFor(SYSTEMS, 'correction');
    const access = recipientsFor(SYSTEMS, 'access');

    // Assess
    expect(deletion).toEqual([
      { recipientId: 'mailer', answerWithinSeconds: 7 * 86_400 },
      { recipientId: 'ads', answerWithinSeconds: 14 * 86_400 },
      { recipientId: 'archive', answerWithinSeconds: 14 * 86_400 },
    ]);
    expect(correction.map((r) => r.recipientId)).toEqual(['mailer', 'printer', 'archive']);
    expect(access).toEqual([]);
    expect(recipientsFor({}, 'deletion')).toEqual([]);
  });

  it('reads durations with days and with hours, minutes and seconds', () => {
    // Act & Assess
    expect(durationSeconds('P1Y2M1W3D')).toBe((365 + 60 + 7 + 3) * 86_400);
    expect(durationSeconds('PT1H30M5S')).toBe(5405);
    expect(durationSeconds('PT2S')).toBe(2);
  });
});

describe('Class: NotifyRecipient', () => {
  describe('Method: execute', () => {
    it('mails an email recipient the right, what to do, the identifier, the reference, the deadline and a link', async () => {
      // Prepare
      const { requests, mailer, notices, notify } = setup();
      await requests.create(
        Object.assign(aRequest({ type: 'correction', status: 'locating', verified: { email: 'ada@example.com' } }), {
          corrections: [{ attribute: 'name', value: 'Ada King' }],
        }),
      );

      // Act
      const result = await notify.execute({ requestId: REQUEST_ID, recipientId: 'mailer', taskToken: 'task-1' });

      // Assess
      expect(result).toEqual({ outcome: 'sent' });
      expect(mailer.sent).toHaveLength(1);
      const mail = mailer.sent[0];
      expect(mail?.to).toBe('privacy@mailer.example');
      expect(mail?.text).toContain(REQUEST_ID);
      expect(mail?.text).toContain('ada@example.com');
      expect(mail?.text).toContain('2026-11-09T10:00:00.000Z');
      expect(mail?.text).toContain(`${API}/notices?token=`);
      expect(mail?.text).toContain('name: Ada King');
      expect(mail?.text).not.toContain('task-1');
      expect((await notices.get(REQUEST_ID, 'mailer'))?.sentAt).toBe(T0.toISOString());
    });

    it('posts a webhook recipient the same content as JSON, with the answer URL and no task token', async () => {
      // Prepare
      const { requests, webhooks, notify } = setup();
      await requests.create(aRequest({ type: 'deletion', status: 'locating' }));

      // Act
      await notify.execute({ requestId: REQUEST_ID, recipientId: 'ads', taskToken: 'task-2' });

      // Assess
      expect(webhooks.sent).toHaveLength(1);
      const sent = webhooks.sent[0];
      expect(sent).toMatchObject({ url: 'https://ads.example/dsar', secret: 'ads-hmac' });
      expect(sent?.body).toMatchObject({
        type: 'dsar.notice',
        right: 'deletion',
        reference: REQUEST_ID,
        subject: { email: 'ada@example.com' },
      });
      expect(String(sent?.body.answerUrl)).toMatch(/^https:\/\/dsar\.example\.com\/notices\?token=[\w-]{43}$/);
      expect(JSON.stringify(sent?.body)).not.toContain('task-2');
    });

    it('answers a recipient without a contact at once as not_sent, and sends nothing', async () => {
      // Prepare
      const { requests, mailer, webhooks, callbacks, notices, notify } = setup();
      await requests.create(aRequest({ type: 'deletion', status: 'locating' }));

      // Act
      const result = await notify.execute({ requestId: REQUEST_ID, recipientId: 'archive', taskToken: 'task-3' });

      // Assess
      expect(result).toEqual({ outcome: 'not_sent' });
      expect(callbacks.completed).toEqual([
        { taskToken: 'task-3', output: { recipientId: 'archive', answer: 'not_sent' } },
      ]);
      expect(mailer.sent).toEqual([]);
      expect(webhooks.sent).toEqual([]);
      expect((await notices.get(REQUEST_ID, 'archive'))?.answer).toBe('not_sent');
    });

    it('sends no second notice on a re-run, and the first link then answers the new task', async () => {
      // Prepare
      const { requests, mailer, callbacks, notify, answers } = setup();
      await requests.create(aRequest({ type: 'deletion', status: 'locating' }));
      await notify.execute({ requestId: REQUEST_ID, recipientId: 'mailer', taskToken: 'first-run' });

      // Act
      const rerun = await notify.execute({ requestId: REQUEST_ID, recipientId: 'mailer', taskToken: 'second-run' });
      await answers.execute(tokenOf(mailer.sent[0]?.text ?? ''), 'done', undefined);

      // Assess
      expect(rerun).toEqual({ outcome: 'waiting' });
      expect(mailer.sent).toHaveLength(1);
      expect(callbacks.completed).toEqual([
        { taskToken: 'second-run', output: { recipientId: 'mailer', answer: 'done' } },
      ]);
    });

    it('answers a re-run at once with the stored answer once the notice was answered', async () => {
      // Prepare
      const { requests, mailer, callbacks, notify, answers } = setup();
      await requests.create(aRequest({ type: 'deletion', status: 'locating' }));
      await notify.execute({ requestId: REQUEST_ID, recipientId: 'mailer', taskToken: 'first-run' });
      callbacks.gone.add('first-run');
      await answers.execute(tokenOf(mailer.sent[0]?.text ?? ''), 'not_held', undefined);

      // Act
      const rerun = await notify.execute({ requestId: REQUEST_ID, recipientId: 'mailer', taskToken: 'second-run' });

      // Assess
      expect(rerun).toEqual({ outcome: 'answered' });
      expect(mailer.sent).toHaveLength(1);
      expect(callbacks.completed).toEqual([
        { taskToken: 'second-run', output: { recipientId: 'mailer', answer: 'not_held' } },
      ]);
    });
  });
});

describe('Class: NotifyRecipient (deadlines)', () => {
  it('answers a re-run timed_out at once when the stored deadline passed while no task waited', async () => {
    // Prepare: sent at T0 with a 7-day deadline; the execution is restarted 8 days later
    const { requests, notices, mailer, callbacks, notify } = setup();
    await requests.create(aRequest({ type: 'deletion', status: 'locating' }));
    await notify.execute({ requestId: REQUEST_ID, recipientId: 'mailer', taskToken: 'first-run' });
    const later = new NotifyRecipient({
      requests,
      notices,
      mailer,
      webhooks: new MemoryWebhooks(),
      callbacks,
      systems: SYSTEMS,
      apiUrl: API,
      now: () => new Date(T0.getTime() + 8 * 86_400_000),
    });

    // Act
    const rerun = await later.execute({ requestId: REQUEST_ID, recipientId: 'mailer', taskToken: 'late-run' });

    // Assess
    expect(rerun).toEqual({ outcome: 'timed_out' });
    expect(mailer.sent).toHaveLength(1);
    expect(callbacks.completed).toEqual([
      { taskToken: 'late-run', output: { recipientId: 'mailer', answer: 'timed_out' } },
    ]);
  });

  it('lets a failing webhook fail the step by name, and records nothing as sent', async () => {
    // Prepare
    const { requests, notices, mailer, callbacks } = setup();
    await requests.create(aRequest({ type: 'deletion', status: 'locating' }));
    const failing = new NotifyRecipient({
      requests,
      notices,
      mailer,
      webhooks: {
        send: async () => {
          throw new WebhookDeliveryError('webhook refused the notice (status 500)');
        },
      },
      callbacks,
      systems: SYSTEMS,
      apiUrl: API,
      now: () => T0,
    });

    // Act
    const result = failing.execute({ requestId: REQUEST_ID, recipientId: 'ads', taskToken: 'task-1' });

    // Assess
    await expect(result).rejects.toBeInstanceOf(WebhookDeliveryError);
    expect((await notices.get(REQUEST_ID, 'ads'))?.sentAt).toBeUndefined();
    expect(callbacks.completed).toEqual([]);
  });
});

describe('Class: AnswerNotice', () => {
  async function sentNotice() {
    const context = setup();
    await context.requests.create(aRequest({ type: 'deletion', status: 'locating' }));
    await context.notify.execute({ requestId: REQUEST_ID, recipientId: 'mailer', taskToken: 'task-9' });
    return { ...context, token: tokenOf(context.mailer.sent[0]?.text ?? '') };
  }

  describe('Method: execute', () => {
    it('records an exception with its reason on the request side and sends the task only the answer', async () => {
      // Prepare
      const { answers, notices, callbacks, token } = await sentNotice();

      // Act
      const result = await answers.execute(token, 'exception', '  Kept for tax law (HGB §257)  ');

      // Assess
      expect(result).toEqual({ recipientId: 'mailer', answer: 'exception' });
      expect(callbacks.completed).toEqual([
        { taskToken: 'task-9', output: { recipientId: 'mailer', answer: 'exception' } },
      ]);
      expect(await notices.get(REQUEST_ID, 'mailer')).toMatchObject({
        answer: 'exception',
        answeredAt: T0.toISOString(),
        reason: 'Kept for tax law (HGB §257)',
      });
    });

    it('refuses a second answer through the same link, and the first stands', async () => {
      // Prepare
      const { answers, notices, callbacks, token } = await sentNotice();
      await answers.execute(token, 'done', undefined);

      // Act
      const second = answers.execute(token, 'not_held', undefined);

      // Assess
      await expect(second).rejects.toBeInstanceOf(InvalidTokenError);
      expect((await notices.get(REQUEST_ID, 'mailer'))?.answer).toBe('done');
      expect(callbacks.completed).toHaveLength(1);
    });

    it('refuses an exception without a reason, or an unknown answer, without spending the link', async () => {
      // Prepare
      const { answers, token } = await sentNotice();

      // Act
      const noReason = answers.execute(token, 'exception', '   ');
      const unknown = answers.execute(token, 'maybe', undefined);

      // Assess
      await expect(noReason).rejects.toBeInstanceOf(ValidationError);
      await expect(unknown).rejects.toBeInstanceOf(ValidationError);
      await expect(answers.peek(token)).resolves.toMatchObject({ recipientName: 'mailer Ltd', reference: REQUEST_ID });
    });

    it('refuses a link that is unknown', async () => {
      // Prepare
      const { answers } = await sentNotice();

      // Act & Assess
      await expect(answers.execute('x'.repeat(43), 'done', undefined)).rejects.toBeInstanceOf(InvalidTokenError);
      await expect(answers.peek(undefined)).rejects.toBeInstanceOf(InvalidTokenError);
    });
  });
});

describe('Class: PlanRequest (recipients)', () => {
  it("fills the plan's recipients for the right, ids and deadlines only", async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(aRequest({ type: 'deletion', status: 'verified', verified: { email: 'ada@example.com' } }));

    // Act
    const plan = await new PlanRequest(requests, SYSTEMS).execute(REQUEST_ID);

    // Assess
    expect(plan.recipients).toEqual([
      { recipientId: 'mailer', answerWithinSeconds: 7 * 86_400 },
      { recipientId: 'ads', answerWithinSeconds: 14 * 86_400 },
      { recipientId: 'archive', answerWithinSeconds: 14 * 86_400 },
    ]);
  });
});

describe('Class: AssembleReceipt (notices)', () => {
  it("lists each recipient's name and answer, when it answered, and an exception's reason", async () => {
    // Prepare
    const { requests, notices } = setup();
    const documents = new MemoryDocuments();
    await requests.create(aRequest({ type: 'deletion', status: 'confirming', verified: { email: 'ada@example.com' } }));
    await notices.open(REQUEST_ID, 'mailer', 't1', '2026-11-09T10:00:00.000Z');
    await notices.answer(REQUEST_ID, 'mailer', 'exception', '2026-11-03T09:00:00.000Z', 'kept for tax law');
    await notices.open(REQUEST_ID, 'ads', 't2', '2026-11-16T10:00:00.000Z');
    const assemble = new AssembleReceipt(
      requests,
      documents,
      SYSTEMS,
      async () => 'k'.repeat(64),
      () => T0,
      notices,
    );

    // Act
    const { documentKey } = await assemble.execute(REQUEST_ID, {
      located: [{ systemId: 'customers', status: 'found', recordCount: 1 }],
      erased: [{ systemId: 'customers', status: 'erased', deleted: 1, anonymized: 0, retained: 0 }],
      confirmed: [{ systemId: 'customers', status: 'not_found', recordCount: 0 }],
      notices: [
        { recipientId: 'mailer', answer: 'exception' },
        { recipientId: 'ads', answer: 'timed_out' },
        { recipientId: 'archive', answer: 'not_sent' },
      ],
    });

    // Assess
    const receipt = JSON.parse(documents.objects.get(documentKey)?.body ?? '{}');
    expect(receipt.notices).toEqual([
      {
        recipient: 'mailer Ltd',
        answer: 'exception',
        answeredAt: '2026-11-03T09:00:00.000Z',
        reason: 'kept for tax law',
      },
      { recipient: 'ads Ltd', answer: 'timed_out' },
      { recipient: 'archive Ltd', answer: 'not_sent' },
    ]);
  });
});
