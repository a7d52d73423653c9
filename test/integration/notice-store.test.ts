import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoNoticeStore } from '../../functions/core/adapters/dynamo-notice-store';
import { hashToken } from '../../functions/core/tokens';
import { createTableAndWait, startDynamoDb, type RunningEmulator } from '../../infra/local/emulators';

const TABLE = 'DsarRequests';
const TOKENS = 'DsarTokens';
const T0 = new Date('2026-11-02T10:00:00.000Z');
const DEADLINE = '2026-11-16T10:00:00.000Z';

describe('Class: DynamoNoticeStore (dynalite)', () => {
  let dynalite: RunningEmulator;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  let requests = 0;
  const freshRequest = () => {
    requests += 1;
    return `request-${requests}`;
  };
  const storeAt = (now: Date) =>
    new DynamoNoticeStore(
      documents,
      TABLE,
      () => TOKENS,
      () => now,
    );

  beforeAll(async () => {
    dynalite = await startDynamoDb();
    client = new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    documents = DynamoDBDocumentClient.from(client);
    for (const TableName of [TABLE, TOKENS])
      await createTableAndWait(client, {
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      });
  });
  afterAll(async () => {
    client?.destroy();
    await dynalite?.stop();
  });

  describe('Method: open', () => {
    it('creates the notice once; a re-run takes over the task token and keeps the first deadline', async () => {
      // Prepare
      const requestId = freshRequest();
      const store = storeAt(T0);

      // Act
      const first = await store.open(requestId, 'mailer', 'task-1', DEADLINE);
      const again = await store.open(requestId, 'mailer', 'task-2', '2026-12-31T00:00:00.000Z');

      // Assess
      expect(first).toMatchObject({ requestId, recipientId: 'mailer', taskToken: 'task-1', deadline: DEADLINE });
      expect(again).toMatchObject({ taskToken: 'task-2', deadline: DEADLINE });
    });
  });

  describe('Method: consume', () => {
    it('spends a link once, stores only its hash, and refuses it after its expiry', async () => {
      // Prepare
      const requestId = freshRequest();
      const store = storeAt(T0);
      await store.open(requestId, 'ads', 'task-1', DEADLINE);
      const token = await store.issueLink(requestId, 'ads', 60);
      const late = await store.issueLink(requestId, 'ads', 60);

      // Act
      const peeked = await store.peek(token);
      const spent = await store.consume(token);
      const twice = await store.consume(token);
      const expired = await storeAt(new Date(T0.getTime() + 61_000)).consume(late);
      const stored = await documents.send(
        new GetCommand({ TableName: TOKENS, Key: { pk: `NOTICE#${hashToken(token)}` }, ConsistentRead: true }),
      );

      // Assess
      expect(peeked).toMatchObject({ requestId, recipientId: 'ads' });
      expect(spent).toMatchObject({ requestId, recipientId: 'ads', taskToken: 'task-1' });
      expect(twice).toBeUndefined();
      expect(expired).toBeUndefined();
      expect(JSON.stringify(stored.Item)).not.toContain(token);
      expect(await store.peek(token)).toBeUndefined();
    });
  });

  describe('Method: answer', () => {
    it('records the first answer with its reason, and refuses a second', async () => {
      // Prepare
      const requestId = freshRequest();
      const store = storeAt(T0);
      await store.open(requestId, 'ads', 'task-1', DEADLINE);

      // Act
      const first = await store.answer(requestId, 'ads', 'exception', T0.toISOString(), 'kept for tax law');
      const second = await store.answer(requestId, 'ads', 'done', T0.toISOString());
      const unknown = await store.answer(freshRequest(), 'ads', 'done', T0.toISOString());

      // Assess
      expect([first, second, unknown]).toEqual([true, false, false]);
      expect(await store.get(requestId, 'ads')).toMatchObject({
        answer: 'exception',
        answeredAt: T0.toISOString(),
        reason: 'kept for tax law',
      });
    });
  });
});
