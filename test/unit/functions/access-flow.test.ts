import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import type { Connector, SourceRecord } from '../../../connectors/contract';
import { parseExactJson } from '../../../connectors/exact-json';
import type { ConnectedSystemConfig as SystemConfig, SystemsConfig } from '../../../connectors/config';
import { LocateSystem } from '../../../functions/locate-system/locate-system';
import { AssembleExport } from '../../../functions/assemble-export/assemble-export';
import { Deliver } from '../../../functions/deliver/deliver';
import { Download } from '../../../functions/download/download';
import { GetRequest } from '../../../functions/get-request/get-request';
import { PlanRequest } from '../../../functions/plan-request/plan-request';
import { ExportDocument } from '../../../functions/core/domain/export-format';
import { InvalidTokenError, NotFoundError, NotVerifiedError } from '../../../functions/core/domain/errors';
import {
  MemoryDocuments,
  MemoryMailer,
  MemoryRequests,
  MemorySystemLeases,
  MemoryTokens,
  aRequest,
} from '../../support/fakes';
import { MemoryConnector, type MemoryConnectorOptions } from '../../support/memory-connector';

const SYSTEMS: SystemsConfig = {
  version: 1,
  systems: [
    {
      id: 'customers',
      type: 'dynamodb',
      table: 'Customers',
      key: { partition: 'id' },
      identity: { email: { attribute: 'email', index: 'byEmail' } },
      holds: { categories: ['identifiers'], purpose: 'accounts', recipients: ['hosting'] },
      erasure: { strategy: 'delete' },
    },
    {
      id: 'events',
      type: 's3-objects',
      bucket: 'events',
      prefix: '',
      format: 'jsonl',
      identity: { email: { field: 'email' } },
      holds: { categories: ['internet_activity'], purpose: 'analytics', recipients: [] },
      erasure: { strategy: 'delete' },
    },
  ],
};

function systemNamed(id: string): SystemConfig {
  const system = SYSTEMS.systems.find((candidate) => candidate.id === id);
  if (system === undefined || system.type === 'manual') throw new Error(`no system ${id}`);
  return system;
}

/** The configured system's connector over a fixed list; it records which identities it was asked for. */
function listConnector(
  systemId: string,
  records: SourceRecord[],
  options: MemoryConnectorOptions = {},
): MemoryConnector {
  return new MemoryConnector(systemNamed(systemId), { ...options, records });
}

const verifiedRequest = () =>
  aRequest({
    status: 'verified',
    subject: { email: 'ada@example.com', name: 'Ada' },
    verified: { email: 'ada@example.com' },
    verifiedAt: '2026-11-01T11:00:00.000Z',
  });

describe('Class: PlanRequest', () => {
  it('moves a verified request to locating and plans every configured system', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(verifiedRequest());

    // Act
    const plan = await new PlanRequest(requests, SYSTEMS).execute(aRequest().requestId);

    // Assess
    expect(plan).toEqual({
      type: 'access',
      action: 'export',
      recipients: [],
      systems: [{ systemId: 'customers' }, { systemId: 'events' }],
    });
    expect((await requests.get(aRequest().requestId))?.status).toBe('locating');
  });

  it('refuses to plan a search for a request nobody verified', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(aRequest({ status: 'verified' }));

    // Act
    const result = new PlanRequest(requests, SYSTEMS).execute(aRequest().requestId);

    // Assess
    await expect(result).rejects.toBeInstanceOf(NotVerifiedError);
  });
});

