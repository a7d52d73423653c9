import { describe, expect, it } from 'vitest';
import type { SystemConfig, SystemsConfig } from '../../../connectors/config';
import type { SourceRecord } from '../../../connectors/contract';
import { AssembleReceipt } from '../../../functions/assemble-receipt/assemble-receipt';
import { ChangeSystem } from '../../../functions/change-system/change-system';
import type { ChangeResult } from '../../../functions/core/domain/change-result';
import { NotVerifiedError, RequestIncompleteError } from '../../../functions/core/domain/errors';
import { ChangeReceipt } from '../../../functions/core/domain/receipt-format';
import type { RequestRecord } from '../../../functions/core/domain/request-record';
import { Deliver } from '../../../functions/deliver/deliver';
import { PlanRequest } from '../../../functions/plan-request/plan-request';
import {
  MemoryDocuments,
  MemoryMailer,
  MemoryRequests,
  MemorySystemLeases,
  MemoryTokens,
  aRequest,
} from '../../support/fakes';
import { MemoryConnector } from '../../support/memory-connector';

const KEY = 'k'.repeat(64);
const holds = { categories: ['identifiers'], purpose: 'p', recipients: [] };
const CUSTOMERS: SystemConfig = {
  id: 'customers',
  type: 's3-objects',
  bucket: 'b',
  prefix: 'c/',
  format: 'jsonl',
  identity: { email: { field: 'email' } },
  holds,
  erasure: { strategy: 'delete' },
  correctable: { name: { field: 'name' }, phone: { field: 'phone' } },
  flags: {
    marketing: { field: 'marketingOptIn', on: false, off: true },
    restriction: { field: 'restricted', on: true, off: false },
    consent: { newsletter: { field: 'newsletter', on: false, off: true } },
  },
  portability: { provided: 'all' },
};
const EVENTS: SystemConfig = {
  id: 'events',
  type: 's3-objects',
  bucket: 'b',
  prefix: 'e/',
  format: 'jsonl',
  identity: { email: { field: 'email' } },
  holds,
  erasure: { strategy: 'delete' },
  owner: { name: 'Analytics team', contact: { email: 'analytics@example.com' } },
};
const LEDGER: SystemConfig = {
  ...EVENTS,
  id: 'ledger',
  flags: { marketing: { field: 'm', on: false, off: true } },
  readOnly: { reason: 'an append-only ledger' },
  owner: undefined,
};
const SYSTEMS: SystemsConfig = { version: 1, systems: [CUSTOMERS, EVENTS] };

const ada = (over: SourceRecord = {}): SourceRecord => ({
  email: 'ada@example.com',
  name: 'Ada Lovlace',
  phone: '1',
  marketingOptIn: true,
  restricted: false,
  newsletter: true,
  ...over,
});
const other: SourceRecord = { email: 'bob@example.com', name: 'Bob', marketingOptIn: true, restricted: false };

const ID = aRequest().requestId;

async function stored(record: Partial<RequestRecord>): Promise<MemoryRequests> {
  const requests = new MemoryRequests();
  await requests.create(aRequest({ status: 'locating', verified: { email: 'ada@example.com' }, ...record }));
  return requests;
}

