import { Readable } from 'node:stream';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type ConnectedSystemConfig, SystemsConfig } from '../../../connectors/config';
import { withheldLine } from '../../../connectors/export-filter';
import { AssembleExport } from '../../../functions/assemble-export/assemble-export';
import { archiveKey, exportKey, htmlKey, partKey } from '../../../functions/core/domain/document-keys';
import { ExportDocument } from '../../../functions/core/domain/export-format';
import { PortabilityDocument } from '../../../functions/core/domain/portability-format';
import type { Regulation, RequestType, SystemOutcome } from '../../../functions/core/domain/request';
import { EraseSystem } from '../../../functions/erase-system/erase-system';
import { LocateSystem } from '../../../functions/locate-system/locate-system';
import { MemoryDocuments, MemoryRequests, MemorySuppression, MemorySystemLeases, aRequest } from '../../support/fakes';
import { MemoryConnector } from '../../support/memory-connector';

const ID = aRequest().requestId;
const SOURCE = '«Any divulgences we give will cover just the year time frame going before the solicitation»';
const PROFILE = { lookback: { period: 'P12M' as const, source: SOURCE } };
const holds = { categories: ['commercial information'], purpose: 'orders' };

/** `orders` dates its records (ISO), `tickets` by Unix seconds, `profile` does not: it is answered whole. */
const SYSTEMS = SystemsConfig.parse({
  version: 1,
  systems: [
    {
      id: 'orders',
      type: 's3-objects',
      bucket: 'orders',
      format: 'jsonl',
      identity: { email: { field: 'email' } },
      recordDate: 'createdAt',
      holds,
      erasure: { strategy: 'delete' },
      portability: { provided: 'all' },
    },
    {
      id: 'tickets',
      type: 'dynamodb',
      table: 'Tickets',
      key: { partition: 'id' },
      identity: { email: { attribute: 'email', index: 'byEmail' } },
      recordDate: { field: 'opened', format: 'epoch_seconds' },
      holds,
      erasure: { strategy: 'delete' },
    },
    {
      id: 'profile',
      type: 'dynamodb',
      table: 'Profiles',
      key: { partition: 'id' },
      identity: { email: { attribute: 'email' } },
      holds,
      erasure: { strategy: 'delete' },
      portability: { provided: 'all' },
    },
  ],
});

/** Received 15 March 2026: a 12-month lookback covers records from 15 March 2025. */
const RECEIVED = '2026-03-15T09:00:00.000Z';
const ORDERS = [
  { email: 'ada@example.com', order: 'o-old', createdAt: '2025-03-14T23:59:59Z' },
  { email: 'ada@example.com', order: 'o-first-day', createdAt: '2025-03-15T00:00:00Z' },
  { email: 'ada@example.com', order: 'o-recent', createdAt: '2026-01-02' },
  { email: 'ada@example.com', order: 'o-undated', createdAt: 'unknown' },
];
const TICKETS = [
  // 2025-03-14T12:00:00Z and 2025-03-15T12:00:00Z
  { email: 'ada@example.com', id: 't-old', opened: 1741953600 },
  { email: 'ada@example.com', id: 't-in', opened: 1742040000 },
];
const PROFILES = [{ email: 'ada@example.com', name: 'Ada', createdAt: '2001-01-01' }];

async function setUp(type: RequestType, regulation: Regulation, profile: object = PROFILE) {
  const requests = new MemoryRequests();
  const documents = new MemoryDocuments();
  await requests.create(
    aRequest({
      type,
      regulation,
      status: 'locating',
      receivedAt: RECEIVED,
      verified: { email: 'ada@example.com' },
      verifiedAt: RECEIVED,
    }),
  );
  const outcomes: SystemOutcome[] = [];
  for (const [systemId, records] of [
    ['orders', ORDERS],
    ['tickets', TICKETS],
    ['profile', PROFILES],
  ] as const) {
    const lines = records.map((r) => `${JSON.stringify(r)}\n`);
    await documents.write(
      partKey(ID, systemId),
      Readable.from([...lines, withheldLine([{ field: 'passwordHash', reason: 'secret' }])]),
      'application/x-ndjson',
    );
    outcomes.push({ systemId, status: 'found', recordCount: records.length, partKey: partKey(ID, systemId) });
  }
  const assemble = new AssembleExport(
    requests,
    documents,
    SYSTEMS,
    () => new Date('2026-03-20T12:00:00Z'),
    undefined,
    () => profile,
  );
  return { documents, outcomes, assemble };
}

