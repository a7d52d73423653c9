import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  NumberValue,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { keyedHash } from '../../../connectors/anonymize';
import { REFUSED } from '../../../connectors/base';
import { type DynamoDbSystemConfig, SystemConfig } from '../../../connectors/config';
import { plainJson } from '../../../connectors/canonical';
import { DEFAULT_SCAN_CEILING, DynamoDbConnector } from '../../../connectors/dynamodb/dynamodb-connector';
import { ConnectorConfigError, ConnectorUnavailableError } from '../../../connectors/errors';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const EMAIL = 'ann@example.com';

function system(overrides: Record<string, unknown> = {}): DynamoDbSystemConfig {
  const parsed = SystemConfig.parse({
    id: 'customers',
    type: 'dynamodb',
    table: 'Customers',
    key: { partition: 'id' },
    identity: { email: { attribute: 'email', index: 'byEmail' } },
    holds: { categories: ['identifiers'], purpose: 'testing' },
    erasure: { strategy: 'delete' },
    ...overrides,
  });
  if (parsed.type !== 'dynamodb') throw new Error('unexpected type');
  return parsed;
}

function connector(config: DynamoDbSystemConfig = system()): DynamoDbConnector {
  return new DynamoDbConnector(config, client, { anonymizationKey: 'k' });
}

/** DescribeTable's answer for the Customers table: a GSI on email projecting ALL, unless told otherwise. */
function described(
  index: { name?: string; partition?: string; projection?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE' } = {},
  itemCount = 10,
): DescribeTableCommandOutput {
  return {
    $metadata: {},
    Table: {
      TableName: 'Customers',
      ItemCount: itemCount,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: index.name ?? 'byEmail',
          KeySchema: [{ AttributeName: index.partition ?? 'email', KeyType: 'HASH' }],
          Projection: { ProjectionType: index.projection ?? 'ALL' },
        },
      ],
    },
  };
}

async function collect(records: AsyncIterable<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for await (const record of records) found.push(record);
  return found;
}

function items(count: number, from = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({ id: `item-${from + i}`, email: EMAIL, name: 'Ann' }));
}