describe('Class: PlanRequest (actions)', () => {
  const byHand = ['owner:events']; // events records none of it and has an owner to make the change by hand
  it.each([
    ['access', 'export', ['customers', 'events'], {}, []],
    ['portability', 'export', ['customers'], {}, []],
    ['categories', 'statement', [], {}, []],
    ['disclosures', 'statement', [], {}, []],
    ['deletion', 'erase', ['customers', 'events'], {}, []],
    ['correction', 'correct', ['customers', 'events'], { corrections: [{ attribute: 'name', value: 'A' }] }, byHand],
    ['restriction', 'flag', ['customers', 'events'], {}, byHand],
    ['objection', 'flag', ['customers', 'events'], { scope: 'marketing' }, byHand],
    ['opt_out', 'flag', ['customers', 'events'], { scope: 'marketing' }, byHand],
    ['limit_sensitive', 'flag', ['customers', 'events'], {}, byHand],
    ['withdraw_consent', 'flag', ['customers', 'events'], { purpose: 'newsletter' }, byHand],
  ] as const)('plans a %s as %s over %j', async (type, action, systems, extra, owners) => {
    // Prepare
    const requests = await stored({ type, status: 'verified', ...(extra as Partial<RequestRecord>) });

    // Act
    const plan = await new PlanRequest(requests, SYSTEMS).execute(ID);

    // Assess: the owners of systems that cannot make the change are told (none of the data map's recipients here)
    expect(plan).toEqual({
      type,
      action,
      systems: systems.map((systemId) => ({ systemId })),
      recipients: owners.map((recipientId) => ({ recipientId, answerWithinSeconds: 14 * 86_400 })),
    });
    expect((await requests.get(ID))?.status).toBe('locating');
  });

  it('plans an opt-out that needed no verification, and refuses any other type without a verified address', async () => {
    // Prepare
    const optOut = await stored({
      type: 'opt_out',
      scope: 'sale_sharing',
      verification: 'not_required',
      verified: undefined,
      status: 'verified',
    });
    const correction = await stored({ type: 'correction', verified: undefined, status: 'verified' });

    // Act
    const plan = await new PlanRequest(optOut, SYSTEMS).execute(ID);
    const refused = new PlanRequest(correction, SYSTEMS).execute(ID);

    // Assess
    expect(plan.action).toBe('flag');
    await expect(refused).rejects.toBeInstanceOf(NotVerifiedError);
  });
});

describe('Class: ChangeSystem', () => {
  const run = (requests: MemoryRequests, connector: MemoryConnector, systems = SYSTEMS) =>
    new ChangeSystem(requests, () => connector, systems, new MemorySystemLeases()).execute(ID, connector.systemId);

  it('writes the corrected attributes on the subject’s records only, refusing an attribute it has no field for', async () => {
    // Prepare
    const requests = await stored({
      type: 'correction',
      corrections: [
        { attribute: 'name', value: 'Ada Lovelace', note: 'typo' },
        { attribute: 'postal_address', value: '1 Analytical Row' },
      ],
    });
    const connector = new MemoryConnector(CUSTOMERS, { records: [ada(), other] });

    // Act
    const result = await run(requests, connector);

    // Assess
    expect(result).toEqual({
      systemId: 'customers',
      status: 'changed',
      matched: 1,
      changed: 1,
      unchanged: 0,
      retained: 0,
      unreadable: 0,
      refused: [{ name: 'postal_address', reason: 'this system has no field for it' }],
    });
    expect(connector.records).toEqual([ada({ name: 'Ada Lovelace' }), other]);
    // counts and fixed words only: the corrected value is not in the result
    expect(JSON.stringify(result)).not.toContain('Lovelace');
  });

  it.each([
    ['restriction', {}, { restricted: true }],
    ['opt_out', { scope: 'marketing' }, { marketingOptIn: false }],
    ['objection', { scope: 'marketing' }, { marketingOptIn: false }],
    ['withdraw_consent', { purpose: 'newsletter' }, { newsletter: false }],
  ] as const)(
    'sets the flag of a %s and nothing else; a second run changes nothing',
    async (type, fields, expected) => {
      // Prepare
      const requests = await stored({ type, ...fields });
      const connector = new MemoryConnector(CUSTOMERS, { records: [ada(), other] });

      // Act
      const first = await run(requests, connector);
      const second = await run(requests, connector);

      // Assess
      expect(connector.records).toEqual([ada(expected), other]);
      expect(first).toMatchObject({ matched: 1, changed: 1, unchanged: 0, refused: [] });
      expect(second).toMatchObject({ matched: 1, changed: 0, unchanged: 1, refused: [] });
    },
  );

  it('acts on the identifier given for an opt-out that needed no verification (CCPA §7026(d))', async () => {
    // Prepare
    const requests = await stored({
      type: 'opt_out',
      scope: 'marketing',
      verification: 'not_required',
      verified: undefined,
    });
    const connector = new MemoryConnector(CUSTOMERS, { records: [ada(), other] });

    // Act
    const result = await run(requests, connector);

    // Assess
    expect(result.changed).toBe(1);
    expect(connector.records[0]?.marketingOptIn).toBe(false);
  });

  it('refuses an unverified correction, and an opt-out with no scope, before touching the system', async () => {
    // Prepare
    const unverified = await stored({ type: 'correction', verified: undefined, corrections: [] });
    const noScope = await stored({ type: 'opt_out' });
    const connector = new MemoryConnector(CUSTOMERS, { records: [ada()] });

    // Act & Assess
    await expect(run(unverified, connector)).rejects.toBeInstanceOf(NotVerifiedError);
    await expect(run(noScope, connector)).rejects.toBeInstanceOf(RequestIncompleteError);
    expect(connector.records).toEqual([ada()]);
  });

  it('reports a read-only system as refusing, with its reason, and writes nothing', async () => {
    // Prepare
    const requests = await stored({ type: 'opt_out', scope: 'marketing' });
    const connector = new MemoryConnector(LEDGER, { records: [{ email: 'ada@example.com', m: true }] });

    // Act
    const result = await run(requests, connector, { version: 1, systems: [LEDGER] });

    // Assess
    expect(result).toMatchObject({
      matched: 1,
      changed: 0,
      refused: [{ name: 'marketing', reason: 'an append-only ledger' }],
    });
    expect(connector.records).toEqual([{ email: 'ada@example.com', m: true }]);
  });
});

