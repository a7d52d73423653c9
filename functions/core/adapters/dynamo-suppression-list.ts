import {
  DeleteCommand,
  GetCommand,
  UpdateCommand,
  paginateScan,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { SuppressionList } from '../ports';

const PREFIX = 'SUPPRESSION#';

/** The suppression list in a table of its own: one item per keyed identity hash, listing the requests that erased it. */
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

/**
 * The suppression list used to live in the requests table (items `SUPPRESSION#<hash>`, kind `suppression`). It has a
 * table of its own now, so that a point-in-time restore of the requests table cannot roll it back, and the re-apply
 * command reads only that table: an entry left behind would let a restore bring an erased person back unseen. This
 * moves each legacy entry across (dates and request ids kept; merged into an entry already there, whose dates stay)
 * and then deletes it from the requests table. Idempotent: a second run finds nothing to move. Returns how many moved.
 */
export async function moveLegacySuppression(
  client: DynamoDBDocumentClient,
  requestsTable: string,
  suppressionTable: string,
): Promise<number> {
  let moved = 0;
  const pages = paginateScan(
    { client },
    {
      TableName: requestsTable,
      FilterExpression: 'kind = :kind',
      ExpressionAttributeValues: { ':kind': 'suppression' },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const pk = String(item.pk);
      if (!pk.startsWith(PREFIX)) continue;
      const ids = item.requestIds instanceof Set ? (item.requestIds as Set<string>) : new Set<string>();
      const first = typeof item.firstErasedAt === 'string' ? item.firstErasedAt : new Date().toISOString();
      const last = typeof item.lastErasedAt === 'string' ? item.lastErasedAt : first;
      await client.send(
        new UpdateCommand({
          TableName: suppressionTable,
          Key: { pk },
          UpdateExpression: `SET kind = :kind, firstErasedAt = if_not_exists(firstErasedAt, :first), lastErasedAt = if_not_exists(lastErasedAt, :last)${ids.size > 0 ? ' ADD requestIds :ids' : ''}`,
          ExpressionAttributeValues: {
            ':kind': 'suppression',
            ':first': first,
            ':last': last,
            ...(ids.size > 0 ? { ':ids': ids } : {}),
          },
        }),
      );
      // only once the entry is safe in its own table
      await client.send(new DeleteCommand({ TableName: requestsTable, Key: { pk } }));
      moved += 1;
    }
  }
  return moved;
}
