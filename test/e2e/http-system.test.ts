import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportDocument } from '../../functions/core/domain/export-format';
import { ChangeReceipt, DeletionReceipt } from '../../functions/core/domain/receipt-format';
import { linkIn } from '../../infra/local/client';
import { DEMO_CHANGED_PERSON, DEMO_ERASED_PERSON, DEMO_PERSON } from '../../infra/local/demo-company';
import { runRequest, startTestTwinWithSystems, type TestTwin } from './support';

/** A SaaS system through the twin: the Stripe preset against the twin's Stripe fake, seeded with the demo's people. */
const PAYMENTS = {
  id: 'payments',
  type: 'http',
  preset: 'stripe',
  baseUrl: { local: 'stripe' },
  auth: { secret: 'dsar/stripe-key' },
  holds: { categories: ['identifiers', 'commercial_information'], purpose: 'payments', recipients: [] },
  erasure: { strategy: 'delete' },
  flags: { marketing: { field: 'metadata.marketing', on: 'out', off: 'in' } },
};

describe('End to end: an HTTP (SaaS) system in the twin', () => {
  let t: TestTwin;

  beforeAll(async () => {
    t = await startTestTwinWithSystems((systems) => {
      systems.systems.push(PAYMENTS);
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('access finds the subject’s Stripe customer; an opt-out writes its metadata; a deletion removes it for good', async () => {
    // Act
    const access = await runRequest(t.client, { type: 'access', regulation: 'gdpr', subject: DEMO_PERSON });
    const exported = ExportDocument.parse(
      JSON.parse((await t.client.download(linkIn(access.delivery, '/download'))).body),
    );
    const optOut = await runRequest(t.client, {
      type: 'opt_out',
      regulation: 'ccpa',
      scope: 'marketing',
      subject: DEMO_CHANGED_PERSON,
    } as never);
    const changed = ChangeReceipt.parse(
      JSON.parse((await t.client.download(linkIn(optOut.delivery, '/download'))).body),
    );
    const deletion = await runRequest(t.client, { type: 'deletion', regulation: 'gdpr', subject: DEMO_ERASED_PERSON });
    const receipt = DeletionReceipt.parse(
      JSON.parse((await t.client.download(linkIn(deletion.delivery, '/download'))).body),
    );

    // Assess
    const payments = exported.systems.find((s) => s.id === 'payments');
    expect(payments).toMatchObject({ status: 'found', recordCount: 1 });
    expect(payments?.records[0]).toMatchObject({ object: 'customer', email: DEMO_PERSON.email });
    expect(changed.systems.find((s) => s.id === 'payments')).toMatchObject({ outcome: 'changed', changed: 1 });
    expect(receipt.systems.find((s) => s.id === 'payments')).toMatchObject({
      outcome: 'erased',
      found: { records: 1 },
      confirmed: { remaining: 0 },
    });
    expect(receipt.summary.complete).toBe(true);
  });
});