describe('Class: DynamoDbConnector', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(DescribeTableCommand).resolves(described());
  });

  describe('Method: constructor', () => {
    it('rejects an anonymize rule that leaves the identity attribute (Confirm would find the record again)', () => {
      // Prepare
      const config = system({
        erasure: { strategy: 'anonymize', reason: 'r', fields: { name: { action: 'remove' } } },
      });

      // Act & Assess
      expect(() => connector(config)).toThrow(ConnectorConfigError);
    });

    it('rejects an anonymize rule that would change a key attribute', () => {
      // Prepare
      const config = system({
        key: { partition: 'email', sort: 'seq' },
        identity: { email: { attribute: 'email' } },
        erasure: { strategy: 'anonymize', reason: 'r', fields: { email: { action: 'hash' } } },
      });

      // Act & Assess
      expect(() => connector(config)).toThrow(/key attribute 'email'/);
    });

    it('rejects replacing an index key with a value DynamoDB would refuse', () => {
      // Prepare
      const config = system({
        erasure: { strategy: 'anonymize', reason: 'r', fields: { email: { action: 'replace', value: null } } },
      });

      // Act & Assess
      expect(() => connector(config)).toThrow(/key of index 'byEmail'/);
    });

    it('locates without a key, but refuses to erase by hashing without one', async () => {
      // Prepare
      const config = system({ erasure: { strategy: 'anonymize', reason: 'r', fields: { email: { action: 'hash' } } } });
      ddb.on(QueryCommand).resolves({ Items: items(1) });
      const keyless = new DynamoDbConnector(config, client, { anonymizationKey: '' });

      // Act
      const found: unknown[] = [];
      for await (const item of keyless.locate({ email: 'ann@example.com' })) found.push(item);
      const erasing = keyless.erase({ email: 'ann@example.com' });

      // Assess
      expect(found).toHaveLength(1);
      await expect(erasing).rejects.toThrow(ConnectorConfigError);
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    });
  });

  describe('Method: locate', () => {
    it('queries the index when the identity has one, page by page', async () => {
      // Prepare
      ddb
        .on(QueryCommand)
        .resolvesOnce({ Items: items(2), LastEvaluatedKey: { id: 'item-1' } })
        .resolvesOnce({ Items: items(1, 2) });

      // Act
      const found = await collect(connector().locate({ email: EMAIL }));

      // Assess
      expect(found).toHaveLength(3);
      const calls = ddb.commandCalls(QueryCommand);
      expect(calls).toHaveLength(2);
      expect(calls[0]?.args[0].input).toMatchObject({
        TableName: 'Customers',
        IndexName: 'byEmail',
        KeyConditionExpression: '#email = :email',
        ExpressionAttributeNames: { '#email': 'email' },
        ExpressionAttributeValues: { ':email': EMAIL },
      });
      expect(calls[1]?.args[0].input.ExclusiveStartKey).toEqual({ id: 'item-1' });
      expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
    });

    it('queries the table when the identity attribute is its partition key', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: [{ email: EMAIL, seq: 1 }] });
      const config = system({ key: { partition: 'email', sort: 'seq' }, identity: { email: { attribute: 'email' } } });

      // Act
      const found = await collect(connector(config).locate({ email: EMAIL }));

      // Assess
      expect(found).toEqual([{ email: EMAIL, seq: 1 }]);
      expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.IndexName).toBeUndefined();
      expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
    });

    it('scans otherwise, comparing case-insensitively and ignoring look-alikes', async () => {
      // Prepare
      ddb.on(ScanCommand).resolves({
        Items: [
          { id: '1', contact: ' Ann@Example.COM ' },
          { id: '2', contact: 'xann@example.com' },
          { id: '3', contact: 'ann@example.com.au' },
          { id: '4', contact: 42 },
        ],
      });
      const config = system({ identity: { email: { attribute: 'contact' } } });

      // Act
      const found = await collect(connector(config).locate({ email: EMAIL }));

      // Assess
      expect(found.map((item) => item.id)).toEqual(['1']);
      expect(ddb.commandCalls(ScanCommand)[0]?.args[0].input.FilterExpression).toBe('attribute_exists(#email)');
      expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    });

    it('searches nothing without a verified email', async () => {
      // Act
      const found = await collect(connector().locate({}));

      // Assess
      expect(found).toEqual([]);
      expect(ddb.calls()).toHaveLength(0);
    });

    it('translates throttling into ConnectorUnavailableError, keeping the cause and not the email', async () => {
      // Prepare
      const throttled = new ProvisionedThroughputExceededException({
        message: `throttled for ${EMAIL}`,
        $metadata: { httpStatusCode: 400 },
      });
      ddb.on(QueryCommand).rejects(throttled);

      // Act
      const located = collect(connector().locate({ email: EMAIL }));

      // Assess
      await expect(located).rejects.toBeInstanceOf(ConnectorUnavailableError);
      await expect(located).rejects.toMatchObject({
        name: 'ConnectorUnavailableError',
        systemId: 'customers',
        cause: throttled,
      });
      await expect(located).rejects.not.toThrow(/ann@/);
    });

    it.each([
      ['ThrottlingException', { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }],
      ['a 5xx', { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }],
      ['a retryable error', { name: 'Whatever', $retryable: {}, $metadata: { httpStatusCode: 400 } }],
      ['a refused connection', { name: 'Error', code: 'ECONNREFUSED' }],
      ['a timeout', { name: 'TimeoutError' }],
    ])('translates %s into ConnectorUnavailableError', async (_label, shape) => {
      // Prepare
      ddb.on(ScanCommand).rejects(Object.assign(new Error('boom'), shape));
      const config = system({ identity: { email: { attribute: 'contact' } } });

      // Act
      const located = collect(connector(config).locate({ email: EMAIL }));

      // Assess
      await expect(located).rejects.toBeInstanceOf(ConnectorUnavailableError);
    });

    it.each([
      [
        'ResourceNotFoundException',
        new ResourceNotFoundException({ message: 'no table', $metadata: { httpStatusCode: 400 } }),
      ],
      [
        'AccessDeniedException',
        Object.assign(new Error('denied'), {
          name: 'AccessDeniedException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        }),
      ],
      [
        'ValidationException',
        Object.assign(new Error('bad'), {
          name: 'ValidationException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        }),
      ],
    ])('translates %s into ConnectorConfigError', async (_label, error) => {
      // Prepare
      ddb.on(QueryCommand).rejects(error);

      // Act
      const located = collect(connector().locate({ email: EMAIL }));

      // Assess
      await expect(located).rejects.toBeInstanceOf(ConnectorConfigError);
      await expect(located).rejects.toMatchObject({ cause: error });
    });

    it('lets programming errors through untranslated', async () => {
      // Prepare
      ddb.on(QueryCommand).rejects(new TypeError('bug'));

      // Act
      const located = collect(connector().locate({ email: EMAIL }));

      // Assess
      await expect(located).rejects.toBeInstanceOf(TypeError);
    });
  });

  describe('Method: erase', () => {
    it('deletes by primary key, one DeleteItem each, on condition that the identity still matches', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: items(30) });
      ddb.on(DeleteCommand).resolves({});

      // Act
      const outcome = await connector().erase({ email: EMAIL });

      // Assess
      expect(outcome).toEqual({ deleted: 30, anonymized: 0, retained: 0, unreadable: 0 });
      const calls = ddb.commandCalls(DeleteCommand);
      expect(calls).toHaveLength(30);
      expect(calls[0]?.args[0].input).toEqual({
        TableName: 'Customers',
        Key: { id: 'item-0' },
        ConditionExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': 'email' },
        ExpressionAttributeValues: { ':id': EMAIL },
      });
    });

    it('does not count an item whose identity changed (or that went away) since it was read', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: items(2) });
      ddb
        .on(DeleteCommand)
        .rejectsOnce(new ConditionalCheckFailedException({ message: 'changed', $metadata: { httpStatusCode: 400 } }))
        .resolvesOnce({});

      // Act
      const outcome = await connector().erase({ email: EMAIL });

      // Assess
      expect(outcome.deleted).toBe(1);
    });

    it('translates a throttled DeleteItem into ConnectorUnavailableError', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: items(1) });
      ddb
        .on(DeleteCommand)
        .rejects(new ProvisionedThroughputExceededException({ message: 'slow', $metadata: { httpStatusCode: 400 } }));

      // Act
      const erased = connector().erase({ email: EMAIL });

      // Assess
      await expect(erased).rejects.toBeInstanceOf(ConnectorUnavailableError);
    });

    it('keeps big numbers exact: in the key of a delete and in what an export writes', async () => {
      // Prepare: what the document client gives with unmarshallOptions.wrapNumbers
      const big = NumberValue.from('12345678901234567890');
      const item = { id: big, email: EMAIL, balance: NumberValue.from('0.12345678901234567891') };
      ddb.on(QueryCommand).resolves({ Items: [item] });
      ddb.on(DeleteCommand).resolves({});

      // Act
      const located = await collect(connector().locate({ email: EMAIL }));
      const outcome = await connector().erase({ email: EMAIL });

      // Assess
      expect(plainJson(located[0])).toBe(
        '{"id":12345678901234567890,"email":"ann@example.com","balance":0.12345678901234567891}',
      );
      expect(outcome.deleted).toBe(1);
      const key = ddb.commandCalls(DeleteCommand)[0]?.args[0].input.Key;
      expect(key?.id).toBe(big);
      expect(String(key?.id)).toBe('12345678901234567890');
    });

    it('anonymizes with one conditional UpdateItem per item; an item gone meanwhile is not counted', async () => {
      // Prepare
      const config = system({
        erasure: {
          strategy: 'anonymize',
          reason: 'r',
          fields: { email: { action: 'hash' }, name: { action: 'remove' }, tier: { action: 'replace', value: 'none' } },
        },
      });
      ddb.on(QueryCommand).resolves({
        Items: [
          { id: 'a', email: EMAIL, name: 'Ann', tier: 'gold' },
          { id: 'b', email: EMAIL },
        ],
      });
      ddb
        .on(UpdateCommand)
        .resolvesOnce({})
        .rejectsOnce(new ConditionalCheckFailedException({ message: 'gone', $metadata: { httpStatusCode: 400 } }));

      // Act
      const outcome = await connector(config).erase({ email: EMAIL });

      // Assess
      expect(outcome).toEqual({ deleted: 0, anonymized: 1, retained: 0, unreadable: 0 });
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input).toEqual({
        TableName: 'Customers',
        Key: { id: 'a' },
        UpdateExpression: 'SET #s0 = :s0, #s1 = :s1 REMOVE #r0',
        ConditionExpression: 'attribute_exists(#pk) AND #id = :id',
        ExpressionAttributeNames: { '#pk': 'id', '#id': 'email', '#s0': 'email', '#s1': 'tier', '#r0': 'name' },
        ExpressionAttributeValues: { ':id': EMAIL, ':s0': keyedHash(EMAIL, 'k'), ':s1': 'none' },
      });
    });

    it('retain counts the matches and writes nothing', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: items(4) });
      const config = system({ erasure: { strategy: 'retain', reason: 'legal hold' } });

      // Act
      const outcome = await connector(config).erase({ email: EMAIL });

      // Assess
      expect(outcome).toEqual({ deleted: 0, anonymized: 0, retained: 4, unreadable: 0 });
      expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    });
  });

  describe('Method: correct', () => {
    const changes = system({ correctable: { name: { field: 'name' }, phone: { field: 'tel' } } });

    it('sets the mapped fields with one UpdateItem per stale item, on condition it still exists and is still the subject’s', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({
        Items: [
          { id: 'a', email: EMAIL, name: 'Ann', tel: '1' },
          { id: 'b', email: EMAIL, name: 'Ann B.', tel: '2' },
          { id: 'c', email: EMAIL, name: 'Ann', tel: '2' },
        ],
      });
      ddb
        .on(UpdateCommand)
        .resolvesOnce({})
        .rejectsOnce(new ConditionalCheckFailedException({ message: 'gone', $metadata: { httpStatusCode: 400 } }));

      // Act
      const outcome = await connector(changes).correct({ email: EMAIL }, [
        { attribute: 'name', value: 'Ann' },
        { attribute: 'phone', value: '2' },
        { attribute: 'postal_address', value: 'x' },
      ]);

      // Assess: c already held both values; b changed owner or went away between the read and the write
      expect(outcome).toEqual({
        matched: 2,
        changed: 1,
        unchanged: 1,
        retained: 0,
        unreadable: 0,
        refused: [{ name: 'postal_address', reason: REFUSED.notMapped }],
      });
      const calls = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
      expect(calls).toHaveLength(2);
      expect(calls[0]).toEqual({
        TableName: 'Customers',
        Key: { id: 'a' },
        UpdateExpression: 'SET #s0 = :s0, #s1 = :s1',
        ConditionExpression: 'attribute_exists(#pk) AND #id = :id',
        ExpressionAttributeNames: { '#pk': 'id', '#id': 'email', '#s0': 'name', '#s1': 'tel' },
        ExpressionAttributeValues: { ':id': EMAIL, ':s0': 'Ann', ':s1': '2' },
      });
      expect(calls[1]?.Key).toEqual({ id: 'b' });
    });

    it('passes a big-number key back exactly, and counts a stored number with the same digits as unchanged', async () => {
      // Prepare: what the document client gives with unmarshallOptions.wrapNumbers
      const big = NumberValue.from('12345678901234567890');
      const config = system({
        flags: { marketing: { field: 'optOut', on: 1, off: 0 }, restriction: { field: 'held', on: true, off: false } },
      });
      ddb.on(QueryCommand).resolves({
        Items: [
          { id: big, email: EMAIL, optOut: NumberValue.from('0'), held: false },
          { id: 'b', email: EMAIL, optOut: NumberValue.from('1'), held: true },
        ],
      });
      ddb.on(UpdateCommand).resolves({});

      // Act
      const outcome = await connector(config).setFlags({ email: EMAIL }, [
        { flag: 'marketing', on: true },
        { flag: 'restriction', on: true },
      ]);

      // Assess
      expect(outcome).toMatchObject({ matched: 2, changed: 1, unchanged: 1 });
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input?.Key?.id).toBe(big);
      expect(input?.ExpressionAttributeValues).toEqual({ ':id': EMAIL, ':s0': 1, ':s1': true });
    });

    it('translates a throttled UpdateItem into ConnectorUnavailableError without the email in the message', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: items(1) });
      ddb
        .on(UpdateCommand)
        .rejects(new ProvisionedThroughputExceededException({ message: EMAIL, $metadata: { httpStatusCode: 400 } }));

      // Act
      const corrected = connector(changes).correct({ email: EMAIL }, [{ attribute: 'name', value: 'Ann B.' }]);

      // Assess
      await expect(corrected).rejects.toBeInstanceOf(ConnectorUnavailableError);
      await expect(corrected).rejects.not.toThrow(EMAIL);
    });

    it.each([
      ['the identity attribute', { correctable: { email: { field: 'email' } } }, /may not write the identity field/],
      ['a key attribute', { correctable: { id: { field: 'id' } } }, /may not write the key attribute 'id'/],
      [
        'a field two rules share',
        { correctable: { name: { field: 'name' } }, flags: { marketing: { field: 'name', on: 'x', off: 'y' } } },
        /both write 'name'/,
      ],
    ])('refuses at construction a change rule that writes %s', (_, rules, message) => {
      // Act & Assess
      expect(() => connector(system(rules))).toThrow(message);
    });
  });

  describe('Method: setFlags', () => {
    it('refuses a flag the system has no field for, and looks up only its own flags (no prototype members)', async () => {
      // Prepare
      const config = system({ flags: { consent: { ads: { field: 'adsConsent', on: 'withdrawn', off: 'given' } } } });
      ddb.on(QueryCommand).resolves({ Items: items(2) });
      ddb.on(UpdateCommand).resolves({});

      // Act
      const outcome = await connector(config).setFlags({ email: EMAIL }, [
        { flag: 'consent:constructor', on: true },
        { flag: 'consent:toString', on: true },
        { flag: 'profiling', on: true },
        { flag: 'consent:ads', on: true },
      ]);

      // Assess
      expect(outcome).toEqual({
        matched: 2,
        changed: 2,
        unchanged: 0,
        retained: 0,
        unreadable: 0,
        refused: [
          { name: 'consent:constructor', reason: REFUSED.noFlag },
          { name: 'consent:toString', reason: REFUSED.noFlag },
          { name: 'profiling', reason: REFUSED.noFlag },
        ],
      });
      expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeNames).toMatchObject({
        '#s0': 'adsConsent',
      });
    });

    it('writes nothing and queries only to count when every flag is refused', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: items(3) });

      // Act
      const outcome = await connector().setFlags({ email: EMAIL }, [{ flag: 'restriction', on: true }]);

      // Assess
      expect(outcome).toMatchObject({
        matched: 3,
        changed: 0,
        refused: [{ name: 'restriction', reason: REFUSED.noFlag }],
      });
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    });
  });

  describe('Method: locate (first-use table checks)', () => {
    it.each([
      ['an index that does not exist', described({ name: 'other' }), /index 'byEmail' does not exist/],
      ['an index keyed by another attribute', described({ partition: 'name' }), /keyed by 'name', not by the identity/],
      [
        'an index projecting KEYS_ONLY',
        described({ projection: 'KEYS_ONLY' }),
        /projects KEYS_ONLY attributes, not ALL/,
      ],
      ['an index projecting INCLUDE', described({ projection: 'INCLUDE' }), /not ALL/],
    ])('refuses %s with a ConnectorConfigError before any read', async (_label, table, message) => {
      // Prepare
      ddb.on(DescribeTableCommand).resolves(table);
      ddb.on(QueryCommand).resolves({ Items: items(1) });

      // Act
      const located = collect(connector().locate({ email: EMAIL }));

      // Assess
      await expect(located).rejects.toBeInstanceOf(ConnectorConfigError);
      await expect(located).rejects.toThrow(message);
      expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    });

    it('describes the table once per connector instance', async () => {
      // Prepare
      ddb.on(QueryCommand).resolves({ Items: items(1) });
      const subject = connector();

      // Act
      await collect(subject.locate({ email: EMAIL }));
      await collect(subject.locate({ email: EMAIL }));

      // Assess
      expect(ddb.commandCalls(DescribeTableCommand)).toHaveLength(1);
      expect(ddb.commandCalls(DescribeTableCommand)[0]?.args[0].input).toEqual({ TableName: 'Customers' });
    });

    it('does not scan a table without an index above its scanCeiling, and says why', async () => {
      // Prepare
      ddb.on(DescribeTableCommand).resolves(described({}, 5001));
      ddb.on(ScanCommand).resolves({ Items: [] });
      const config = system({ identity: { email: { attribute: 'contact' } }, scanCeiling: 5000 });

      // Act
      const located = collect(connector(config).locate({ email: EMAIL }));
      const erased = connector(config).erase({ email: EMAIL });

      // Assess
      await expect(located).rejects.toBeInstanceOf(ConnectorConfigError);
      await expect(located).rejects.toThrow(
        /not scanned: the table holds about 5001 items, over its scanCeiling of 5000/,
      );
      await expect(erased).rejects.toThrow(/not scanned/);
      expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
    });

    it('scans up to the ceiling, which defaults to a million items', async () => {
      // Prepare
      ddb.on(DescribeTableCommand).resolves(described({}, DEFAULT_SCAN_CEILING));
      ddb.on(ScanCommand).resolves({ Items: [{ id: '1', contact: EMAIL }] });
      const config = system({ identity: { email: { attribute: 'contact' } } });

      // Act
      const found = await collect(connector(config).locate({ email: EMAIL }));

      // Assess
      expect(found).toHaveLength(1);
      expect(DEFAULT_SCAN_CEILING).toBe(1_000_000);
    });

    it('translates a refused DescribeTable into ConnectorConfigError', async () => {
      // Prepare
      ddb
        .on(DescribeTableCommand)
        .rejects(new ResourceNotFoundException({ message: 'no table', $metadata: { httpStatusCode: 400 } }));

      // Act
      const located = collect(connector().locate({ email: EMAIL }));

      // Assess
      await expect(located).rejects.toBeInstanceOf(ConnectorConfigError);
    });
  });
});
