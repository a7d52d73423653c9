import { describe, expect, it } from 'vitest';
import type { SystemConfig, SystemsConfig } from '../../../connectors/config';
import { ConnectorUnavailableError } from '../../../connectors/errors';
import { StatusConflictError } from '../../../functions/core/domain/errors';
import type { RequestRecord } from '../../../functions/core/domain/request-record';
import { AnnounceLift, LiftRestriction } from '../../../functions/lift-restriction/lift-restriction';
import { Sweep } from '../../../functions/sweep/sweep';
import { MemoryMailer, MemoryRequests, MemoryWorkflow, aRequest } from '../../support/fakes';
import { MemoryConnector } from '../../support/memory-connector';

const CUSTOMERS: SystemConfig = {
  id: 'customers',
  type: 's3-objects',
  bucket: 'b',
  prefix: 'c/',
  format: 'jsonl',
  identity: { email: { field: 'email' } },
  holds: { categories: ['identifiers'], purpose: 'p', recipients: [] },
  erasure: { strategy: 'delete' },
  flags: { restriction: { field: 'restricted', on: true, off: false } },
};
const SYSTEMS: SystemsConfig = { version: 1, systems: [CUSTOMERS] };
const ID = aRequest().requestId;
const NOW = new Date('2026-11-20T12:00:00.000Z');
const clock = () => NOW;

async function restricted(over: Partial<RequestRecord> = {}): Promise<MemoryRequests> {
  const requests = new MemoryRequests();
  await requests.create(
    aRequest({ type: 'restriction', status: 'completed', verified: { email: 'ada@example.com' }, ...over }),
  );
  return requests;
}
const connectorWith = () =>
  new MemoryConnector(CUSTOMERS, {
    records: [
      { email: 'ada@example.com', restricted: true },
      { email: 'bob@example.com', restricted: true },
    ],
  });

describe('Class: AnnounceLift', () => {
  it('mails the subject the date of the lift before anything is cleared, once', async () => {
    // Prepare
    const requests = await restricted();
    const mailer = new MemoryMailer();
    const announce = new AnnounceLift(requests, mailer, clock);

    // Act
    const first = await announce.execute(ID, new Date('2026-12-04T00:00:00.000Z'));
    const second = await announce.execute(ID, new Date('2027-01-01T00:00:00.000Z'));

    // Assess
    expect(first).toEqual({ liftAt: '2026-12-04T00:00:00.000Z', mailed: true });
    expect(second).toEqual({ liftAt: '2026-12-04T00:00:00.000Z', mailed: false });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.to).toBe('ada@example.com');
    expect(mailer.sent[0]?.text).toContain('We will lift that restriction on 2026-12-04');
    expect((await requests.get(ID))?.lift).toEqual({
      noticeSentAt: NOW.toISOString(),
      liftAt: '2026-12-04T00:00:00.000Z',
    });
  });

  it('refuses a request that is not an answered restriction', async () => {
    // Prepare
    const open = await restricted({ status: 'locating' });

    // Act & Assess
    await expect(new AnnounceLift(open, new MemoryMailer(), clock).execute(ID, NOW)).rejects.toBeInstanceOf(
      StatusConflictError,
    );
  });
});

describe('Class: LiftRestriction', () => {
  it('never lifts before the subject was told, even when asked to lift now', async () => {
    // Prepare
    const requests = await restricted();
    const connector = connectorWith();

    // Act
    const result = await new LiftRestriction(requests, () => connector, SYSTEMS, clock).execute(ID, { now: true });

    // Assess
    expect(result).toEqual({ status: 'not_announced' });
    expect(connector.records.every((r) => r.restricted === true)).toBe(true);
  });

  it('waits for the announced date unless told to lift now', async () => {
    // Prepare
    const lift = { noticeSentAt: NOW.toISOString(), liftAt: '2026-12-04T00:00:00.000Z' };
    const requests = await restricted({ lift });
    const connector = connectorWith();
    const lifter = new LiftRestriction(requests, () => connector, SYSTEMS, clock);

    // Act
    const waiting = await lifter.execute(ID);
    const lifted = await lifter.execute(ID, { now: true });

    // Assess
    expect(waiting).toEqual({ status: 'not_due', liftAt: lift.liftAt });
    expect(lifted).toEqual({
      status: 'lifted',
      systems: [{ systemId: 'customers', changed: 1, unchanged: 0, refused: false }],
    });
    // the subject's flag cleared (the configured `off`), nobody else's
    expect(connector.records).toEqual([
      { email: 'ada@example.com', restricted: false },
      { email: 'bob@example.com', restricted: true },
    ]);
    const record = await requests.get(ID);
    expect(record?.lift?.liftedAt).toBe(NOW.toISOString());
    expect(record?.subject).toBeUndefined();
  });

  it('keeps the restriction, and the address, when a system fails: a re-run finishes it', async () => {
    // Prepare
    const requests = await restricted({ lift: { noticeSentAt: NOW.toISOString(), liftAt: NOW.toISOString() } });
    const broken = connectorWith();
    broken.setFlags = () => Promise.reject(new ConnectorUnavailableError('customers', 'down'));

    // Act
    const result = await new LiftRestriction(requests, () => broken, SYSTEMS, clock).execute(ID);

    // Assess
    expect(result).toMatchObject({
      status: 'failed',
      systems: [{ systemId: 'customers', error: 'ConnectorUnavailableError' }],
    });
    expect((await requests.get(ID))?.subject).toEqual({ email: 'ada@example.com' });
    expect((await requests.get(ID))?.lift?.liftedAt).toBeUndefined();
  });
});

describe('Class: Sweep (restrictions)', () => {
  const sweep = (requests: MemoryRequests, connector: MemoryConnector) =>
    new Sweep({
      requests,
      executions: new MemoryWorkflow(),
      downloadTtlSeconds: 60,
      lifts: new LiftRestriction(requests, () => connector, SYSTEMS, clock),
      now: clock,
    }).execute();

  it('keeps the address of a restriction that holds, where any other answered change is forgotten', async () => {
    // Prepare
    const requests = await restricted();
    await requests.create(
      aRequest({
        requestId: '1b9a3c52-6a8e-4f43-9d2c-3c1e2f4a5b6c',
        type: 'opt_out',
        scope: 'marketing',
        status: 'completed',
      }),
    );

    // Act
    const report = await sweep(requests, connectorWith());

    // Assess
    expect((await requests.get(ID))?.subject).toEqual({ email: 'ada@example.com' });
    expect((await requests.get('1b9a3c52-6a8e-4f43-9d2c-3c1e2f4a5b6c'))?.subject).toBeUndefined();
    expect(report.lifted).toBeUndefined();
  });

  it('lifts a restriction whose announced date has come, then forgets its subject', async () => {
    // Prepare
    const requests = await restricted({
      lift: { noticeSentAt: '2026-11-01T00:00:00.000Z', liftAt: '2026-11-15T00:00:00.000Z' },
    });
    const connector = connectorWith();

    // Act
    const report = await sweep(requests, connector);

    // Assess
    expect(report.lifted).toBe(1);
    expect(connector.records[0]?.restricted).toBe(false);
    expect((await requests.get(ID))?.subject).toBeUndefined();
  });
});
