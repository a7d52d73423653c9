import { describe, expect, it } from 'vitest';
import type { ConnectedSystemConfig as SystemConfig, SystemsConfig } from '../../../connectors/config';
import type { EraseOutcome } from '../../../connectors/contract';
import { OBJECT_LOCK_REASON } from '../../../connectors/s3-objects/versions';
import { receiptLine, reviewReasonsFor } from '../../../functions/assemble-receipt/receipt';
import { AssembleReceipt } from '../../../functions/assemble-receipt/assemble-receipt';
import { EraseSystem } from '../../../functions/erase-system/erase-system';
import { DeletionReceipt } from '../../../functions/core/domain/receipt-format';
import { identityHash } from '../../../functions/core/domain/keyed-hash';
import { NotVerifiedError } from '../../../functions/core/domain/errors';
import { MemoryDocuments, MemoryRequests, MemorySuppression, MemorySystemLeases, aRequest } from '../../support/fakes';
import { MemoryConnector } from '../../support/memory-connector';

const KEY = 'k'.repeat(64);
const holds = { categories: ['identifiers'], purpose: 'p', recipients: ['payment processor'] };
const base = {
  type: 's3-objects' as const,
  bucket: 'b',
  prefix: '',
  format: 'jsonl' as const,
  identity: { email: { field: 'email' } },
  holds,
};
const DELETE: SystemConfig = { ...base, id: 'events', erasure: { strategy: 'delete' } };
const ANONYMIZE: SystemConfig = {
  ...base,
  id: 'orders',
  erasure: { strategy: 'anonymize', reason: 'tax law', fields: { email: { action: 'hash' } } },
};
const RETAIN: SystemConfig = {
  ...base,
  id: 'hold',
  erasure: { strategy: 'retain', reason: 'legal hold', law: 'FRCP 37(e)' },
};

const found = (systemId: string, recordCount: number) => ({
  systemId,
  status: recordCount ? ('found' as const) : ('not_found' as const),
  recordCount,
});
const erased = (systemId: string, o: Partial<EraseOutcome> = {}) => ({
  systemId,
  status: 'erased' as const,
  deleted: 0,
  anonymized: 0,
  retained: 0,
  ...o,
});

