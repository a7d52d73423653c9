import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateScan,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { type OpenKind, RequestRecord, stillOpen } from '../domain/request-record';
import {
  STATUSES,
  TERMINAL_STATUSES,
  allowedPredecessors,
  isAtOrPast,
  isTerminal,
  type RequestStatus,
} from '../domain/status';
import { RequestNotFoundError, StatusConflictError } from '../domain/errors';
import type { AuditLog, CreateResult, IdempotencyClaim, RecordPatch, RequestRepository } from '../ports';
import { currentActor, currentOperator } from '../audit/actor';
import type { Actor, AuditEntry } from '../audit/chain';
import { loggableError, logger } from '../logger';

const requestKey = (requestId: string) => ({ pk: `REQUEST#${requestId}` });
const claimKey = (keyHash: string) => ({ pk: `IDEMPOTENCY#${keyHash}` });
/** `OPEN#<kind>#<hash>`: the kind names the right and what it is about (`opt_out:marketing`), never personal data */
const openKey = (subjectHash: string, kind: OpenKind) => ({ pk: `OPEN#${kind}#${subjectHash}` });
/**
 * `HISTORY#<hash>`: the ids of every request recorded for one keyed hash of an address, so the policy step can count a
 * subject's earlier requests (frequency limits) without scanning the table. Ids only; the hash is what a forgotten
 * record keeps too.
 */
const historyKey = (subjectHash: string) => ({ pk: `HISTORY#${subjectHash}` });
/** a subject with more requests than this on record is counted over the newest ones (limits count a handful) */
const HISTORY_READ_LIMIT = 100;
const IDEMPOTENCY_TTL_SECONDS = 90 * 86_400;
/**
 * How long an answered request's record is kept: CCPA regulations (11 CCR §7101) require records of consumer requests
 * for at least 24 months; GDPR's accountability principle asks for proof of how requests were handled. After that,
 * DynamoDB's TTL removes the record. (A deletion request's record no longer names its subject by then anyway.)
 */
export const RECORD_RETENTION_DAYS = 731;
const recordExpiry = () => Math.floor(Date.now() / 1000) + RECORD_RETENTION_DAYS * 86_400;
const OPEN_STATUSES = STATUSES.filter((status) => !TERMINAL_STATUSES.has(status));

/** `#status IN (:p0, :p1, …)` and its values: every status rule here is one such condition on one write. */
function statusIn(statuses: readonly RequestStatus[], prefix: string) {
  const values = Object.fromEntries(statuses.map((status, i) => [`:${prefix}${i}`, status]));
  return { condition: `#status IN (${Object.keys(values).join(', ')})`, values };
}

/** The attributes `forgetSubject` removes (see there). */
const FORGOTTEN_FIELDS = [
  'subject',
  'verified',
  'corrections',
  'controller',
  'appealReason',
  // an unclear mail's words (functions/receive-mail)
  'mailText',
  'verifyTaskToken',
  // an authorized agent's name and address (the document's key, in agentAuthority, names no one and stays)
  'agent',
] as const;

/** The names of the fields a write sets (never their values: those may be the subject's personal data). */
const fieldNames = (fields: Record<string, unknown>) =>
  Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([field]) => field)
    .sort();

export interface RequestRepositoryOptions {
  /**
   * Where every change this repository makes is recorded (functions/core/audit): given, each successful write is
   * followed by its event; absent (a read-only view such as the CLI's), nothing is recorded.
   */
  audit?: AuditLog;
  /** who is acting (default: the call's actor, functions/core/audit/actor.ts) */
  actor?: () => Actor;
}

/**
 * Requests in one DynamoDB table (items `REQUEST#id`, `IDEMPOTENCY#hash`, `OPEN#type#hash`). No transactions are
 * used (the local emulator has none): every invariant is one conditional write.
 *
 * The audit trail is recorded here, after each conditional write that changed the record — the one place every
 * caller's change passes — so no use case can forget it. What remains open without a transaction: a crash (or a
 * failing audit table) between the record's write and the event's append loses that event, and a re-run cannot add it
 * later, because the re-run's write is a no-op (the status is already moved). DynamoDB's TransactWriteItems would
 * close that window, but the local twin's emulator (dynalite) has none, and the design keeps one code path for both.
 * So a lost append is logged by name (`audit event not recorded`, for an alarm) and the change stands: failing the
 * caller after its write succeeded would make a retried step believe another call made the move.
 */