describe('Class: LocateSystem', () => {
  it('searches by the verified identity only, and streams the records into a part', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create({
      ...verifiedRequest(),
      subject: { email: 'typed-by-requester@example.com' },
      verified: { email: 'ada@example.com' },
    });
    const documents = new MemoryDocuments();
    const connector = listConnector('customers', [
      { email: 'ada@example.com', tags: new Set(['b', 'a']) },
      { email: 'bob@example.com' },
      { email: 'ada@example.com', n: 2 },
    ]);

    // Act
    const outcome = await new LocateSystem(
      requests,
      documents,
      () => connector,
      SYSTEMS,
      new MemorySystemLeases(),
    ).execute(aRequest().requestId, 'customers', 'locate');

    // Assess
    expect(connector.asked.locate).toEqual([{ email: 'ada@example.com' }]);
    expect(outcome).toEqual({
      systemId: 'customers',
      status: 'found',
      recordCount: 2,
      partKey: `parts/${aRequest().requestId}/customers.jsonl`,
    });
    expect(documents.objects.get(outcome.partKey ?? '')?.body).toBe(
      '{"email":"ada@example.com","tags":["a","b"]}\n{"email":"ada@example.com","n":2}\n',
    );
  });

  it('reports records the connector could not read, so the answer does not overstate itself', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(verifiedRequest());
    const connector = listConnector('events', [{ email: 'ada@example.com' }], { unreadable: 2 });

    // Act
    const outcome = await new LocateSystem(
      requests,
      new MemoryDocuments(),
      () => connector,
      SYSTEMS,
      new MemorySystemLeases(),
    ).execute(aRequest().requestId, 'events', 'locate');

    // Assess
    expect(outcome).toMatchObject({ systemId: 'events', status: 'found', recordCount: 1, unreadable: 2 });
  });

  it('in the confirm phase counts what is left and stores nothing', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(verifiedRequest());
    const documents = new MemoryDocuments();

    // Act
    const outcome = await new LocateSystem(
      requests,
      documents,
      () => listConnector('events', []),
      SYSTEMS,
      new MemorySystemLeases(),
    ).execute(aRequest().requestId, 'events', 'confirm');

    // Assess
    expect(outcome).toEqual({ systemId: 'events', status: 'not_found', recordCount: 0 });
    expect(documents.objects.size).toBe(0);
  });

  it('refuses to search when the request has no verified identity', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(aRequest({ status: 'locating' }));
    const connector = listConnector('customers', []);

    // Act
    const result = new LocateSystem(
      requests,
      new MemoryDocuments(),
      () => connector,
      SYSTEMS,
      new MemorySystemLeases(),
    ).execute(aRequest().requestId, 'customers', 'locate');

    // Assess
    await expect(result).rejects.toBeInstanceOf(NotVerifiedError);
    expect(connector.asked.locate).toHaveLength(0);
  });
});

describe('Class: AssembleExport', () => {
  it('streams a valid dsar-export v1 document and marks it partial when a system failed', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create({ ...verifiedRequest(), status: 'locating' });
    const documents = new MemoryDocuments();
    await documents.write(
      'parts/x/customers.jsonl',
      Readable.from(['{"email":"ada@example.com","id":1}\n', '\n', '{"email":"ada@example.com","id":2}\n']),
      'application/x-ndjson',
    );
    const outcomes = [
      { systemId: 'customers', status: 'found' as const, recordCount: 2, partKey: 'parts/x/customers.jsonl' },
      {
        systemId: 'events',
        status: 'failed' as const,
        recordCount: 0,
        error: 'ConnectorUnavailableError',
        unreadable: 3,
      },
    ];

    // Act
    const result = await new AssembleExport(
      requests,
      documents,
      SYSTEMS,
      () => new Date('2026-11-02T00:00:00Z'),
    ).execute(aRequest().requestId, outcomes);

    // Assess
    expect(result).toEqual({ documentKey: `exports/${aRequest().requestId}.json`, complete: false });
    const document = ExportDocument.parse(JSON.parse(documents.objects.get(result.documentKey)?.body ?? ''));
    expect(document.subject).toEqual({ email: 'ada@example.com' });
    expect(document.systems[0]).toMatchObject({
      id: 'customers',
      status: 'found',
      recordCount: 2,
      categories: ['identifiers'],
      purpose: 'accounts',
      records: [{ id: 1 }, { id: 2 }],
    });
    expect(document.systems[1]).toMatchObject({
      id: 'events',
      status: 'failed',
      error: 'ConnectorUnavailableError',
      unreadableRecords: 3,
      records: [],
    });
    expect(document.systems[0]).not.toHaveProperty('unreadableRecords');
    expect(document.summary).toEqual({
      systems: 2,
      withRecords: 1,
      failed: 1,
      records: 2,
      complete: false,
      needsReview: true,
      reviewReasons: [{ system: 'events', reason: '3 records could not be read, so they were not searched' }],
    });
    expect(document.systems[0]?.withheld).toEqual([]);
    expect((await requests.get(aRequest().requestId))?.status).toBe('assembling');
    expect(documents.objects.has('parts/x/customers.jsonl')).toBe(false);
  });
});

describe('Class: AssembleExport (needs review)', () => {
  it('is not complete, and says why, when a system that did not fail held records it could not read', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create({ ...verifiedRequest(), status: 'locating' });
    const documents = new MemoryDocuments();
    const outcomes = [
      { systemId: 'customers', status: 'not_found' as const, recordCount: 0 },
      { systemId: 'events', status: 'not_found' as const, recordCount: 0, unreadable: 4 },
    ];

    // Act
    const result = await new AssembleExport(requests, documents, SYSTEMS).execute(aRequest().requestId, outcomes);

    // Assess
    expect(result.complete).toBe(false);
    const document = ExportDocument.parse(JSON.parse(documents.objects.get(result.documentKey)?.body ?? ''));
    expect(document.summary).toMatchObject({
      failed: 0,
      complete: false,
      needsReview: true,
      reviewReasons: [{ system: 'events', reason: '4 records could not be read, so they were not searched' }],
    });
  });

  it('is complete and needs no review when every system was read whole', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create({ ...verifiedRequest(), status: 'locating' });
    const documents = new MemoryDocuments();

    // Act
    const result = await new AssembleExport(requests, documents, SYSTEMS).execute(aRequest().requestId, [
      { systemId: 'customers', status: 'not_found' as const, recordCount: 0 },
    ]);

    // Assess
    const document = ExportDocument.parse(JSON.parse(documents.objects.get(result.documentKey)?.body ?? ''));
    expect(result.complete).toBe(true);
    expect(document.summary).toMatchObject({ complete: true, needsReview: false, reviewReasons: [] });
  });
});

