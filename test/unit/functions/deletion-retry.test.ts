import { describe, expect, it } from 'vitest';
import type { SystemConfig, SystemsConfig } from '../../../connectors/config';
import { AssembleReceipt } from '../../../functions/assemble-receipt/assemble-receipt';
import { PlanRequest } from '../../../functions/plan-request/plan-request';
import { retryDue } from '../../../functions/core/domain/request-record';
import { DeletionReceipt } from '../../../functions/core/domain/receipt-format';
import { MemoryDocuments, MemoryRequests, aRequest } from '../../support/fakes';

const system = (id: string): SystemConfig => ({
  id,
  type: 's3-objects',
  bucket: id,
  prefix: '',
  format: 'jsonl',
  identity: { email: { field: 'email' } },
  holds: { categories: ['identifiers'], purpose: 'p', recipients: [] },
  erasure: { strategy: 'delete' },
});
const SYSTEMS: SystemsConfig = { version: 1, systems: [system('customers'), system('events'), system('archive')] };
const requestId = aRequest().requestId;
const KEY = 'k'.repeat(64);
const waiting = () =>
  aRequest({
    type: 'deletion',
    status: 'retrying',
    verified: { email: 'ada@example.com' },
    outcomes: [
      { systemId: 'customers', status: 'found', recordCount: 2 },
      { systemId: 'events', status: 'found', recordCount: 1 },
      { systemId: 'archive', status: 'failed', recordCount: 0, error: 'ConnectorUnavailableError' },
    ],
    retry: { systems: ['archive', 'gone'], attempts: 0, nextAt: '2026-11-02T11:00:00.000Z' },
  });

describe('Function: retryDue', () => {
  it('is due only for a retrying request whose time has come', () => {
    // Prepare
    const record = waiting();

    // Act & Assess
    expect(retryDue(record, new Date('2026-11-02T10:59:59.000Z'))).toBe(false);
    expect(retryDue(record, new Date('2026-11-02T11:00:00.000Z'))).toBe(true);
    expect(retryDue({ ...record, status: 'partially_completed' }, new Date('2027-01-01T00:00:00.000Z'))).toBe(false);
  });
});

describe('Class: PlanRequest (retry)', () => {
  it('re-enters at locating, plans only the failed systems still configured, and counts the attempt once', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(waiting());
    const plan = new PlanRequest(requests, SYSTEMS);

    // Act
    const first = await plan.execute(requestId);
    const rerun = await plan.execute(requestId);

    // Assess
    const record = await requests.get(requestId);
    expect(first).toEqual({ type: 'deletion', action: 'erase', recipients: [], systems: [{ systemId: 'archive' }] });
    expect(rerun).toEqual(first);
    expect(record?.status).toBe('locating');
    expect(record?.retry?.attempts).toBe(1);
  });
});

describe('Class: AssembleReceipt (retry)', () => {
  it('judges only the retried systems, keeps the first receipt, and merges the outcomes', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const documents = new MemoryDocuments();
    await requests.create({
      ...waiting(),
      status: 'confirming',
      retry: { systems: ['archive'], attempts: 1, nextAt: '2026-11-02T11:00:00.000Z' },
    });
    await documents.write(
      `receipts/${requestId}.json`,
      (async function* () {
        yield 'first';
      })(),
      'application/json',
    );

    // Act
    const result = await new AssembleReceipt(requests, documents, SYSTEMS, async () => KEY).execute(requestId, {
      located: [{ systemId: 'archive', status: 'found', recordCount: 3 }],
      erased: [{ systemId: 'archive', status: 'erased', deleted: 3, anonymized: 0, retained: 0 }],
      confirmed: [{ systemId: 'archive', status: 'not_found', recordCount: 0 }],
    });

    // Assess
    const receipt = DeletionReceipt.parse(JSON.parse(documents.objects.get(result.documentKey)?.body ?? ''));
    expect(result).toEqual({ documentKey: `receipts/${requestId}.retry-1.json`, complete: true });
    expect(receipt.systems.map((s) => [s.id, s.outcome])).toEqual([['archive', 'erased']]);
    expect(documents.objects.get(`receipts/${requestId}.json`)?.body).toBe('first');
    expect((await requests.get(requestId))?.outcomes).toEqual([
      { systemId: 'customers', status: 'found', recordCount: 2 },
      { systemId: 'events', status: 'found', recordCount: 1 },
      { systemId: 'archive', status: 'found', recordCount: 3 },
    ]);
  });

  it('records a system whose erase or confirmation failed as failed, not only one whose locate did', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(aRequest({ type: 'deletion', status: 'confirming', verified: { email: 'ada@example.com' } }));
    const found = (systemId: string) => ({ systemId, status: 'found' as const, recordCount: 1 });
    const erased = (systemId: string) => ({
      systemId,
      status: 'erased' as const,
      deleted: 1,
      anonymized: 0,
      retained: 0,
    });

    // Act
    const result = await new AssembleReceipt(requests, new MemoryDocuments(), SYSTEMS, async () => KEY).execute(
      requestId,
      {
        located: [found('customers'), found('events'), found('archive')],
        erased: [
          erased('customers'),
          {
            systemId: 'events',
            status: 'failed',
            deleted: 0,
            anonymized: 0,
            retained: 0,
            error: 'ConnectorUnavailableError',
          },
          erased('archive'),
        ],
        confirmed: [{ systemId: 'customers', status: 'not_found', recordCount: 0 }, found('events'), found('archive')],
      },
    );

    // Assess
    expect(result.complete).toBe(false);
    expect((await requests.get(requestId))?.outcomes?.map((o) => [o.systemId, o.status, o.error])).toEqual([
      ['customers', 'found', undefined],
      ['events', 'failed', 'ConnectorUnavailableError'],
      ['archive', 'failed', 'NotConfirmed'],
    ]);
  });
});
