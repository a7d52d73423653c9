import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportDocument } from '../../functions/core/domain/export-format';
import { DeletionReceipt } from '../../functions/core/domain/receipt-format';
import { linkIn } from '../../infra/local/client';
import { DEMO_ERASED_PERSON, DEMO_PERSON } from '../../infra/local/demo-company';
import { runRequest, startTestTwinWithSystems, type TestTwin } from './support';

/**
 * Identities beyond the address, through the twin: the customers table is the system of record (`resolves` the
 * customer id and phone), and app sessions in S3 are keyed by customer id only — reachable only through resolution.
 */
const SESSIONS = {
  id: 'sessions',
  type: 's3-objects',
  bucket: 'demo-clickstream',
  prefix: 'sessions/',
  format: 'jsonl',
  identity: { customer_id: { field: 'customerId' } },
  holds: { categories: ['internet_activity'], purpose: 'app sessions', retention: 'P13M' },
  erasure: { strategy: 'delete' },
};

describe('End to end: identity resolution in the twin', () => {
  let t: TestTwin;

  beforeAll(async () => {
    t = await startTestTwinWithSystems((systems) => {
      const customers = systems.systems.find((s) => s.id === 'customers');
      if (customers) customers.resolves = { customer_id: { field: 'customerId' }, phone: { field: 'phone' } };
      systems.systems.push(SESSIONS);
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('access: sessions keyed by customer id are found through the customers table, and the export says so', async () => {
    // Act
    const run = await runRequest(t.client, { type: 'access', regulation: 'gdpr', subject: DEMO_PERSON });
    const document = ExportDocument.parse(
      JSON.parse((await t.client.download(linkIn(run.delivery, '/download'))).body),
    );

    // Assess
    expect(run.final).toMatchObject({ status: 'completed' });
    expect(document.subject.identities).toEqual([
      { kind: 'phone', value: '+442079460000', from: 'customers' },
      { kind: 'customer_id', value: 'cus_0001', from: 'customers' },
    ]);
    const sessions = document.systems.find((s) => s.id === 'sessions');
    expect(sessions?.recordCount).toBe(4);
    expect(new Set(sessions?.records.map((r) => r.customerId))).toEqual(new Set(['cus_0001']));
  });

  it('deletion: the sessions go with the rest, nobody else’s, and the confirming search finds none', async () => {
    // Act
    const run = await runRequest(t.client, { type: 'deletion', regulation: 'gdpr', subject: DEMO_ERASED_PERSON });
    const receipt = DeletionReceipt.parse(
      JSON.parse((await t.client.download(linkIn(run.delivery, '/download'))).body),
    );
    const after = await runRequest(t.client, { type: 'access', regulation: 'gdpr', subject: DEMO_PERSON });
    const document = ExportDocument.parse(
      JSON.parse((await t.client.download(linkIn(after.delivery, '/download'))).body),
    );

    // Assess
    const line = receipt.systems.find((s) => s.id === 'sessions');
    expect(line).toMatchObject({ outcome: 'erased', found: { records: 4 }, confirmed: { remaining: 0 } });
    expect(receipt.summary.complete).toBe(true);
    // the receipt says what the systems were searched by, and where each came from — kinds only, no values
    expect(receipt.subject.searchedBy).toEqual([
      { kind: 'phone', from: 'customers' },
      { kind: 'customer_id', from: 'customers' },
    ]);
    expect(JSON.stringify(receipt)).not.toContain('cus_0003');
    // another customer's sessions are untouched
    expect(document.systems.find((s) => s.id === 'sessions')?.recordCount).toBe(4);
  });
});