describe('Function: receiptLine', () => {
  it.each([
    [
      'a deletion confirmed by a second search',
      DELETE,
      found('events', 3),
      erased('events', { deleted: 3 }),
      found('events', 0),
      'erased',
    ],
    [
      'an anonymisation confirmed',
      ANONYMIZE,
      found('orders', 2),
      erased('orders', { anonymized: 2 }),
      found('orders', 0),
      'anonymized',
    ],
    [
      'records kept under an exemption, still there',
      RETAIN,
      found('hold', 2),
      erased('hold', { retained: 2 }),
      found('hold', 2),
      'retained',
    ],
    ['a system that held nothing', DELETE, found('events', 0), erased('events'), found('events', 0), 'nothing_found'],
    [
      'records left after a deletion',
      DELETE,
      found('events', 3),
      erased('events', { deleted: 3 }),
      found('events', 1),
      'failed',
    ],
    [
      'an erase that failed',
      DELETE,
      found('events', 3),
      {
        systemId: 'events',
        status: 'failed' as const,
        deleted: 0,
        anonymized: 0,
        retained: 0,
        error: 'ConnectorUnavailableError',
      },
      found('events', 3),
      'failed',
    ],
    [
      'a confirmation that could not run',
      DELETE,
      found('events', 3),
      erased('events', { deleted: 3 }),
      { systemId: 'events', status: 'failed' as const, recordCount: 0 },
      'failed',
    ],
    ['a missing confirmation', DELETE, found('events', 3), erased('events', { deleted: 3 }), undefined, 'failed'],
  ])('judges %s as %s', (_, system, located, erasure, confirmed, outcome) => {
    // Act
    const line = receiptLine(system, located, erasure, confirmed);

    // Assess
    expect(line.outcome).toBe(outcome);
  });

  it('says how many records could not be read at the second search, without calling the system failed', () => {
    // Act
    const line = receiptLine(DELETE, found('events', 3), erased('events', { deleted: 3 }), {
      ...found('events', 0),
      unreadable: 2,
    });

    // Assess
    expect(line.outcome).toBe('erased');
    expect(line.confirmed).toEqual({ status: 'not_found', remaining: 0, expected: 0, unreadable: 2 });
  });

  it('reports records kept by an S3 Object Lock as retained with the lock as the reason, never as erased', () => {
    // Act: 3 found, 1 deleted, 2 kept by the lock (and found again by the second search)
    const line = receiptLine(
      DELETE,
      found('events', 3),
      erased('events', { deleted: 1, retained: 2 }),
      found('events', 2),
    );

    // Assess
    expect(line).toMatchObject({
      strategy: 'delete',
      outcome: 'retained',
      erased: { deleted: 1, retained: 2 },
      confirmed: { remaining: 2, expected: 2 },
      retention: { reason: OBJECT_LOCK_REASON },
    });
  });

  it('states a Postgres table’s own exemption as the reason for rows kept, with no review (not a store refusing)', () => {
    // Prepare: customers are deleted, invoices kept for tax law
    const shop = {
      id: 'shop',
      type: 'postgres',
      connection: { local: 'shop' },
      tables: [
        {
          name: 'customers',
          schema: 'public',
          key: ['id'],
          identity: { email: { column: 'email' } },
          relations: [],
        },
        {
          name: 'invoices',
          schema: 'public',
          key: ['id'],
          identity: { email: { column: 'email' } },
          relations: [],
          erasure: { strategy: 'retain', reason: 'invoices are kept 10 years', law: 'HGB §257' },
        },
      ],
      holds,
      erasure: { strategy: 'delete' },
    } as SystemConfig;

    // Act
    const line = receiptLine(shop, found('shop', 3), erased('shop', { deleted: 1, retained: 2 }), found('shop', 2));

    // Assess
    expect(line).toMatchObject({
      outcome: 'erased',
      erased: { deleted: 1, retained: 2 },
      confirmed: { remaining: 2, expected: 2 },
      retention: { reason: 'table invoices: invoices are kept 10 years (HGB §257)' },
    });
    expect(reviewReasonsFor(shop, found('shop', 3), erased('shop', { deleted: 1, retained: 2 }))).toEqual([]);
  });

  it('states the reason and the law for what is kept', () => {
    // Act
    const line = receiptLine(RETAIN, found('hold', 2), erased('hold', { retained: 2 }), found('hold', 2));

    // Assess
    expect(line).toMatchObject({
      strategy: 'retain',
      retention: { reason: 'legal hold', law: 'FRCP 37(e)' },
      confirmed: { remaining: 2, expected: 2 },
      recipients: ['payment processor'],
    });
  });
});

