import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { BatchWriteCommand, DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemsConfig } from '../../connectors/config';
import type { Connector, SourceRecord } from '../../connectors/contract';
import { createConnector } from '../../connectors/registry';
import { DynamoSuppressionList } from '../../functions/core/adapters/dynamo-suppression-list';
import type { ConnectorFor } from '../../functions/core/connectors';
import { identityHash } from '../../functions/core/domain/keyed-hash';
import { findSystem } from '../../functions/core/systems';
import { ReapplyDeletions, type ReapplyReport } from '../../functions/reapply-deletions/reapply-deletions';
import { createTableAndWait, startDynamoDb, startS3, type RunningEmulator } from '../../infra/local/emulators';

const KEY = 'integration-test-hash-key-0123456789abcdef';
const REQUESTS = 'DsarRequests';
const BUCKET = 'demo-clickstream';
const PEOPLE = 100;
/** the three people who asked to be erased (person indexes) */
const SUBJECTS = [7, 42, 93];

const CONFIG = SystemsConfig.parse({
  version: 1,
  systems: [
    {
      id: 'customers',
      type: 'dynamodb',
      table: 'Customers',
      key: { partition: 'customerId' },
      identity: { email: { attribute: 'email', index: 'byEmail' } },
      holds: { categories: ['identifiers'], purpose: 'accounts' },
      erasure: { strategy: 'delete' },
    },
    {
      id: 'orders',
      type: 'dynamodb',
      table: 'Orders',
      key: { partition: 'orderId' },
      identity: { email: { attribute: 'contact' } },
      holds: { categories: ['commercial_information'], purpose: 'bookkeeping' },
      erasure: {
        strategy: 'anonymize',
        fields: { contact: { action: 'hash' }, name: { action: 'remove' } },
        reason: 'order statistics',
      },
    },
    {
      id: 'clickstream',
      type: 's3-objects',
      bucket: BUCKET,
      prefix: 'events/',
      format: 'jsonl',
      identity: { email: { field: 'email' } },
      holds: { categories: ['internet_activity'], purpose: 'analytics' },
      erasure: { strategy: 'delete' },
    },
  ],
});

type Item = Record<string, unknown>;

interface SeedLine {
  text: string;
  /** the person the line belongs to, if any */
  person?: number;
}

function email(i: number): string {
  return `person.${i}@example.org`;
}

/** How a system that does not normalise might have stored person i's address. */
function spelling(i: number, n: number): string {
  const variants = [email(i), email(i).toUpperCase(), ` ${email(i)} `, `Person.${i}@Example.ORG`];
  return variants[n % variants.length] ?? email(i);
}

