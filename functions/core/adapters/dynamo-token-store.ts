import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TokenPurpose, TokenStore } from '../ports';
import { hashToken, isWellFormedToken, newToken } from '../tokens';

const key = (hash: string) => ({ pk: `TOKEN#${hash}` });

/**
 * Tokens in the requests table, keyed by hash. Consumption is one conditional update (unused, unexpired,
 * right purpose), so two concurrent clicks cannot both succeed. `ttl` lets DynamoDB purge old tokens.
 */
export class DynamoTokenStore implements TokenStore {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async issue(purpose: TokenPurpose, requestId: string, ttlSeconds: number): Promise<string> {
    const token = newToken();
    await this.put(purpose, requestId, token, ttlSeconds);
    return token;
  }

  public async register(purpose: TokenPurpose, requestId: string, token: string, ttlSeconds: number): Promise<void> {
    try {
      await this.put(purpose, requestId, token, ttlSeconds);
    } catch (error) {
      // already registered: the same derived token for the same request, which is the point
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async put(purpose: TokenPurpose, requestId: string, token: string, ttlSeconds: number): Promise<void> {
    const expiresAt = this.now().getTime() + ttlSeconds * 1000;
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...key(hashToken(token)),
          kind: 'token',
          purpose,
          requestId,
          expiresAt,
          ttl: Math.ceil(expiresAt / 1000) + 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  public async consume(purpose: TokenPurpose, token: string): Promise<string | undefined> {
    if (!isWellFormedToken(token)) return undefined;
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(hashToken(token)),
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(usedAt) AND purpose = :purpose AND expiresAt > :nowMs',
          ExpressionAttributeValues: {
            ':now': this.now().toISOString(),
            ':purpose': purpose,
            ':nowMs': this.now().getTime(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return typeof result.Attributes?.requestId === 'string' ? result.Attributes.requestId : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  public async check(purpose: TokenPurpose, token: string): Promise<string | undefined> {
    if (!isWellFormedToken(token)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: key(hashToken(token)), ConsistentRead: true }),
    );
    if (
      !Item ||
      Item.purpose !== purpose ||
      typeof Item.expiresAt !== 'number' ||
      Item.expiresAt <= this.now().getTime()
    )
      return undefined;
    return typeof Item.requestId === 'string' ? Item.requestId : undefined;
  }
}
