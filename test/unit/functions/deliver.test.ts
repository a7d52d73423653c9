import { describe, expect, it } from 'vitest';
import { DELIVERY_LEASE_SECONDS, Deliver } from '../../../functions/deliver/deliver';
import { DeliveryInProgressError } from '../../../functions/core/domain/errors';
import type { MailMessage, RequestRecord } from '../../../functions/core/ports';
import { MemoryMailer, MemoryRequests, MemoryTokens, aRequest } from '../../support/fakes';

const T0 = new Date('2026-11-02T10:00:00.000Z');
const requestId = aRequest().requestId;
const verified = { verified: { email: 'ada@example.com' } };

function setup(record: Partial<RequestRecord>, mailer = new MemoryMailer()) {
  const requests = new MemoryRequests();
  const tokens = new MemoryTokens();
  let now = T0;
  const deliver = new Deliver({
    requests,
    tokens,
    mailer,
    apiUrl: 'https://api.example',
    downloadTtlSeconds: 60,
    retry: { attempts: 2, delaysSeconds: [3_600, 86_400] },
    now: () => now,
  });
  return {
    requests,
    tokens,
    mailer,
    deliver,
    stored: async () => (await requests.get(requestId)) as RequestRecord,
    later: (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
    ready: () => requests.create(aRequest({ status: 'assembling', ...verified, ...record })),
  };
}

describe('Class: Deliver (one link per attempt)', () => {
  it('claims the delivery, mails once and records the mail', async () => {
    // Prepare
    const t = setup({});
    await t.ready();

    // Act
    await t.deliver.execute(requestId, 'exports/x.json', true);

    // Assess
    expect(t.mailer.sent).toHaveLength(1);
    expect((await t.stored()).delivery).toEqual({
      attempt: 0,
      claimedAt: T0.toISOString(),
      mailedAt: T0.toISOString(),
    });
  });

  it('sends nothing when re-run after a claim whose mail went out (crash before the status moved)', async () => {
    // Prepare
    const t = setup({
      status: 'delivering',
      delivery: { attempt: 0, claimedAt: T0.toISOString(), mailedAt: T0.toISOString() },
    });
    await t.ready();

    // Act
    const result = await t.deliver.execute(requestId, 'exports/x.json', true);

    // Assess
    expect(result).toEqual({ status: 'completed' });
    expect(t.mailer.sent).toHaveLength(0);
    expect(t.tokens.issued).toHaveLength(0);
  });

  it('still delivers when re-run after a claim whose mail never went out (crash between claim and send)', async () => {
    // Prepare: the first invocation claims, then SES fails it before anything is sent
    let fail = true;
    const mailer = new MemoryMailer();
    const flaky = {
      send: async (message: MailMessage) => {
        if (fail) throw new Error('Lambda ended');
        await mailer.send(message);
      },
    };
    const t = setup({}, flaky as MemoryMailer);
    await t.ready();
    await expect(t.deliver.execute(requestId, 'exports/x.json', true)).rejects.toThrow('Lambda ended');
    fail = false;

    // Act: a re-run within the lease leaves it to the holder; one after the lease takes over and delivers
    const early = t.deliver.execute(requestId, 'exports/x.json', true);
    await expect(early).rejects.toBeInstanceOf(DeliveryInProgressError);
    t.later(DELIVERY_LEASE_SECONDS + 1);
    const result = await t.deliver.execute(requestId, 'exports/x.json', true);

    // Assess
    expect(result).toEqual({ status: 'completed' });
    expect(mailer.sent.map((m) => m.to)).toEqual(['ada@example.com']);
    expect((await t.stored()).delivery?.mailedAt).toEqual(expect.any(String));
  });

  it('lets only one of two concurrent invocations mail', async () => {
    // Prepare
    const t = setup({});
    await t.ready();

    // Act
    const results = await Promise.allSettled([
      t.deliver.execute(requestId, 'exports/x.json', true),
      t.deliver.execute(requestId, 'exports/x.json', true),
    ]);

    // Assess
    expect(t.mailer.sent).toHaveLength(1);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
  });
});

describe('Class: Deliver (a deletion some systems could not confirm)', () => {
  const partial = {
    type: 'deletion' as const,
    outcomes: [
      { systemId: 'customers', status: 'found' as const, recordCount: 1 },
      { systemId: 'archive', status: 'failed' as const, recordCount: 0, error: 'ConnectorUnavailableError' },
    ],
  };

  it('keeps the subject and waits to retry the failed systems instead of ending', async () => {
    // Prepare
    const t = setup(partial);
    await t.ready();

    // Act
    const result = await t.deliver.execute(requestId, 'receipts/x.json', false);

    // Assess
    const record = await t.stored();
    expect(result).toEqual({ status: 'retrying' });
    expect(record.subject?.email).toBe('ada@example.com');
    expect(record.verified?.email).toBe('ada@example.com');
    expect(record.retry).toEqual({ systems: ['archive'], attempts: 0, nextAt: '2026-11-02T11:00:00.000Z' });
    expect(t.mailer.sent).toHaveLength(1);
    expect(t.mailer.sent[0]?.subject).toMatch(/partly complete/);
  });

  it('forgets the subject once a retry confirms every system, and mails the news', async () => {
    // Prepare: the first retry is under way (PlanRequest counted it)
    const t = setup({
      ...partial,
      retry: { systems: ['archive'], attempts: 1, nextAt: T0.toISOString() },
      delivery: { attempt: 0, claimedAt: T0.toISOString(), mailedAt: T0.toISOString() },
    });
    await t.ready();

    // Act
    const result = await t.deliver.execute(requestId, 'receipts/x.retry-1.json', true);

    // Assess
    const record = await t.stored();
    expect(result).toEqual({ status: 'completed' });
    expect(record.subject).toBeUndefined();
    expect(JSON.stringify(record)).not.toContain('@');
    expect(t.mailer.sent).toHaveLength(1);
    expect(record.delivery?.attempt).toBe(1);
  });

  it('stays quiet on a retry that changes nothing, and schedules the next one later', async () => {
    // Prepare
    const t = setup({ ...partial, retry: { systems: ['archive'], attempts: 1, nextAt: T0.toISOString() } });
    await t.ready();

    // Act
    const result = await t.deliver.execute(requestId, 'receipts/x.retry-1.json', false);

    // Assess
    expect(result).toEqual({ status: 'retrying' });
    expect(t.mailer.sent).toHaveLength(0);
    expect((await t.stored()).retry).toEqual({
      systems: ['archive'],
      attempts: 1,
      nextAt: '2026-11-03T10:00:00.000Z',
    });
  });

  it('forgets the subject anyway when the retry budget is spent, and says so on the record', async () => {
    // Prepare: the budget is two retries, and the second has run
    const t = setup({ ...partial, retry: { systems: ['archive'], attempts: 2, nextAt: T0.toISOString() } });
    await t.ready();

    // Act
    const result = await t.deliver.execute(requestId, 'receipts/x.retry-2.json', false);

    // Assess
    const record = await t.stored();
    expect(result).toEqual({ status: 'partially_completed' });
    expect(record.subject).toBeUndefined();
    expect(record.retry).toMatchObject({ systems: ['archive'], attempts: 2, exhaustedAt: T0.toISOString() });
    expect(record.outcomes?.find((o) => o.systemId === 'archive')?.status).toBe('failed');
    expect(t.mailer.sent).toHaveLength(1);
  });

  it('does nothing when re-run after it moved the request to retrying', async () => {
    // Prepare
    const t = setup(partial);
    await t.ready();
    await t.deliver.execute(requestId, 'receipts/x.json', false);

    // Act
    const again = await t.deliver.execute(requestId, 'receipts/x.json', false);

    // Assess
    expect(again).toEqual({ status: 'retrying' });
    expect(t.mailer.sent).toHaveLength(1);
  });
});
