import { GetCommand, UpdateCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SuppressionList } from '../ports';

const PREFIX = 'SUPPRESSION#';

/** The suppression list in the requests table: one item per keyed identity hash, listing the requests that erased it. */
export class DynamoSuppressionList implements SuppressionList {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async add(identityHash: string, requestId: string): Promise<void> {
    const now = new Date().toISOString();
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `${PREFIX}${identityHash}` },
        UpdateExpression:
          'SET kind = :kind, firstErasedAt = if_not_exists(firstErasedAt, :now), lastErasedAt = :now ADD requestIds :ids',
        ExpressionAttributeValues: { ':kind': 'suppression', ':now': now, ':ids': new Set([requestId]) },
      }),
    );
  }

  public async has(identityHash: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: `${PREFIX}${identityHash}` }, ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  /** Every hash on the list. A Scan: this runs after a restore, not per request. */
  public async *all(): AsyncIterable<string> {
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.table,
        FilterExpression: 'kind = :kind',
        ExpressionAttributeValues: { ':kind': 'suppression' },
        ProjectionExpression: 'pk',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield String(item.pk).slice(PREFIX.length);
    }
  }
}