export class DynamoRequestRepository implements RequestRepository {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: RequestRepositoryOptions = {},
  ) {}

  public async create(record: RequestRecord, idempotency?: IdempotencyClaim): Promise<CreateResult> {
    if (idempotency) {
      const claimed = await this.claim(record, idempotency);
      if (claimed.outcome !== 'created') return claimed;
    }
    // History first: a crash between the two leaves an id with no record (ignored when read), never a request the
    // limits cannot see.
    if (record.subjectHash) await this.remember(record.subjectHash, record.requestId);
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...requestKey(record.requestId), kind: 'request', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await this.record(record.requestId, { kind: 'created', to: record.status, fields: fieldNames(record) });
    return { outcome: 'created', requestId: record.requestId };
  }

  private async remember(subjectHash: string, requestId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: historyKey(subjectHash),
        UpdateExpression: 'SET requestIds = list_append(if_not_exists(requestIds, :none), :one), kind = :kind',
        ExpressionAttributeValues: { ':none': [], ':one': [requestId], ':kind': 'history' },
      }),
    );
  }

  public async earlierOf(subjectHash: string): Promise<RequestRecord[]> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: historyKey(subjectHash), ConsistentRead: true }),
    );
    const ids = Array.isArray(Item?.requestIds) ? (Item.requestIds as string[]).slice(-HISTORY_READ_LIMIT) : [];
    const records = await Promise.all([...new Set(ids)].map((id) => this.get(id)));
    return records.filter((r): r is RequestRecord => r !== undefined);
  }

  /**
   * Claim the idempotency key for this request. A repeat with the same body gets the first request's id;
   * if the first attempt died between claim and record, the record is written now under the claimed id.
   */
  private async claim(record: RequestRecord, idempotency: IdempotencyClaim): Promise<CreateResult> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...claimKey(idempotency.keyHash),
            kind: 'idempotency',
            requestId: record.requestId,
            fingerprint: idempotency.fingerprint,
            ttl: Math.floor(Date.now() / 1000) + IDEMPOTENCY_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { outcome: 'created', requestId: record.requestId };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: claimKey(idempotency.keyHash), ConsistentRead: true }),
    );
    if (!Item || Item.fingerprint !== idempotency.fingerprint || typeof Item.requestId !== 'string')
      return { outcome: 'conflict' };
    const existing = await this.get(Item.requestId);
    if (!existing) {
      await this.create({ ...record, requestId: Item.requestId });
    }
    return { outcome: 'duplicate', requestId: Item.requestId };
  }

  public async findClaimed(idempotency: IdempotencyClaim): Promise<CreateResult | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: claimKey(idempotency.keyHash), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    if (Item.fingerprint !== idempotency.fingerprint || typeof Item.requestId !== 'string')
      return { outcome: 'conflict' };
    return { outcome: 'duplicate', requestId: Item.requestId };
  }

  public async get(requestId: string): Promise<RequestRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: requestKey(requestId), ConsistentRead: true }),
    );
    return Item ? RequestRecord.parse(Item) : undefined;
  }

  public async load(requestId: string): Promise<RequestRecord> {
    const record = await this.get(requestId);
    if (!record) throw new RequestNotFoundError(requestId);
    return record;
  }

  public async advance(requestId: string, to: RequestStatus, patch: RecordPatch = {}): Promise<RequestRecord> {
    // Only strictly earlier statuses may move: a request already at `to` is left as it is (re-runs are no-ops).
    const from = statusIn(
      allowedPredecessors(to).filter((status) => !isAtOrPast(status, to)),
      'from',
    );
    const values: Record<string, unknown> = { ...from.values };
    const fields = {
      ...patch,
      status: to,
      updatedAt: new Date().toISOString(),
      ttl: isTerminal(to) ? recordExpiry() : undefined,
    };
    let before: Record<string, unknown> | undefined;
    try {
      // The record as it was (the status it moved from, for the audit trail); what it is now is that plus the SETs.
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(requestId),
          ...this.setExpression(fields, values),
          ConditionExpression: `attribute_exists(pk) AND ${from.condition}`,
          ReturnValues: 'ALL_OLD',
        }),
      );
      before = result.Attributes ?? {};
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Lost the condition: no record, a re-run (already at or past `to`), or a move that is not forward.
      const current = await this.get(requestId);
      if (!current) throw new RequestNotFoundError(requestId);
      if (isAtOrPast(current.status, to)) return current;
      throw new StatusConflictError(requestId, to, { cause: error });
    }
    const after = RequestRecord.parse({
      ...before,
      ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
    });
    await this.record(requestId, {
      kind: 'status',
      from: typeof before.status === 'string' ? before.status : undefined,
      to,
      fields: fieldNames(patch),
    });
    return after;
  }

  public async update(requestId: string, patch: RecordPatch): Promise<void> {
    const open = statusIn(OPEN_STATUSES, 'open');
    const values: Record<string, unknown> = { ...open.values };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(requestId),
          ...this.setExpression({ ...patch, updatedAt: new Date().toISOString() }, values),
          ConditionExpression: `attribute_exists(pk) AND ${open.condition}`,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new StatusConflictError(requestId, 'update', { cause: error });
      throw error;
    }
    // an extension of the deadline is the one update with a name of its own (GDPR Art. 12(3), CCPA §1798.130(a)(2))
    await this.record(requestId, {
      // the policy step's decision and an operator's extension are events of their own kind (what an auditor looks for)
      kind: patch.decision !== undefined ? 'decided' : patch.extension !== undefined ? 'extended' : 'updated',
      fields: fieldNames(patch),
    });
  }

  public async setRight(
    requestId: string,
    right: Pick<RequestRecord, 'type' | 'scope' | 'clock' | 'dueDate'>,
  ): Promise<void> {
    const values: Record<string, unknown> = { ':verified': 'verified', ':unclear': true };
    const set = this.setExpression({ ...right, updatedAt: new Date().toISOString() }, values);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(requestId),
          ...set,
          ExpressionAttributeNames: { ...set.ExpressionAttributeNames, '#unclear': 'typeUnclear' },
          ConditionExpression: 'attribute_exists(pk) AND #status = :verified AND #unclear = :unclear',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new StatusConflictError(requestId, 'setRight', { cause: error });
      throw error;
    }
    await this.record(requestId, { kind: 'updated', fields: fieldNames(right) });
  }

  public async claimDelivery(
    requestId: string,
    attempt: number,
    claimedAt: string,
    takeOver?: string,
  ): Promise<boolean> {
    const open = statusIn(OPEN_STATUSES, 'open');
    const free = 'attribute_not_exists(delivery) OR delivery.attempt < :attempt';
    const stale =
      'delivery.attempt = :attempt AND delivery.claimedAt = :seen AND attribute_not_exists(delivery.mailedAt)';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(requestId),
          // The whole map is replaced: an earlier attempt's mailedAt does not carry over.
          UpdateExpression: 'SET delivery = :delivery, updatedAt = :now',
          ConditionExpression: `attribute_exists(pk) AND ${open.condition} AND (${
            takeOver === undefined ? free : `${free} OR (${stale})`
          })`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...open.values,
            ':delivery': { attempt, claimedAt },
            ':now': new Date().toISOString(),
            ':attempt': attempt,
            ...(takeOver === undefined ? {} : { ':seen': takeOver }),
          },
        }),
      );
      await this.record(requestId, { kind: 'delivery', fields: ['delivery'] });
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.get(requestId);
      if (!current) throw new RequestNotFoundError(requestId);
      if (isTerminal(current.status)) throw new StatusConflictError(requestId, 'claim delivery', { cause: error });
      return false;
    }
  }

  public async forgetSubject(requestId: string): Promise<void> {
    const ended = statusIn([...TERMINAL_STATUSES], 'end');
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(requestId),
          // verifyTaskToken: left on records by the previous version, whose verification waited in a callback task;
          // corrections: the corrected values are the subject's personal data as much as the address is
          // every field by a placeholder: `agent` is a DynamoDB reserved word, and the next field may be one too
          UpdateExpression: `SET subjectForgottenAt = if_not_exists(subjectForgottenAt, :now) REMOVE ${FORGOTTEN_FIELDS.map((f) => `#${f}`).join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND ${ended.condition}`,
          ExpressionAttributeNames: {
            '#status': 'status',
            ...Object.fromEntries(FORGOTTEN_FIELDS.map((f) => [`#${f}`, f])),
          },
          ExpressionAttributeValues: { ...ended.values, ':now': new Date().toISOString() },
          // what was there before: whether this call forgot (a repeat is a no-op) and which fields went
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      const old = result.Attributes ?? {};
      if (old.subjectForgottenAt === undefined)
        await this.record(requestId, {
          kind: 'forgotten',
          fields: ['subjectForgottenAt', ...FORGOTTEN_FIELDS.filter((field) => old[field] !== undefined)],
        });
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new StatusConflictError(requestId, 'forget', { cause: error });
      throw error;
    }
  }

  public async recordLift(requestId: string, lift: NonNullable<RequestRecord['lift']>): Promise<void> {
    const answered = statusIn(['completed', 'partially_completed'], 'end');
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(requestId),
          UpdateExpression: 'SET lift = :lift, updatedAt = :now',
          ConditionExpression: `attribute_exists(pk) AND #type = :restriction AND attribute_exists(subject) AND ${answered.condition}`,
          ExpressionAttributeNames: { '#status': 'status', '#type': 'type' },
          ExpressionAttributeValues: {
            ...answered.values,
            ':restriction': 'restriction',
            ':lift': lift,
            ':now': new Date().toISOString(),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new StatusConflictError(requestId, 'record lift', { cause: error });
      throw error;
    }
    await this.record(requestId, { kind: 'lift', fields: fieldNames(lift).map((field) => `lift.${field}`) });
  }

  /**
   * Record one change in the audit trail, after its write succeeded. A failed append is logged by name and swallowed
   * (see the class comment for why the change must stand); the event is then missing from the trail.
   */
  private async record(requestId: string, entry: Omit<AuditEntry, 'actor'>): Promise<void> {
    const { audit, actor = currentActor } = this.options;
    if (audit === undefined) return;
    const operator = currentOperator();
    try {
      await audit.append(requestId, { ...entry, actor: actor(), ...(operator === undefined ? {} : { operator }) });
    } catch (error) {
      logger.error('audit event not recorded', { requestId, kind: entry.kind, error: loggableError(error) });
    }
  }

  /** Every request record (the sweeper's walk, and the twin's resume through it). A Scan, page by page. */
  public async *all(): AsyncIterable<RequestRecord> {
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.table,
        FilterExpression: 'kind = :kind',
        ExpressionAttributeValues: { ':kind': 'request' },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield RequestRecord.parse(item);
    }
  }

  public async findOpen(subjectHash: string, kind: OpenKind): Promise<RequestRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: openKey(subjectHash, kind), ConsistentRead: true }),
    );
    if (typeof Item?.requestId !== 'string') return undefined;
    const record = await this.get(Item.requestId);
    return record && stillOpen(record, new Date()) ? record : undefined;
  }

  public async markOpen(subjectHash: string, kind: OpenKind, requestId: string, expiresAt: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...openKey(subjectHash, kind),
          kind: 'open',
          requestId,
          ttl: Math.ceil(expiresAt.getTime() / 1000) + 86_400,
        },
      }),
    );
  }

  private setExpression(fields: Record<string, unknown>, values: Record<string, unknown>) {
    const names: Record<string, string> = { '#status': 'status' };
    const sets: string[] = [];
    Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .forEach(([field, value], i) => {
        const name = field === 'status' ? '#status' : `#f${i}`;
        if (name !== '#status') names[name] = field;
        sets.push(`${name} = :v${i}`);
        values[`:v${i}`] = value;
      });
    return {
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }
}
