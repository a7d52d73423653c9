import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Admission, IntakeLimits } from '../ports';

/** The intake's caps. Defaults keep a person who retries comfortably inside and a script far outside. */
export interface IntakeCaps {
  /** submissions per client IP per hour */
  clientPerHour: number;
  /** verification mails per address per UTC day */
  addressPerDay: number;
  /** verification mails per mail domain per UTC day (a cannon aimed at one company's staff) */
  domainPerDay: number;
}

export const DEFAULT_INTAKE_CAPS: IntakeCaps = { clientPerHour: 30, addressPerDay: 5, domainPerDay: 500 };

interface Window {
  /** the window's label in the key, e.g. 2026-11-23 or 2026-11-23T19 */
  label: string;
  /** seconds until it ends (Retry-After) */
  left: number;
  /** epoch seconds when the counter may go (DynamoDB TTL) */
  expires: number;
}

/**
 * Intake counters in the requests table (`LIMIT#<scope>#<keyed hash>#<window>`). Each count is one conditional ADD:
 * it succeeds only below the cap, so concurrent submissions cannot overshoot it, and no transaction is needed (the local
 * emulator has none). Keys hold keyed hashes only, and every counter expires by TTL after its window.
 */
export class DynamoIntakeLimits implements IntakeLimits {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly caps: IntakeCaps = DEFAULT_INTAKE_CAPS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async admitClient(clientHash: string): Promise<Admission> {
    const window = this.window(13);
    return (await this.count(`client#${clientHash}`, window, this.caps.clientPerHour))
      ? { ok: true }
      : { ok: false, limit: 'client', retryAfterSeconds: window.left };
  }

  public async admitMail(addressHash: string, domainHash: string): Promise<Admission> {
    const window = this.window(10);
    if (!(await this.count(`address#${addressHash}`, window, this.caps.addressPerDay))) {
      return { ok: false, limit: 'address', retryAfterSeconds: window.left };
    }
    if (!(await this.count(`domain#${domainHash}`, window, this.caps.domainPerDay))) {
      return { ok: false, limit: 'domain', retryAfterSeconds: window.left };
    }
    return { ok: true };
  }

  /** The current UTC hour (13 characters of an ISO date) or day (10). */
  private window(length: 10 | 13): Window {
    const now = this.now();
    const label = now.toISOString().slice(0, length);
    const start = Date.parse(length === 10 ? `${label}T00:00:00Z` : `${label}:00:00Z`);
    const end = start + (length === 10 ? 86_400_000 : 3_600_000);
    return { label, left: Math.max(1, Math.ceil((end - now.getTime()) / 1000)), expires: Math.ceil(end / 1000) + 3600 };
  }

  private async count(scope: string, window: Window, cap: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `LIMIT#${scope}#${window.label}` },
          UpdateExpression: 'ADD #n :one SET kind = :kind, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#n) OR #n < :cap',
          ExpressionAttributeNames: { '#n': 'count', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':cap': cap, ':kind': 'limit', ':ttl': window.expires },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