describe('Class: AssembleExport (lookback)', () => {
  describe('Method: execute (access under the CCPA, with the profile’s lookback)', () => {
    it('leaves out the dated records before the window, keeps undated ones, and states window and counts per system', async () => {
      // Prepare
      const { documents, outcomes, assemble } = await setUp('access', 'ccpa');

      // Act
      const result = await assemble.execute(ID, outcomes);

      // Assess
      const document = ExportDocument.parse(JSON.parse(documents.objects.get(result.documentKey)?.body ?? ''));
      const [orders, tickets, profile] = document.systems;
      expect(orders?.records.map((r) => r.order)).toEqual(['o-first-day', 'o-recent', 'o-undated']);
      expect(orders?.recordCount).toBe(4);
      expect(orders?.withheld).toEqual([{ field: 'passwordHash', reason: 'secret' }]);
      expect(orders?.lookback).toEqual({ from: '2025-03-15', period: 'P12M', source: SOURCE, outside: 1, undated: 1 });
      expect(tickets?.records.map((r) => r.id)).toEqual(['t-in']);
      expect(tickets?.lookback).toMatchObject({ from: '2025-03-15', outside: 1, undated: 0 });
      // a system that declares no record date is answered whole, and says nothing of a window
      expect(profile?.records).toEqual(PROFILES);
      expect(profile).not.toHaveProperty('lookback');
      expect(result.complete).toBe(true);
    });

    it('renders the same records and the window, in counts only, on the HTML page', async () => {
      // Prepare
      const { documents, outcomes, assemble } = await setUp('access', 'ccpa');

      // Act
      await assemble.execute(ID, outcomes);

      // Assess
      const html = documents.objects.get(htmlKey(ID))?.body ?? '';
      expect(html).not.toContain('o-old');
      expect(html).not.toContain('t-old');
      expect(html).toContain('o-first-day');
      expect(html).toContain(
        '1 record dated before 2025-03-15 is not included; 1 record without a readable date is included.',
      );
      expect(html).toContain('Covers records from');
      expect(html.match(/Covers records from/g)).toHaveLength(2);
    });
  });

  it('answers a GDPR access request whole, whatever the profile states (Art. 15 has no lookback)', async () => {
    // Prepare
    const { documents, outcomes, assemble } = await setUp('access', 'gdpr');

    // Act
    const result = await assemble.execute(ID, outcomes);

    // Assess
    const document = ExportDocument.parse(JSON.parse(documents.objects.get(result.documentKey)?.body ?? ''));
    expect(document.systems.map((s) => s.records.length)).toEqual([4, 2, 1]);
    expect(document.systems.some((s) => 'lookback' in s)).toBe(false);
  });

  it('answers whole when the profile states no lookback', async () => {
    // Prepare
    const { documents, outcomes, assemble } = await setUp('access', 'ccpa', {});

    // Act
    const result = await assemble.execute(ID, outcomes);

    // Assess
    const document = ExportDocument.parse(JSON.parse(documents.objects.get(exportKey(ID))?.body ?? ''));
    expect(result.documentKey).toBe(exportKey(ID));
    expect(document.systems.map((s) => s.records.length)).toEqual([4, 2, 1]);
  });

  it('covers a CCPA portability archive by the same window, JSON and CSV alike', async () => {
    // Prepare
    const { documents, outcomes, assemble } = await setUp('portability', 'ccpa');

    // Act
    await assemble.execute(ID, outcomes);

    // Assess
    const files = unzipSync(new Uint8Array(documents.objects.get(archiveKey(ID))?.bytes ?? []));
    const json = PortabilityDocument.parse(JSON.parse(strFromU8(files['portability.json'] ?? new Uint8Array())));
    const [orders, profile] = json.systems;
    expect(orders?.records.map((r) => r.order)).toEqual(['o-first-day', 'o-recent', 'o-undated']);
    expect(orders?.lookback).toMatchObject({ from: '2025-03-15', outside: 1, undated: 1 });
    expect(profile?.records).toHaveLength(1);
    expect(profile).not.toHaveProperty('lookback');
    const csv = strFromU8(files['orders.csv'] ?? new Uint8Array());
    expect(csv).not.toContain('o-old');
    expect(csv.trim().split('\r\n')).toHaveLength(4);
  });
});

describe('Lookback and deletion', () => {
  it('never limits a deletion: every record of a dated system is found and erased, however old', async () => {
    // Prepare
    const system = SYSTEMS.systems[0] as ConnectedSystemConfig;
    const requests = new MemoryRequests();
    await requests.create(
      aRequest({ type: 'deletion', regulation: 'ccpa', status: 'locating', verified: { email: 'ada@example.com' } }),
    );
    const connector = new MemoryConnector(system, { records: ORDERS.map((r) => ({ ...r })) });
    const documents = new MemoryDocuments();

    // Act
    const located = await new LocateSystem(
      requests,
      documents,
      () => connector,
      SYSTEMS,
      new MemorySystemLeases(),
    ).execute(ID, 'orders', 'locate');
    const erased = await new EraseSystem(
      requests,
      new MemorySuppression(),
      () => connector,
      async () => 'k'.repeat(64),
      SYSTEMS,
      new MemorySystemLeases(),
    ).execute(ID, 'orders');

    // Assess
    expect(located.recordCount).toBe(4);
    expect(erased).toMatchObject({ status: 'erased', deleted: 4 });
    expect(connector.records).toEqual([]);
  });
});
