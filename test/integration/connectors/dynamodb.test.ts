import { createHmac } from 'node:crypto';
import {
  type AttributeDefinition,
  DynamoDBClient,
  type KeySchemaElement,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { plainJson } from '../../../connectors/canonical';
import { drain } from '../../../connectors/pass';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbSystemConfig } from '../../../connectors/config';
import { SystemConfig } from '../../../connectors/config';
import { DynamoDbConnector } from '../../../connectors/dynamodb/dynamodb-connector';
import { ConnectorConfigError, ConnectorUnavailableError } from '../../../connectors/errors';
import { createTableAndWait, startDynamoDb, type RunningEmulator } from '../../../infra/local/emulators';
import { note, pick, population, random, SUBJECT, SUBJECT_SPELLINGS } from './people';

const KEY = 'test-anonymisation-key';
const SUBJECT_ITEMS = 40;

type Item = Record<string, unknown>;

/** The three read paths, each with its own table layout. */
type Layout = 'index' | 'partition' | 'scan';

const LAYOUTS: Record<
  Layout,
  { key: DynamoDbSystemConfig['key']; identity: DynamoDbSystemConfig['identity']; emailAttribute: string }
> = {
  index: {
    key: { partition: 'id' },
    identity: { email: { attribute: 'email', index: 'byEmail' } },
    emailAttribute: 'email',
  },
  partition: {
    key: { partition: 'email', sort: 'seq' },
    identity: { email: { attribute: 'email' } },
    emailAttribute: 'email',
  },
  scan: {
    key: { partition: 'id', sort: 'at' },
    identity: { email: { attribute: 'contact' } },
    emailAttribute: 'contact',
  },
};

/**
 * Items for one table: four per person, SUBJECT_ITEMS for the subject (more than one BatchWriteItem's worth).
 * Query paths match keys exactly, so there the subject is stored lower-cased; the Scan path gets every spelling.
 * Scan-path items are padded so the table spans several 1 MB scan pages.
 */
function seedItems(layout: Layout): { items: Item[]; subject: Item[] } {
  const next = random(layout.length);
  const attribute = LAYOUTS[layout].emailAttribute;
  const items: Item[] = [];
  const subject: Item[] = [];
  let n = 0;
  const add = (email: string, name: string, isSubject: boolean): void => {
    n += 1;
    const item: Item = {
      [attribute]: email,
      name,
      note: note(next),
      phone: `+49 30 ${100000 + n}`,
      tags: new Set(['a', `t${n % 5}`]),
    };
    if (layout === 'index') item.id = `item-${n}`;
    if (layout === 'partition') item.seq = n;
    if (layout === 'scan') {
      item.id = `event-${n % 97}`;
      item.at = `2024-01-01T00:00:${String(n).padStart(5, '0')}`;
      item.padding = 'x'.repeat(1000);
    }
    items.push(item);
    if (isSubject) subject.push(item);
  };
  for (const person of population()) for (let i = 0; i < 4; i += 1) add(person.email, person.name, false);
  for (let i = 0; i < SUBJECT_ITEMS; i += 1)
    add(layout === 'scan' ? pick(next, SUBJECT_SPELLINGS) : SUBJECT, 'Ann Example', true);
  return { items, subject };
}

function keyString(item: Item, layout: Layout): string {
  const { partition, sort } = LAYOUTS[layout].key;
  return JSON.stringify([item[partition], sort === undefined ? null : item[sort]]);
}

function hmac(value: string): string {
  return createHmac('sha256', KEY).update(value).digest('hex');
}