describe('Export filtering and exact numbers (LocateSystem → AssembleExport)', () => {
  const withRules: SystemsConfig = {
    ...SYSTEMS,
    systems: SYSTEMS.systems.map((system) =>
      system.id === 'customers' ? { ...system, export: { exclude: ['internalScore', 'profile.notes'] } } : system,
    ),
  };

  it('withholds secrets (nested too) and excluded fields, and the export names them without their values', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(verifiedRequest());
    const documents = new MemoryDocuments();
    const connector = new MemoryConnector(systemNamed('customers'), {
      records: [
        {
          email: 'ada@example.com',
          name: 'Ada',
          Password_Hash: 'pbkdf2$abc',
          apiKey: 'ak-123',
          internalScore: 7,
          profile: { city: 'Berlin', notes: 'vip', mfa: { totpSeed: 'JBSWY3DP' } },
          devices: [{ model: 'x', sessionToken: 'st-1' }],
          tokenCount: 3,
          footpath: 'kept: not a secret',
        },
      ],
    });

    // Act
    const outcome = await new LocateSystem(
      requests,
      documents,
      () => connector,
      withRules,
      new MemorySystemLeases(),
    ).execute(aRequest().requestId, 'customers', 'locate');
    const part = documents.objects.get(outcome.partKey ?? '')?.body ?? '';
    const result = await new AssembleExport(requests, documents, withRules).execute(aRequest().requestId, [outcome]);

    // Assess
    for (const secret of ['pbkdf2', 'ak-123', 'JBSWY3DP', 'st-1', 'vip']) expect(part).not.toContain(secret);
    const body = documents.objects.get(result.documentKey)?.body ?? '';
    const document = ExportDocument.parse(JSON.parse(body));
    expect(document.systems[0]?.records).toEqual([
      {
        email: 'ada@example.com',
        name: 'Ada',
        profile: { city: 'Berlin' },
        devices: [{ model: 'x' }],
        footpath: 'kept: not a secret',
      },
    ]);
    expect(document.systems[0]?.withheld).toEqual([
      { field: 'Password_Hash', reason: 'secret' },
      { field: 'apiKey', reason: 'secret' },
      { field: 'devices[].sessionToken', reason: 'secret' },
      { field: 'internalScore', reason: 'excluded by configuration' },
      { field: 'profile.mfa', reason: 'secret' },
      { field: 'profile.notes', reason: 'excluded by configuration' },
      { field: 'tokenCount', reason: 'secret' },
    ]);
  });

  it('keeps only the included fields, and the deny-list still wins over include', async () => {
    // Prepare
    const included: SystemsConfig = {
      ...SYSTEMS,
      systems: SYSTEMS.systems.map((system) =>
        system.id === 'customers' ? { ...system, export: { include: ['email', 'name', 'password'] } } : system,
      ),
    };
    const requests = new MemoryRequests();
    await requests.create(verifiedRequest());
    const documents = new MemoryDocuments();
    const connector = new MemoryConnector(systemNamed('customers'), {
      records: [{ email: 'ada@example.com', name: 'Ada', password: 'hunter2', plan: 'gold' }],
    });

    // Act
    const outcome = await new LocateSystem(
      requests,
      documents,
      () => connector,
      included,
      new MemorySystemLeases(),
    ).execute(aRequest().requestId, 'customers', 'locate');

    // Assess
    expect(documents.objects.get(outcome.partKey ?? '')?.body).toBe(
      '{"email":"ada@example.com","name":"Ada"}\n#withheld [{"field":"password","reason":"secret"},{"field":"plan","reason":"excluded by configuration"}]\n',
    );
  });

  it('writes 12345678901234567890 into the export as those digits, from a JSON line and from a DynamoDB attribute', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(verifiedRequest());
    const documents = new MemoryDocuments();
    const fromJsonLine = parseExactJson('{"email":"ada@example.com","orderId":12345678901234567890}') as SourceRecord;
    const fromDynamoDb = { email: 'ada@example.com', accountId: NumberValue.from('12345678901234567890') };
    // records as the connectors yield them (the memory connector copies records, which would drop their classes)
    const connector: Connector = {
      systemId: 'customers',
      async *locate() {
        yield fromJsonLine;
        yield fromDynamoDb;
        return { unreadable: 0 };
      },
      erase: () => Promise.reject(new Error('not used')),
      correct: () => Promise.reject(new Error('not used')),
      setFlags: () => Promise.reject(new Error('not used')),
      probe: () => Promise.reject(new Error('not used')),
      identities: () => {
        throw new Error('not used');
      },
    };

    // Act
    const outcome = await new LocateSystem(
      requests,
      documents,
      () => connector,
      SYSTEMS,
      new MemorySystemLeases(),
    ).execute(aRequest().requestId, 'customers', 'locate');
    const result = await new AssembleExport(requests, documents, SYSTEMS).execute(aRequest().requestId, [outcome]);

    // Assess
    const body = documents.objects.get(result.documentKey)?.body ?? '';
    expect(body).toContain('"orderId":12345678901234567890');
    expect(body).toContain('"accountId":12345678901234567890');
  });
});

