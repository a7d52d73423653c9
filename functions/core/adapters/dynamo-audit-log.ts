import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, type AuditEvent, nextEvent } from '../audit/chain';
import { AuditAppendConflictError } from '../audit/errors';
import type { AuditLog } from '../ports';

/** How often an append re-reads the head after losing it to a concurrent append before it gives up. */
const APPEND_ATTEMPTS = 5;

/**
 * The audit trail in a table of its own (`Audit`: partition key `requestId`, sort key `seq`, a number). Appending is a
 * conditional PutItem of the next sequence number (`attribute_not_exists`), so two appends cannot both take one
 * number, and a lost race re-reads the head and tries the next one.
 *
 * Least privilege makes it append-only: the functions are granted PutItem, GetItem and Query on this table — no
 * UpdateItem, no DeleteItem (infra/constructs/grants.ts AUDIT_ACTIONS) — and every put here is conditional on the item
 * not existing, so no function can rewrite or remove history, only add to it. (Put without the condition would
 * overwrite: the condition is part of the guarantee, and the unit tests hold it.) The table has no TTL: events outlive
 * the request record's 24 months only as long as the operator keeps them; they hold no personal data.
 */
export class DynamoAuditLog implements AuditLog {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    /** the table's name, read at the first use (functions that only read requests have none: see wiring.ts) */
    private readonly table: string | (() => string),
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async append(requestId: string, entry: AuditEntry): Promise<AuditEvent> {
    let lost: unknown;
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const event = nextEvent(requestId, await this.head(requestId), entry, this.now());
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName(),
            Item: event,
            ConditionExpression: 'attribute_not_exists(requestId)',
          }),
        );
        return event;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        lost = error;
      }
    }
    throw new AuditAppendConflictError(requestId, APPEND_ATTEMPTS, { cause: lost });
  }

  public async history(requestId: string): Promise<readonly Readonly<Record<string, unknown>>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName(),
        KeyConditionExpression: 'requestId = :id',
        ExpressionAttributeValues: { ':id': requestId },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  /**
   * The last event's number and hash (highest sequence number, read consistently); undefined before the first. Read
   * without parsing the rest: a tampered head still gives the number to go on from, and verification reports it.
   */
  private async head(requestId: string): Promise<Pick<AuditEvent, 'seq' | 'hash'> | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName(),
        KeyConditionExpression: 'requestId = :id',
        ExpressionAttributeValues: { ':id': requestId },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const last = Items?.[0];
    if (last === undefined) return undefined;
    return { seq: Number(last.seq), hash: typeof last.hash === 'string' ? last.hash : '' };
  }

  private tableName(): string {
    return typeof this.table === 'string' ? this.table : this.table();
  }
}