describe('Class: AssembleReceipt (changes)', () => {
  const changed = (systemId: string, over: Partial<ChangeResult> = {}): ChangeResult => ({
    systemId,
    status: 'changed',
    matched: 1,
    changed: 1,
    unchanged: 0,
    retained: 0,
    unreadable: 0,
    refused: [],
    ...over,
  });
  const assemble = async (record: Partial<RequestRecord>, results: ChangeResult[]) => {
    const requests = await stored(record);
    const documents = new MemoryDocuments();
    const answer = await new AssembleReceipt(
      requests,
      documents,
      SYSTEMS,
      async () => KEY,
      () => new Date(0),
    ).execute(ID, { changed: results, notices: [{ recipientId: 'mailer', answer: 'done' }] });
    const receipt = ChangeReceipt.parse(JSON.parse(documents.objects.get(answer.documentKey)?.body ?? '{}'));
    return { answer, receipt, record: await requests.get(ID) };
  };

  it('writes a complete change receipt: per system, the notices, the right by attribute names only', async () => {
    // Act
    const { answer, receipt, record } = await assemble(
      { type: 'correction', corrections: [{ attribute: 'name', value: 'Ada Lovelace' }] },
      [changed('customers'), changed('events', { matched: 0, changed: 0, refused: [{ name: 'name', reason: 'x' }] })],
    );

    // Assess
    expect(answer).toEqual({ documentKey: `receipts/${ID}.json`, complete: true });
    expect(receipt.right).toMatchObject({ attributes: ['name'], flags: [] });
    expect(receipt.systems.map((s) => [s.id, s.outcome])).toEqual([
      ['customers', 'changed'],
      ['events', 'nothing_found'],
    ]);
    expect(receipt.notices).toEqual([{ recipient: 'mailer', answer: 'done' }]);
    expect(JSON.stringify(receipt)).not.toContain('Ada Lovelace');
    expect(record?.done).toEqual([
      { systemId: 'customers', outcome: 'changed', records: 1 },
      { systemId: 'events', outcome: 'nothing_found', records: 0 },
    ]);
    expect(record?.status).toBe('assembling');
  });

  const noFlag = [{ name: 'marketing', reason: 'this system records no such preference' }];
  it.each([
    [
      'a system failed',
      [
        changed('customers'),
        {
          ...changed('events', { changed: 0, matched: 0 }),
          status: 'failed' as const,
          error: 'ConnectorUnavailableError',
        },
      ],
    ],
    [
      'a system holding the subject cannot be changed (read-only)',
      [
        changed('customers'),
        changed('events', { changed: 0, refused: [{ name: 'marketing', reason: 'an append-only ledger' }] }),
      ],
    ],
    ['a system never reported', [changed('customers')]],
    [
      'the subject was found but nothing asked could be applied anywhere',
      [changed('customers', { changed: 0, refused: noFlag }), changed('events', { changed: 0, refused: noFlag })],
    ],
  ])('is never complete when %s', async (_why, results) => {
    // Act
    const { answer, receipt } = await assemble({ type: 'opt_out', scope: 'marketing' }, results);

    // Assess
    expect(answer.complete).toBe(false);
    expect(receipt.summary.complete).toBe(false);
  });

  it('is complete where a system simply records none of it, naming its owner to be told', async () => {
    // Act
    const { answer, receipt } = await assemble({ type: 'opt_out', scope: 'marketing' }, [
      changed('customers'),
      changed('events', { changed: 0, refused: noFlag }),
    ]);

    // Assess
    expect(answer.complete).toBe(true);
    expect(receipt.systems[1]).toMatchObject({
      outcome: 'not_recorded',
      owner: { name: 'Analytics team', toBeTold: true },
      refused: [{ name: 'marketing', reason: 'this system records no such preference' }],
    });
    expect(receipt.right.flags).toEqual(['marketing']);
  });
});