describe('Class: Deliver', () => {
  it('mails a download link to the verified address and completes; a second run mails nothing', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    const mailer = new MemoryMailer();
    await requests.create({ ...verifiedRequest(), status: 'assembling' });
    const deliver = new Deliver({
      requests,
      tokens,
      mailer,
      apiUrl: 'https://api.example',
      downloadTtlSeconds: 86_400,
    });

    // Act
    const first = await deliver.execute(aRequest().requestId, 'exports/x.json', true);
    const second = await deliver.execute(aRequest().requestId, 'exports/x.json', true);

    // Assess
    expect(first).toEqual({ status: 'completed' });
    expect(second).toEqual({ status: 'completed' });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.text).toContain(`https://api.example/download?token=${tokens.issued[0]?.token}`);
    expect(await requests.get(aRequest().requestId)).toMatchObject({
      status: 'completed',
      documentKey: 'exports/x.json',
    });
  });

  it('never calls a partial result complete', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const mailer = new MemoryMailer();
    await requests.create({ ...verifiedRequest(), status: 'assembling' });

    // Act
    const result = await new Deliver({
      requests,
      tokens: new MemoryTokens(),
      mailer,
      apiUrl: 'https://api.example',
      downloadTtlSeconds: 60,
    }).execute(aRequest().requestId, 'exports/x.json', false);

    // Assess
    expect(result).toEqual({ status: 'partially_completed' });
    expect(mailer.sent[0]?.subject).toMatch(/partly/);
  });
});

describe('Class: Download', () => {
  it('exchanges a download token once for a presigned URL of at most five minutes', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    await requests.create({ ...verifiedRequest(), status: 'completed', documentKey: 'exports/x.json' });
    const token = await tokens.issue('download', aRequest().requestId, 60);
    const download = new Download(requests, tokens, new MemoryDocuments());

    // Act
    const answer = await download.execute(token, 'json');
    const again = download.execute(token, 'json');
    const url = 'redirect' in answer ? answer.redirect : '';

    // Assess
    // what the use case asked the store for, not the constant read back: the URL must live five minutes at most
    const expires = Number(new URL(url).searchParams.get('expires'));
    expect(expires).toBeGreaterThan(0);
    expect(expires).toBeLessThanOrEqual(300);
    expect(url).toContain('exports/x.json?');
    await expect(again).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a status token on the download route', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    await requests.create({ ...verifiedRequest(), status: 'completed', documentKey: 'exports/x.json' });
    const statusToken = await tokens.issue('status', aRequest().requestId, 60);

    // Act
    const result = new Download(requests, tokens, new MemoryDocuments()).execute(statusToken);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InvalidTokenError);
  });
});

describe('Class: GetRequest', () => {
  it('shows status and dates but no identity', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    await requests.create(verifiedRequest());
    const token = await tokens.issue('status', aRequest().requestId, 60);

    // Act
    const view = await new GetRequest(requests, tokens).execute(aRequest().requestId, token);

    // Assess
    expect(view).toMatchObject({ requestId: aRequest().requestId, status: 'verified', dueDate: '2026-12-01' });
    expect(JSON.stringify(view)).not.toContain('@');
  });

  it('answers an unknown id and a wrong token the same way', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    await requests.create(verifiedRequest());
    const otherToken = await tokens.issue('status', 'another-request', 60);
    const get = new GetRequest(requests, tokens);

    // Act
    const results = await Promise.allSettled([
      get.execute('7d9f1a40-1111-4222-8333-944455556666', otherToken),
      get.execute(aRequest().requestId, otherToken),
      get.execute(aRequest().requestId, undefined),
      get.execute('not-a-uuid', otherToken),
    ]);

    // Assess
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as NotFoundError;
      expect(reason).toBeInstanceOf(NotFoundError);
      expect(reason.message).toBe(new NotFoundError().message);
    }
  });
});