describe('Class: DynamoDbConnector (dynalite)', () => {
  let dynalite: RunningEmulator;
  let base: DynamoDBClient;
  let client: DynamoDBDocumentClient;
  let tables = 0;
  const reads: string[] = [];

  beforeAll(async () => {
    dynalite = await startDynamoDb();
    base = dynamoClient(dynalite.endpoint);
    // Records the read calls, so tests can tell which read path was taken and that it paginated.
    base.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand' || context.commandName === 'ScanCommand')
          reads.push(context.commandName);
        return next(args);
      },
      { step: 'initialize', name: 'recordReads' },
    );
    client = DynamoDBDocumentClient.from(base);
  });

  afterAll(async () => {
    base.destroy();
    await dynalite.stop();
  });

  function dynamoClient(endpoint: string): DynamoDBClient {
    return new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  async function createTable(layout: Layout): Promise<string> {
    const table = `people-${layout}-${(tables += 1)}`;
    const { partition, sort } = LAYOUTS[layout].key;
    const definitions: AttributeDefinition[] = [{ AttributeName: partition, AttributeType: 'S' }];
    const schema: KeySchemaElement[] = [{ AttributeName: partition, KeyType: 'HASH' }];
    if (sort !== undefined) {
      definitions.push({ AttributeName: sort, AttributeType: layout === 'partition' ? 'N' : 'S' });
      schema.push({ AttributeName: sort, KeyType: 'RANGE' });
    }
    if (layout === 'index') definitions.push({ AttributeName: 'email', AttributeType: 'S' });
    await createTableAndWait(base, {
      TableName: table,
      AttributeDefinitions: definitions,
      KeySchema: schema,
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes:
        layout === 'index'
          ? [
              {
                IndexName: 'byEmail',
                KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
                Projection: { ProjectionType: 'ALL' },
              },
            ]
          : undefined,
    });
    return table;
  }

  async function seed(layout: Layout): Promise<{ table: string; subject: Item[] }> {
    const table = await createTable(layout);
    const { items, subject } = seedItems(layout);
    const batches: Item[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    await Promise.all(
      batches.map((batch) =>
        client.send(
          new BatchWriteCommand({ RequestItems: { [table]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
        ),
      ),
    );
    return { table, subject };
  }

  const readOnly = new Map<Layout, Promise<{ table: string; subject: Item[] }>>();

  /** A seeded table shared by the tests that only read. */
  function seedOnce(layout: Layout): Promise<{ table: string; subject: Item[] }> {
    const seeded = readOnly.get(layout) ?? seed(layout);
    readOnly.set(layout, seeded);
    return seeded;
  }

  /** The whole table, by primary key. */
  async function scanAll(table: string, layout: Layout): Promise<Map<string, Item>> {
    const all = new Map<string, Item>();
    for await (const page of paginateScan({ client }, { TableName: table })) {
      for (const item of page.Items ?? []) all.set(keyString(item, layout), item);
    }
    return all;
  }

  function system(table: string, layout: Layout, erasure: DynamoDbSystemConfig['erasure']): DynamoDbSystemConfig {
    const parsed = SystemConfig.parse({
      id: 'customers',
      type: 'dynamodb',
      table,
      key: LAYOUTS[layout].key,
      identity: LAYOUTS[layout].identity,
      holds: { categories: ['identifiers'], purpose: 'testing' },
      erasure,
    });
    if (parsed.type !== 'dynamodb') throw new Error('unexpected system type');
    return parsed;
  }

  async function collect(records: AsyncIterable<Item>): Promise<Item[]> {
    const found: Item[] = [];
    for await (const record of records) found.push(record);
    return found;
  }

  function sortedKeys(items: Iterable<Item>, layout: Layout): string[] {
    return [...items].map((item) => keyString(item, layout)).sort();
  }

  describe('Method: locate', () => {
    it.each<Layout>(['index', 'partition', 'scan'])('finds exactly the subject’s items (%s path)', async (layout) => {
      // Prepare
      const { table, subject } = await seedOnce(layout);
      const connector = new DynamoDbConnector(system(table, layout, { strategy: 'delete' }), client, {
        anonymizationKey: KEY,
      });
      reads.length = 0;

      // Act
      const found = await collect(connector.locate({ email: SUBJECT }));

      // Assess
      expect(sortedKeys(found, layout)).toEqual(sortedKeys(subject, layout));
      expect(found).toEqual(expect.arrayContaining(subject));
      if (layout === 'scan') expect(reads.length).toBeGreaterThanOrEqual(2);
      expect(new Set(reads)).toEqual(new Set([layout === 'scan' ? 'ScanCommand' : 'QueryCommand']));
    });

    it('a look-alike address finds only its own items', async () => {
      // Prepare
      const { table } = await seedOnce('scan');
      const connector = new DynamoDbConnector(system(table, 'scan', { strategy: 'delete' }), client, {
        anonymizationKey: KEY,
      });

      // Act
      const found = await collect(connector.locate({ email: 'xann@example.com' }));

      // Assess
      expect(found).toHaveLength(4);
      expect(found.every((item) => item.contact === 'xann@example.com')).toBe(true);
    });

    it('documents a limit: the Query paths match keys exactly, so a mixed-case stored key is not found', async () => {
      // Prepare
      const table = await createTable('index');
      await client.send(
        new BatchWriteCommand({
          RequestItems: {
            [table]: [
              { PutRequest: { Item: { id: 'lower', email: SUBJECT } } },
              { PutRequest: { Item: { id: 'mixed', email: 'Ann@Example.com' } } },
            ],
          },
        }),
      );
      const connector = new DynamoDbConnector(system(table, 'index', { strategy: 'delete' }), client, {
        anonymizationKey: KEY,
      });

      // Act
      const found = await collect(connector.locate({ email: SUBJECT }));

      // Assess
      expect(found.map((item) => item.id)).toEqual(['lower']);
    });
  });

  describe('Method: erase', () => {
    it.each<Layout>(['index', 'partition', 'scan'])(
      'delete removes the subject’s items and nothing else; a second run changes nothing (%s path)',
      async (layout) => {
        // Prepare
        const { table, subject } = await seed(layout);
        const connector = new DynamoDbConnector(system(table, layout, { strategy: 'delete' }), client, {
          anonymizationKey: KEY,
        });
        const before = await scanAll(table, layout);

        // Act
        const first = await connector.erase({ email: SUBJECT });
        const afterFirst = await scanAll(table, layout);
        const second = await connector.erase({ email: SUBJECT });

        // Assess
        expect(first).toEqual({ deleted: SUBJECT_ITEMS, anonymized: 0, retained: 0, unreadable: 0 });
        expect(second).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
        const expected = new Map(before);
        for (const item of subject) expected.delete(keyString(item, layout));
        expect(afterFirst).toStrictEqual(expected);
        expect(await scanAll(table, layout)).toStrictEqual(afterFirst);
        expect(await collect(connector.locate({ email: SUBJECT }))).toEqual([]);
      },
    );

    it.each<Layout>(['index', 'scan'])(
      'anonymize rewrites only the subject’s items, which stop matching; a second run changes nothing (%s path)',
      async (layout) => {
        // Prepare
        const { table, subject } = await seed(layout);
        const attribute = LAYOUTS[layout].emailAttribute;
        const erasure = {
          strategy: 'anonymize',
          reason: 'order history kept for accounting',
          fields: {
            [attribute]: { action: 'hash' },
            name: { action: 'remove' },
            phone: { action: 'replace', value: 'redacted' },
            fax: { action: 'remove' },
          },
        } as const;
        const connector = new DynamoDbConnector(system(table, layout, erasure), client, { anonymizationKey: KEY });
        const before = await scanAll(table, layout);

        // Act
        const first = await connector.erase({ email: SUBJECT });
        const afterFirst = await scanAll(table, layout);
        const second = await connector.erase({ email: SUBJECT });

        // Assess
        expect(first).toEqual({ deleted: 0, anonymized: SUBJECT_ITEMS, retained: 0, unreadable: 0 });
        expect(second).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
        const expected = new Map(before);
        for (const item of subject) {
          const { name: _name, ...rest } = item;
          expected.set(keyString(item, layout), {
            ...rest,
            [attribute]: hmac(String(item[attribute])),
            phone: 'redacted',
          });
        }
        expect(afterFirst).toStrictEqual(expected);
        expect(await scanAll(table, layout)).toStrictEqual(afterFirst);
        expect(await collect(connector.locate({ email: SUBJECT }))).toEqual([]);
      },
    );

    it('retain touches nothing and reports the subject’s items as retained, every time', async () => {
      // Prepare
      const { table } = await seed('index');
      const connector = new DynamoDbConnector(
        system(table, 'index', { strategy: 'retain', reason: 'legal hold' }),
        client,
        { anonymizationKey: KEY },
      );
      const before = await scanAll(table, 'index');

      // Act
      const first = await connector.erase({ email: SUBJECT });
      const second = await connector.erase({ email: SUBJECT });

      // Assess
      expect(first).toEqual({ deleted: 0, anonymized: 0, retained: SUBJECT_ITEMS, unreadable: 0 });
      expect(second).toEqual(first);
      expect(await scanAll(table, 'index')).toStrictEqual(before);
      expect(await collect(connector.locate({ email: SUBJECT }))).toHaveLength(SUBJECT_ITEMS);
    });

    it('a DeleteItem failing after 25 deletions throws ConnectorUnavailableError; the retried erase ends clean', async () => {
      // Prepare
      const { table, subject } = await seed('index');
      const before = await scanAll(table, 'index');
      const flakyBase = dynamoClient(dynalite.endpoint);
      let deletes = 0;
      flakyBase.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'DeleteItemCommand' && (deletes += 1) === 26) {
            throw new ProvisionedThroughputExceededException({
              message: 'injected',
              $metadata: { httpStatusCode: 400 },
            });
          }
          return next(args);
        },
        { step: 'initialize', name: 'failTwentySixthDelete' },
      );
      const config = system(table, 'index', { strategy: 'delete' });

      // Act
      const failed = new DynamoDbConnector(config, DynamoDBDocumentClient.from(flakyBase), {
        anonymizationKey: KEY,
      }).erase({ email: SUBJECT });
      await expect(failed).rejects.toBeInstanceOf(ConnectorUnavailableError);
      const afterFault = await scanAll(table, 'index');
      const retried = await new DynamoDbConnector(config, client, { anonymizationKey: KEY }).erase({ email: SUBJECT });

      // Assess
      expect(before.size - afterFault.size).toBe(25);
      expect(retried).toEqual({ deleted: SUBJECT_ITEMS - 25, anonymized: 0, retained: 0, unreadable: 0 });
      const expected = new Map(before);
      for (const item of subject) expected.delete(keyString(item, 'index'));
      expect(await scanAll(table, 'index')).toStrictEqual(expected);
      flakyBase.destroy();
    });
  });

  describe('Errors', () => {
    it('a missing table is a configuration error, without the subject’s email in the message', async () => {
      // Prepare
      const connector = new DynamoDbConnector(system('no-such-table', 'index', { strategy: 'delete' }), client, {
        anonymizationKey: KEY,
      });

      // Act
      const erased = connector.erase({ email: SUBJECT });

      // Assess
      await expect(erased).rejects.toBeInstanceOf(ConnectorConfigError);
      await expect(erased).rejects.not.toThrow(/ann@/i);
    });
  });

  describe('First-use table checks (DescribeTable)', () => {
    async function tableWithIndex(projection: 'ALL' | 'KEYS_ONLY', keyedBy: string): Promise<string> {
      const table = `checked-${(tables += 1)}`;
      await createTableAndWait(base, {
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: keyedBy, AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byEmail',
            KeySchema: [{ AttributeName: keyedBy, KeyType: 'HASH' }],
            Projection: { ProjectionType: projection },
          },
        ],
      });
      await client.send(new PutCommand({ TableName: table, Item: { id: '1', email: SUBJECT, [keyedBy]: SUBJECT } }));
      return table;
    }

    it.each([
      ['projects KEYS_ONLY', 'KEYS_ONLY', 'email', /projects KEYS_ONLY attributes, not ALL/],
      ['is keyed by another attribute', 'ALL', 'login', /keyed by 'login', not by the identity attribute 'email'/],
    ] as const)('refuses an index that %s, before reading anything', async (_label, projection, keyedBy, message) => {
      // Prepare
      const table = await tableWithIndex(projection, keyedBy);
      const connector = new DynamoDbConnector(system(table, 'index', { strategy: 'delete' }), client, {
        anonymizationKey: KEY,
      });
      reads.length = 0;

      // Act
      const located = drain(connector.locate({ email: SUBJECT }));
      const erased = connector.erase({ email: SUBJECT });

      // Assess
      await expect(located).rejects.toBeInstanceOf(ConnectorConfigError);
      await expect(located).rejects.toThrow(message);
      await expect(erased).rejects.toBeInstanceOf(ConnectorConfigError);
      expect(reads).toEqual([]);
      expect((await client.send(new GetCommand({ TableName: table, Key: { id: '1' } }))).Item).toBeDefined();
    });

    it('accepts an index keyed by the identity attribute projecting ALL', async () => {
      // Prepare
      const table = await tableWithIndex('ALL', 'email');
      const connector = new DynamoDbConnector(system(table, 'index', { strategy: 'delete' }), client, {
        anonymizationKey: KEY,
      });

      // Act
      const found = await collect(connector.locate({ email: SUBJECT }));

      // Assess
      expect(found).toHaveLength(1);
    });
  });

  describe('Numbers beyond double precision', () => {
    it.each([
      ['wrapNumbers (NumberValue)', true],
      ['the default client (bigint)', false],
    ])('with %s: exported as their digits, and the delete hits the exact key', async (_label, wrapNumbers) => {
      // Prepare: a numeric partition key and attribute that a JavaScript number would round
      const table = `numbers-${(tables += 1)}`;
      await createTableAndWait(base, {
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      const put = (id: string, email: string) =>
        base.send(
          new PutItemCommand({
            TableName: table,
            Item: { id: { N: id }, email: { S: email }, amount: { N: '12345678901234567890' } },
          }),
        );
      await put('12345678901234567890', SUBJECT);
      // a neighbour whose key rounds to the same double: a rounded key would delete (or miss) the wrong item
      await put('12345678901234567891', 'someone@example.com');
      // a client of its own: from() writes the translate options into the base client's config
      const own = dynamoClient(dynalite.endpoint);
      const reader = DynamoDBDocumentClient.from(own, { unmarshallOptions: { wrapNumbers } });
      const config = SystemConfig.parse({
        id: 'numbers',
        type: 'dynamodb',
        table,
        key: { partition: 'id' },
        identity: { email: { attribute: 'email' } },
        holds: { categories: ['identifiers'], purpose: 'testing' },
        erasure: { strategy: 'delete' },
      });
      if (config.type !== 'dynamodb') throw new Error('unexpected system type');
      const connector = new DynamoDbConnector(config, reader, { anonymizationKey: KEY });

      // Act
      const found = await collect(connector.locate({ email: SUBJECT }));
      const outcome = await connector.erase({ email: SUBJECT });

      // Assess
      expect(found).toHaveLength(1);
      const text = plainJson(found[0]);
      expect(text).toContain('12345678901234567890');
      if (wrapNumbers) expect(text).toContain('"amount":12345678901234567890');
      expect(outcome.deleted).toBe(1);
      const left = await base.send(new ScanCommand({ TableName: table }));
      expect(left.Items?.map((item) => item.id?.N)).toEqual(['12345678901234567891']);
      own.destroy();
    });

    it('with wrapNumbers: a correction and a numeric flag hit the exact key, keep other numbers, and a re-run is unchanged', async () => {
      // Prepare: the neighbour's key rounds to the same double as the subject's
      const table = `numbers-${(tables += 1)}`;
      await createTableAndWait(base, {
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      const put = (id: string, email: string) =>
        base.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              id: { N: id },
              email: { S: email },
              name: { S: 'Old' },
              optOut: { N: '0' },
              amount: { N: '0.12345678901234567891' },
            },
          }),
        );
      await put('12345678901234567890', SUBJECT);
      await put('12345678901234567891', 'someone@example.com');
      const own = dynamoClient(dynalite.endpoint);
      const reader = DynamoDBDocumentClient.from(own, { unmarshallOptions: { wrapNumbers: true } });
      const config = SystemConfig.parse({
        id: 'numbers',
        type: 'dynamodb',
        table,
        key: { partition: 'id' },
        identity: { email: { attribute: 'email' } },
        holds: { categories: ['identifiers'], purpose: 'testing' },
        erasure: { strategy: 'delete' },
        correctable: { name: { field: 'name' } },
        flags: { sale_sharing: { field: 'optOut', on: 1, off: 0 } },
      });
      if (config.type !== 'dynamodb') throw new Error('unexpected system type');
      const connector = new DynamoDbConnector(config, reader, { anonymizationKey: KEY });
      const before = await base.send(new ScanCommand({ TableName: table }));

      // Act
      const corrected = await connector.correct({ email: SUBJECT }, [{ attribute: 'name', value: 'New' }]);
      const flagged = await connector.setFlags({ email: SUBJECT }, [{ flag: 'sale_sharing', on: true }]);
      const again = await connector.setFlags({ email: SUBJECT }, [{ flag: 'sale_sharing', on: true }]);

      // Assess
      expect(corrected).toMatchObject({ matched: 1, changed: 1 });
      expect(flagged).toMatchObject({ matched: 1, changed: 1 });
      expect(again).toMatchObject({ matched: 1, changed: 0, unchanged: 1 });
      const after = await base.send(new ScanCommand({ TableName: table }));
      const byId = (items: typeof after.Items) => new Map((items ?? []).map((item) => [item.id?.N, item]));
      const subject = byId(before.Items).get('12345678901234567890');
      expect(byId(after.Items).get('12345678901234567890')).toEqual({
        ...subject,
        name: { S: 'New' },
        optOut: { N: '1' },
      });
      expect(byId(after.Items).get('12345678901234567891')).toEqual(byId(before.Items).get('12345678901234567891'));
      own.destroy();
    });
  });
});
