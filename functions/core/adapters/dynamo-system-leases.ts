import { randomInt, randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SystemLease, SystemLeases } from '../ports';

/**
 * How long a lease holds: the Lambda timeout of LocateSystem and EraseSystem (infra/constructs/function-specs.ts,
 * asserted equal in test/infra/config.test.ts). A holder cannot outlive it, so a slot still held past it belongs to an
 * invocation that died before its `finally` ran, and may be taken over.
 */
export const SYSTEM_LEASE_SECONDS = 900;

/** How long after its hold ends an abandoned lease item stays before DynamoDB's TTL may remove it (housekeeping only). */
const TTL_SLACK_SECONDS = 3600;

const leaseKey = (systemId: string, slot: number) => ({ pk: `LEASE#${systemId}#${slot}` });

/**
 * Concurrency slots of the source systems in the requests table (items `LEASE#<systemId>#<slot>`, kind `lease`).
 * Taking a slot is one conditional put (the slot is absent, or its `heldUntil` has passed), so two steps racing for the
 * last slot cannot both win, and no transaction is needed (the local emulator has none). Giving it back is a delete
 * conditional on `holder`, so a slow holder whose lease was taken over cannot free its successor's. The items name a
 * system and a slot, nothing about any subject; TTL (`ttl`) removes abandoned ones, but the condition on `heldUntil`
 * is what frees a slot: TTL deletion may lag by days.
 */
export class DynamoSystemLeases implements SystemLeases {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly holdSeconds: number = SYSTEM_LEASE_SECONDS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async acquire(systemId: string, slots: number): Promise<SystemLease | undefined> {
    const now = this.now().getTime();
    const heldUntil = now + this.holdSeconds * 1000;
    const holder = randomUUID();
    // Random order: steps arriving together spread over the slots instead of all fighting for slot 0 first.
    for (const slot of shuffled(slots)) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              ...leaseKey(systemId, slot),
              kind: 'lease',
              systemId,
              slot,
              holder,
              heldUntil,
              ttl: Math.ceil(heldUntil / 1000) + TTL_SLACK_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR #heldUntil <= :now',
            ExpressionAttributeNames: { '#heldUntil': 'heldUntil' },
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return { systemId, slot, holder };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) continue;
        throw error;
      }
    }
    return undefined;
  }

  public async release(lease: SystemLease): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: leaseKey(lease.systemId, lease.slot),
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': 'holder' },
          ExpressionAttributeValues: { ':holder': lease.holder },
        }),
      );
    } catch (error) {
      // Gone already, or taken over after it expired: either way there is nothing of ours left to free.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }
}

/** 0 … slots-1 in a uniformly random order (Fisher–Yates). */
function shuffled(slots: number): number[] {
  const order = Array.from({ length: slots }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}