describe('Class: Deliver (changes)', () => {
  const deliver = (requests: MemoryRequests, mailer: MemoryMailer) =>
    new Deliver({
      requests,
      tokens: new MemoryTokens(),
      mailer,
      apiUrl: 'https://api.example',
      downloadTtlSeconds: 60,
    });
  const done = [
    { systemId: 'customers', outcome: 'changed', records: 1 },
    { systemId: 'events', outcome: 'refused', records: 2 },
  ];

  it('mails which right was exercised and what was done per system, then forgets the subject', async () => {
    // Prepare
    const requests = await stored({ type: 'opt_out', scope: 'marketing', status: 'assembling', done });
    const mailer = new MemoryMailer();

    // Act
    const result = await deliver(requests, mailer).execute(ID, `receipts/${ID}.json`, false);

    // Assess
    expect(result.status).toBe('partially_completed');
    const text = mailer.sent[0]?.text ?? '';
    expect(text).toContain('an opt-out from the use of your personal data');
    expect(text).toContain('- customers: changed as asked (1 records)');
    expect(text).toContain(
      '- events: could not be changed (2 records); the receipt says why and who will do it by hand',
    );
    expect(text).toContain('Download your receipt here');
    const record = await requests.get(ID);
    expect(record?.subject).toBeUndefined();
    expect(record?.retry).toBeUndefined();
  });

  it('keeps the address of a restriction, to tell the subject before it is lifted (GDPR Art. 18(3))', async () => {
    // Prepare
    const requests = await stored({ type: 'restriction', status: 'assembling', done });
    const mailer = new MemoryMailer();

    // Act
    await deliver(requests, mailer).execute(ID, `receipts/${ID}.json`, true);

    // Assess
    expect((await requests.get(ID))?.status).toBe('completed');
    expect((await requests.get(ID))?.subject).toEqual({ email: 'ada@example.com' });
    expect(mailer.sent[0]?.text).toContain('before the restriction is lifted');
  });

  it('answers an opt-out that needed no verification at the identifier given', async () => {
    // Prepare
    const requests = await stored({
      type: 'opt_out',
      scope: 'sale_sharing',
      verification: 'not_required',
      verified: undefined,
      status: 'assembling',
      done,
    });
    const mailer = new MemoryMailer();

    // Act
    await deliver(requests, mailer).execute(ID, `receipts/${ID}.json`, true);

    // Assess
    expect(mailer.sent.map((m) => m.to)).toEqual(['ada@example.com']);
  });
});
