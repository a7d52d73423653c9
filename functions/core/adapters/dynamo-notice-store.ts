import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Notice, NoticeAnswer, NoticeStore } from '../ports';
import { hashToken, isWellFormedToken, newToken } from '../tokens';

const noticeKey = (requestId: string, recipientId: string) => ({ pk: `NOTICE#${requestId}#${recipientId}` });
const linkKey = (hash: string) => ({ pk: `NOTICE#${hash}` });

/**
 * Notices in the requests table (one item per request and recipient: what was sent, the waiting task's token, the
 * answer and its reason), answer links in the tokens table (a kind of their own, keyed by the token's hash, naming the
 * notice). Spending a link is one conditional update (unused, unexpired), and so is recording an answer (none yet), so
 * two answers racing cannot both count.
 */
export class DynamoNoticeStore implements NoticeStore {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    /** read at first use: a function that only reads notices (assemble-receipt) is not granted the tokens table */
    private readonly tokens: string | (() => string),
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get tokensTable(): string {
    return typeof this.tokens === 'string' ? this.tokens : this.tokens();
  }

  public async open(requestId: string, recipientId: string, taskToken: string, deadline: string): Promise<Notice> {
    // One write: a first run creates the notice; a re-run keeps its deadline and answer and takes over the task.
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: noticeKey(requestId, recipientId),
        UpdateExpression:
          'SET kind = :kind, requestId = :requestId, recipientId = :recipientId, taskToken = :taskToken, ' +
          'deadline = if_not_exists(deadline, :deadline)',
        ExpressionAttributeValues: {
          ':kind': 'notice',
          ':requestId': requestId,
          ':recipientId': recipientId,
          ':taskToken': taskToken,
          ':deadline': deadline,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toNotice(result.Attributes);
  }

  public async get(requestId: string, recipientId: string): Promise<Notice | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: noticeKey(requestId, recipientId), ConsistentRead: true }),
    );
    return Item ? toNotice(Item) : undefined;
  }

  public async markSent(requestId: string, recipientId: string, channel: 'email' | 'webhook', at: string) {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: noticeKey(requestId, recipientId),
        UpdateExpression: 'SET sentAt = :at, channel = :channel',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at, ':channel': channel },
      }),
    );
  }

  public async issueLink(requestId: string, recipientId: string, ttlSeconds: number): Promise<string> {
    const token = newToken();
    const expiresAt = this.now().getTime() + ttlSeconds * 1000;
    await this.client.send(
      new PutCommand({
        TableName: this.tokensTable,
        Item: {
          ...linkKey(hashToken(token)),
          kind: 'notice',
          purpose: 'notice',
          requestId,
          recipientId,
          expiresAt,
          ttl: Math.ceil(expiresAt / 1000) + 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return token;
  }

  public async peek(token: string): Promise<Notice | undefined> {
    if (!isWellFormedToken(token)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tokensTable, Key: linkKey(hashToken(token)), ConsistentRead: true }),
    );
    if (Item?.purpose !== 'notice' || Item.usedAt !== undefined) return undefined;
    if (typeof Item.expiresAt !== 'number' || Item.expiresAt <= this.now().getTime()) return undefined;
    return this.get(String(Item.requestId), String(Item.recipientId));
  }

  public async consume(token: string): Promise<Notice | undefined> {
    if (!isWellFormedToken(token)) return undefined;
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tokensTable,
          Key: linkKey(hashToken(token)),
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(usedAt) AND purpose = :purpose AND expiresAt > :nowMs',
          ExpressionAttributeValues: {
            ':now': this.now().toISOString(),
            ':purpose': 'notice',
            ':nowMs': this.now().getTime(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = result.Attributes;
      if (typeof item?.requestId !== 'string' || typeof item.recipientId !== 'string') return undefined;
      return this.get(item.requestId, item.recipientId);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  public async answer(
    requestId: string,
    recipientId: string,
    answer: NoticeAnswer,
    at: string,
    reason?: string,
    records?: number,
  ): Promise<boolean> {
    const sets = ['answer = :answer', 'answeredAt = :at'];
    if (reason) sets.push('reason = :reason');
    // aliased: a name in DynamoDB's long reserved-word list would fail the update
    if (records !== undefined) sets.push('#records = :records');
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: noticeKey(requestId, recipientId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(answer)',
          ...(records !== undefined ? { ExpressionAttributeNames: { '#records': 'records' } } : {}),
          ExpressionAttributeValues: {
            ':answer': answer,
            ':at': at,
            ...(reason ? { ':reason': reason } : {}),
            ...(records !== undefined ? { ':records': records } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function toNotice(item: Record<string, unknown> | undefined): Notice {
  const text = (name: string) => (typeof item?.[name] === 'string' ? (item[name] as string) : undefined);
  return {
    requestId: text('requestId') ?? '',
    recipientId: text('recipientId') ?? '',
    deadline: text('deadline') ?? '',
    taskToken: text('taskToken'),
    channel: text('channel') as Notice['channel'],
    sentAt: text('sentAt'),
    answer: text('answer') as NoticeAnswer | undefined,
    answeredAt: text('answeredAt'),
    reason: text('reason'),
    ...(typeof item?.records === 'number' ? { records: item.records } : {}),
  };
}