describe('Class: AssembleReceipt', () => {
  const systems: SystemsConfig = { version: 1, backups: { retentionDays: 35 }, systems: [DELETE, RETAIN] };

  it('writes a schema-valid receipt that names the subject only by mask and keyed hash', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const documents = new MemoryDocuments();
    await requests.create(aRequest({ type: 'deletion', status: 'confirming', verified: { email: 'ada@example.com' } }));

    // Act
    const result = await new AssembleReceipt(requests, documents, systems, async () => KEY).execute(
      aRequest().requestId,
      {
        located: [found('events', 3), found('hold', 1)],
        erased: [erased('events', { deleted: 3 }), erased('hold', { retained: 1 })],
        confirmed: [found('events', 0), found('hold', 1)],
      },
    );

    // Assess
    const body = documents.objects.get(result.documentKey)?.body ?? '';
    const receipt = DeletionReceipt.parse(JSON.parse(body));
    expect(result).toEqual({ documentKey: `receipts/${aRequest().requestId}.json`, complete: true });
    expect(receipt.summary).toMatchObject({ complete: true, needsReview: false, reviewReasons: [] });
    expect(body).not.toContain('ada@example.com');
    expect(receipt.subject.keyedHash).toBe(identityHash(KEY, 'email', 'ada@example.com'));
    expect(receipt.summary).toMatchObject({
      erased: 1,
      retained: 1,
      failed: 0,
      records: { found: 4, deleted: 3, retained: 1, remaining: 1 },
    });
    expect(receipt.backups.statement).toContain('35 days');
  });

  it('is not complete but needs review when a system held records it could not read', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const documents = new MemoryDocuments();
    await requests.create(aRequest({ type: 'deletion', status: 'confirming', verified: { email: 'ada@example.com' } }));

    // Act
    const result = await new AssembleReceipt(requests, documents, systems, async () => KEY).execute(
      aRequest().requestId,
      {
        located: [{ ...found('events', 3), unreadable: 2 }, found('hold', 1)],
        erased: [erased('events', { deleted: 3 }), erased('hold', { retained: 1 })],
        confirmed: [{ ...found('events', 0), unreadable: 2 }, found('hold', 1)],
      },
    );

    // Assess
    const receipt = DeletionReceipt.parse(JSON.parse(documents.objects.get(result.documentKey)?.body ?? ''));
    expect(result.complete).toBe(false);
    expect(receipt.summary).toMatchObject({
      failed: 0,
      complete: false,
      needsReview: true,
      reviewReasons: [
        { system: 'events', reason: '2 records could not be read, so they were neither erased nor checked' },
      ],
    });
  });

  it('is not complete but needs review when an Object Lock kept records a deletion should have erased', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const documents = new MemoryDocuments();
    await requests.create(aRequest({ type: 'deletion', status: 'confirming', verified: { email: 'ada@example.com' } }));

    // Act
    const result = await new AssembleReceipt(requests, documents, systems, async () => KEY).execute(
      aRequest().requestId,
      {
        located: [found('events', 3), found('hold', 1)],
        erased: [erased('events', { deleted: 1, retained: 2 }), erased('hold', { retained: 1 })],
        confirmed: [found('events', 2), found('hold', 1)],
      },
    );

    // Assess
    const receipt = DeletionReceipt.parse(JSON.parse(documents.objects.get(result.documentKey)?.body ?? ''));
    expect(result.complete).toBe(false);
    expect(receipt.systems[0]).toMatchObject({ id: 'events', outcome: 'retained' });
    expect(receipt.summary).toMatchObject({ erased: 0, retained: 2, failed: 0, needsReview: true });
    expect(receipt.summary.reviewReasons).toEqual([{ system: 'events', reason: `2 records ${OBJECT_LOCK_REASON}` }]);
  });

  it('is not complete when a system failed', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(aRequest({ type: 'deletion', status: 'confirming', verified: { email: 'ada@example.com' } }));

    // Act
    const result = await new AssembleReceipt(requests, new MemoryDocuments(), systems, async () => KEY).execute(
      aRequest().requestId,
      {
        located: [found('events', 3), found('hold', 1)],
        erased: [
          {
            systemId: 'events',
            status: 'failed',
            deleted: 0,
            anonymized: 0,
            retained: 0,
            error: 'ConnectorUnavailableError',
          },
          erased('hold', { retained: 1 }),
        ],
        confirmed: [found('events', 3), found('hold', 1)],
      },
    );

    // Assess
    expect(result.complete).toBe(false);
  });
});

/** The `events` system holding two records of the verified subject, and one of the address the requester typed. */
function eventsConnector(): MemoryConnector {
  return new MemoryConnector(DELETE, {
    records: [
      { id: 1, email: 'ada@example.com' },
      { id: 2, email: 'Ada@Example.com' },
      { id: 3, email: 'typed@example.com' },
    ],
  });
}