/** The backup: the systems' data before anybody was erased. Same every run. */
function backup(): { customers: Item[]; orders: Item[]; objects: Map<string, SeedLine[]> } {
  const customers: Item[] = [];
  const orders: Item[] = [];
  for (let i = 0; i < PEOPLE; i += 1) {
    // an indexed lookup matches exactly, so this table keeps addresses lower-cased
    customers.push({
      customerId: `c-${String(i).padStart(3, '0')}`,
      email: email(i),
      name: `Person ${i}`,
      plan: i % 3 === 0 ? 'pro' : 'free',
      tags: new Set(['a', `t${i % 4}`]),
    });
    for (let o = 0; o < 2; o += 1) {
      orders.push({
        orderId: `o-${i}-${o}`,
        contact: spelling(i, i + o),
        name: `Person ${i}`,
        total: 10 + i + o / 10,
        lines: [{ sku: `sku-${o}`, qty: o + 1 }],
      });
    }
  }
  const objects = new Map<string, SeedLine[]>();
  let n = 0;
  for (let d = 0; d < 5; d += 1) {
    const eol = d === 2 ? '\r\n' : '\n';
    const lines: SeedLine[] = [];
    for (let i = 0; i < PEOPLE; i += 1) {
      if (i % 5 !== d && (i + 2) % 5 !== d) continue;
      n += 1;
      const event =
        n % 3 === 0
          ? JSON.stringify({ page: `/p/${n}`, email: spelling(i, n), at: n }).replace(/,"/g, ', "')
          : JSON.stringify({ email: spelling(i, n), page: `/p/${n}`, at: n });
      lines.push({ text: event + eol, person: i });
    }
    if (d === 1) lines.splice(4, 0, { text: eol }, { text: `{"email": "person.1@example.org", broken${eol}` });
    objects.set(`events/day-${d}.jsonl`, lines);
  }
  objects.set('events/only-one-subject.jsonl', [
    { text: `${JSON.stringify({ email: spelling(42, 1), page: '/checkout' })}\n`, person: 42 },
    { text: `${JSON.stringify({ email: spelling(42, 2), page: '/thanks' })}`, person: 42 },
  ]);
  return { customers, orders, objects };
}

function body(lines: SeedLine[]): Buffer {
  return Buffer.from(lines.map((line) => line.text).join(''), 'utf8');
}

function isSubject(person: number | undefined): boolean {
  return person !== undefined && SUBJECTS.includes(person);
}

function personOf(address: unknown): number {
  return Number(/person\.(\d+)@/i.exec(String(address))?.[1] ?? -1);
}

function hmac(value: string): string {
  return createHmac('sha256', KEY).update(value).digest('hex');
}

/** What every system must hold after the subjects' erasure, worked out from the backup without the connectors. */
function expectedAfterErasure(): { customers: Item[]; orders: Item[]; objects: Map<string, Buffer> } {
  const data = backup();
  const orders = data.orders.map((order) => {
    if (!isSubject(personOf(order.contact))) return order;
    const { name: _name, ...rest } = order;
    return { ...rest, contact: hmac(String(order.contact)) };
  });
  const objects = new Map<string, Buffer>();
  for (const [key, lines] of data.objects) {
    const kept = lines.filter((line) => !isSubject(line.person));
    if (kept.some((line) => line.person !== undefined)) objects.set(key, body(kept));
  }
  return {
    customers: byKey(
      data.customers.filter((c) => !isSubject(personOf(c.email))),
      'customerId',
    ),
    orders: byKey(orders, 'orderId'),
    objects,
  };
}

/** Items in the order the test reads tables back in. */
function byKey(items: Item[], key: string): Item[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

describe('Class: ReapplyDeletions (dynalite + s3rver)', () => {
  let dynalite: RunningEmulator;
  let s3rver: RunningEmulator;
  let directory: string;
  let base: DynamoDBClient;
  let dynamodb: DynamoDBDocumentClient;
  let s3: S3Client;
  let suppression: DynamoSuppressionList;
  const scans: ScanCommandInput[] = [];

  // The key defaults to the test's own: a connector for an anonymize-with-hash system cannot be built without one.
  const connectorFor: ConnectorFor = (systemId, anonymizationKey = KEY) =>
    createConnector(findSystem(CONFIG, systemId), { dynamodb, s3, anonymizationKey });

  beforeAll(async () => {
    dynalite = await startDynamoDb();
    directory = mkdtempSync(join(tmpdir(), 'reapply-deletions-'));
    s3rver = await startS3({ directory });
    base = new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    // Records every Scan, so the test can prove the identity walk reads one attribute only.
    base.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ScanCommand') scans.push(args.input as ScanCommandInput);
        return next(args);
      },
      { step: 'initialize', name: 'recordScans' },
    );
    dynamodb = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
    s3 = new S3Client({
      endpoint: s3rver.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    suppression = new DynamoSuppressionList(dynamodb, REQUESTS);

    const string = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
    const hash = (name: string) => [{ AttributeName: name, KeyType: 'HASH' as const }];
    await createTableAndWait(base, {
      TableName: REQUESTS,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [string('pk')],
      KeySchema: hash('pk'),
    });
    await createTableAndWait(base, {
      TableName: 'Customers',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [string('customerId'), string('email')],
      KeySchema: hash('customerId'),
      GlobalSecondaryIndexes: [
        { IndexName: 'byEmail', KeySchema: hash('email'), Projection: { ProjectionType: 'ALL' } },
      ],
    });
    await createTableAndWait(base, {
      TableName: 'Orders',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [string('orderId')],
      KeySchema: hash('orderId'),
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  afterAll(async () => {
    base.destroy();
    s3.destroy();
    await dynalite.stop();
    await s3rver.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  /** Puts the backup's data back: every item (overwriting what is there) and every object. */
  async function restoreBackup(): Promise<void> {
    const data = backup();
    for (const [table, items] of [
      ['Customers', data.customers],
      ['Orders', data.orders],
    ] as const) {
      for (let i = 0; i < items.length; i += 25) {
        await dynamodb.send(
          new BatchWriteCommand({
            RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
      }
    }
    for (const [key, lines] of data.objects) {
      await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body(lines), ContentType: 'application/x-ndjson' }),
      );
    }
  }

  async function items(table: string, key: string): Promise<Item[]> {
    const all: Item[] = [];
    for await (const page of paginateScan({ client: dynamodb }, { TableName: table })) all.push(...(page.Items ?? []));
    return byKey(all, key);
  }

  async function objects(): Promise<Map<string, Buffer>> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const result = new Map<string, Buffer>();
    for (const object of listed.Contents ?? []) {
      const response = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: object.Key }));
      result.set(object.Key ?? '', Buffer.from((await response.Body?.transformToByteArray()) ?? []));
    }
    return result;
  }

  async function state(): Promise<{ customers: Item[]; orders: Item[]; objects: Map<string, Buffer> }> {
    return {
      customers: await items('Customers', 'customerId'),
      orders: await items('Orders', 'orderId'),
      objects: await objects(),
    };
  }

  async function collect<T>(values: AsyncIterable<T>): Promise<T[]> {
    const all: T[] = [];
    for await (const value of values) all.push(value);
    return all;
  }

  /** What the systems hold of one person, by the connectors' own search. */
  async function held(connector: Connector, i: number): Promise<SourceRecord[]> {
    return collect(connector.locate({ email: email(i) }));
  }

  function assertState(actual: Awaited<ReturnType<typeof state>>, expected: Awaited<ReturnType<typeof state>>): void {
    expect(actual.customers).toEqual(expected.customers);
    expect(actual.orders).toEqual(expected.orders);
    expect([...actual.objects.keys()].sort()).toEqual([...expected.objects.keys()].sort());
    for (const [key, bytes] of expected.objects)
      expect(actual.objects.get(key)?.equals(bytes), `${key} byte for byte`).toBe(true);
  }

  describe('Method: identities (the connectors)', () => {
    it('walks every stored identity value, reading the identity attribute or field only', async () => {
      // Prepare
      await restoreBackup();
      const data = backup();
      scans.length = 0;

      // Act
      const orders = await collect(connectorFor('orders').identities('email'));
      const clickstream = await collect(connectorFor('clickstream').identities('email'));

      // Assess
      expect(orders.sort()).toEqual(data.orders.map((o) => String(o.contact)).sort());
      expect(scans.length).toBeGreaterThan(0);
      for (const scan of scans) {
        expect(scan.ProjectionExpression).toBe('#id');
        expect(scan.ExpressionAttributeNames).toEqual({ '#id': 'contact' });
      }
      const lines = [...data.objects.values()].flat().filter((line) => line.person !== undefined);
      expect(clickstream.sort()).toEqual(
        lines.map((line) => String((JSON.parse(line.text) as { email: string }).email)).sort(),
      );
      expect(
        clickstream.filter((value) => value !== value.trim().toLowerCase()).length,
        'values as stored, not normalised',
      ).toBeGreaterThan(0);
    });
  });

  describe('Method: execute', () => {
    it('after a restore from backup, erases the erased subjects again and leaves everybody else byte for byte', async () => {
      // Prepare: the systems as the backup had them; three people ask to be erased (hash first, as EraseSystem does)
      await restoreBackup();
      for (const [n, i] of SUBJECTS.entries()) {
        await suppression.add(identityHash(KEY, 'email', email(i)), `0b9a3c52-6a8e-4f43-9d2c-3c1e2f4a5b6${n}`);
        for (const system of CONFIG.systems) await connectorFor(system.id, KEY).erase({ email: email(i) });
      }
      const afterErasure = await state();
      assertState(afterErasure, expectedAfterErasure());
      // then the systems are restored from the backup, bringing the three back
      await restoreBackup();
      for (const system of CONFIG.systems)
        expect((await held(connectorFor(system.id), 42)).length, `${system.id} restored`).toBeGreaterThan(0);
      const reapply = new ReapplyDeletions({ suppression, systems: CONFIG, connectorFor, hashKey: async () => KEY });

      // Act
      const report = await reapply.execute();

      // Assess
      const data = backup();
      const subjectLines = [...data.objects.values()].flat().filter((line) => isSubject(line.person)).length;
      expect(report).toEqual<ReapplyReport>({
        suppressed: 3,
        systems: [
          { systemId: 'customers', scanned: PEOPLE, matched: 3, deleted: 3, anonymized: 0, retained: 0 },
          { systemId: 'orders', scanned: PEOPLE * 2, matched: 3, deleted: 0, anonymized: 6, retained: 0 },
          {
            systemId: 'clickstream',
            scanned: [...data.objects.values()].flat().filter((l) => l.person !== undefined).length,
            matched: 3,
            deleted: subjectLines,
            anonymized: 0,
            retained: 0,
          },
        ],
      });
      for (const system of CONFIG.systems) {
        for (const i of SUBJECTS)
          expect(await held(connectorFor(system.id), i), `${system.id} holds nothing of subject ${i}`).toEqual([]);
        expect((await held(connectorFor(system.id), 8)).length, `${system.id} still holds person 8`).toBeGreaterThan(0);
      }
      assertState(await state(), afterErasure);
      expect(JSON.stringify(report)).not.toContain('@');
    });

    it('keeps no plain identity on the suppression list', async () => {
      // Prepare
      const all: Item[] = [];

      // Act
      for await (const page of paginateScan({ client: dynamodb }, { TableName: REQUESTS }))
        all.push(...(page.Items ?? []));

      // Assess
      expect(all).toHaveLength(SUBJECTS.length);
      const text = JSON.stringify(all, (_key, value: unknown) =>
        value instanceof Set ? [...(value as Set<unknown>)] : value,
      );
      expect(text).not.toContain('@');
      expect(text).not.toMatch(/person/i);
      for (const item of all) expect(item.pk).toMatch(/^SUPPRESSION#[0-9a-f]{64}$/);
    });

    it('is idempotent: a second run finds nobody and changes nothing', async () => {
      // Prepare
      const before = await state();
      const reapply = new ReapplyDeletions({ suppression, systems: CONFIG, connectorFor, hashKey: async () => KEY });

      // Act
      const report = await reapply.execute();

      // Assess
      expect(report.systems.map((s) => [s.systemId, s.matched, s.deleted, s.anonymized, s.error])).toEqual([
        ['customers', 0, 0, 0, undefined],
        ['orders', 0, 0, 0, undefined],
        ['clickstream', 0, 0, 0, undefined],
      ]);
      assertState(await state(), before);
    });
  });
});