const ERASE_SYSTEMS: SystemsConfig = { version: 1, systems: [DELETE] };

describe('Class: EraseSystem', () => {
  it('puts the keyed hash on the suppression list, then erases by the verified address only', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const suppression = new MemorySuppression();
    const connector = eventsConnector();
    await requests.create(
      aRequest({
        type: 'deletion',
        status: 'locating',
        subject: { email: 'typed@example.com' },
        verified: { email: 'ada@example.com' },
      }),
    );

    // Act
    const result = await new EraseSystem(
      requests,
      suppression,
      () => connector,
      async () => KEY,
      ERASE_SYSTEMS,
      new MemorySystemLeases(),
    ).execute(aRequest().requestId, 'events');

    // Assess
    expect(result).toEqual({ systemId: 'events', status: 'erased', deleted: 2, anonymized: 0, retained: 0 });
    expect(connector.asked.erase).toEqual([{ email: 'ada@example.com' }]);
    expect(connector.records).toEqual([{ id: 3, email: 'typed@example.com' }]);
    expect([...suppression.entries.keys()]).toEqual([identityHash(KEY, 'email', 'ada@example.com')]);
    expect((await requests.get(aRequest().requestId))?.status).toBe('erasing');
  });

  it('refuses to erase for a request nobody verified', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const connector = eventsConnector();
    await requests.create(aRequest({ type: 'deletion', status: 'locating' }));

    // Act
    const result = new EraseSystem(
      requests,
      new MemorySuppression(),
      () => connector,
      async () => KEY,
      ERASE_SYSTEMS,
      new MemorySystemLeases(),
    ).execute(aRequest().requestId, 'events');

    // Assess
    await expect(result).rejects.toBeInstanceOf(NotVerifiedError);
    expect(connector.asked.erase).toHaveLength(0);
  });

  it('never erases for an access request', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const connector = eventsConnector();
    await requests.create(aRequest({ type: 'access', status: 'locating', verified: { email: 'ada@example.com' } }));

    // Act
    const result = new EraseSystem(
      requests,
      new MemorySuppression(),
      () => connector,
      async () => KEY,
      ERASE_SYSTEMS,
      new MemorySystemLeases(),
    ).execute(aRequest().requestId, 'events');

    // Assess
    await expect(result).rejects.toThrow(/not a deletion request/);
    expect(connector.asked.erase).toHaveLength(0);
  });
});

describe('Class: Deliver (deletion)', () => {
  it('forgets the subject once the receipt is delivered, and stays forgotten on a re-run', async () => {
    // Prepare
    const { Deliver } = await import('../../../functions/deliver/deliver');
    const { MemoryMailer, MemoryTokens } = await import('../../support/fakes');
    const requests = new MemoryRequests();
    const mailer = new MemoryMailer();
    await requests.create(
      aRequest({
        type: 'deletion',
        status: 'assembling',
        subject: { email: 'ada@example.com', name: 'Ada' },
        verified: { email: 'ada@example.com' },
      }),
    );
    const deliver = new Deliver({
      requests,
      tokens: new MemoryTokens(),
      mailer,
      apiUrl: 'https://api.example',
      downloadTtlSeconds: 60,
    });

    // Act
    await deliver.execute(aRequest().requestId, 'receipts/x.json', true);
    await deliver.execute(aRequest().requestId, 'receipts/x.json', true);

    // Assess
    const record = await requests.get(aRequest().requestId);
    expect(mailer.sent.map((m) => m.to)).toEqual(['ada@example.com']);
    expect(record).toMatchObject({ status: 'completed', documentKey: 'receipts/x.json' });
    expect(record?.subjectForgottenAt).toEqual(expect.any(String));
    expect(JSON.stringify(record)).not.toMatch(/@|Ada/);
  });
});
