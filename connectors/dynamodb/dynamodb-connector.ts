import { DescribeTableCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  paginateQuery,
  paginateScan,
  type QueryCommandInput,
  type ScanCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { anonymizationChanges, type AnonymizationFields } from '../anonymize';
import {
  type AnonymizeErasure,
  BaseConnector,
  type ChangingErasure,
  type ConnectorOptions,
  type FieldWrites,
  holdsAll,
  type Subject,
  type WriteOutcome,
} from '../base';
import { type DynamoDbSystemConfig, identityOf } from '../config';
import type {
  EraseOutcome,
  IdentityKind,
  Pass,
  ProbeCheck,
  ProbeReport,
  SourceRecord,
  VerifiedIdentities,
} from '../contract';
import { ConnectorConfigError } from '../errors';
import { translateDynamoDbError } from './errors';
import { isSameIdentity, normalizedIdentity } from '../identity';

export type DynamoDbConnectorOptions = ConnectorOptions;

type Key = Record<string, unknown>;

/** Items above which a table without an index is not scanned, unless the system sets `scanCeiling`. */
export const DEFAULT_SCAN_CEILING = 1_000_000;

/**
 * A DynamoDB table holding personal data, found by the attribute holding its identity (an email, a customer id…).
 *
 * Finding the subject, fastest first:
 * 1. a GSI on the identity attribute (`identity.<kind>.index`) → Query the index;
 * 2. the identity attribute is the table's partition key → Query the table;
 * 3. otherwise → Scan the whole table (the slow path: it reads every item; give big tables an index).
 *
 * Keys are matched exactly by DynamoDB, so the Query paths only find values stored normalised (emails lower-cased, phone
 * numbers in E.164 without spaces; see ../identity). The Scan path compares normalised values, after trimming.
 * An index must project ALL attributes (or access requests get partial records) and be keyed by the identity attribute
 * (or Query matches something else): both are checked with one DescribeTable at first use, which also refuses to Scan
 * a table without an index holding more items than `scanCeiling` (a ConnectorConfigError saying it was not scanned and
 * why: the export and receipt report the system as failed with that reason, never as empty).
 *
 * Deletes are one DeleteItem each, conditional on the identity attribute still holding the value read (`#id = :id`):
 * BatchWriteItem cannot carry a condition, and an item whose identity changed since it was read is no longer the
 * subject's to delete. Numbers: read with the document client's `unmarshallOptions.wrapNumbers`, numbers arrive as
 * `NumberValue` and are passed back untouched (keys of deletes and updates) and written as their digits in exports;
 * a correction compares them by their digits, so a stored N "1" already holds a configured 1;
 * without it, integers beyond 2^53 arrive as bigint (still exact), decimals with more than 15 digits are rounded by the
 * SDK before we see them — so the client should be built with `wrapNumbers: true`.
 */
export class DynamoDbConnector extends BaseConnector<DynamoDbSystemConfig> {
  protected readonly translate = translateDynamoDbError;
  private readonly client: DynamoDBDocumentClient;
  /** the one DescribeTable of this instance and its verdict (a rejected promise is kept: the refusal is permanent) */
  private checked: Promise<void> | undefined;

  public constructor(system: DynamoDbSystemConfig, client: DynamoDBDocumentClient, options: DynamoDbConnectorOptions) {
    super(system, options);
    this.client = client;
  }

  /**
   * One conditional UpdateItem per subject item that does not already hold every value (those are `unchanged` and not
   * written: a re-run writes nothing). An item whose condition fails went away or stopped being the subject's since it
   * was read: it is not counted at all (it is no longer one of her records).
   */
  protected async updateSubject(subject: Subject, writes: FieldWrites): Promise<WriteOutcome> {
    const outcome: WriteOutcome = { matched: 0, changed: 0, unchanged: 0, retained: 0, unreadable: 0 };
    for await (const item of this.locate(subject)) {
      if (holdsAll(item, writes)) {
        outcome.matched += 1;
        outcome.unchanged += 1;
      } else if (await this.updateItem(item, writes)) {
        outcome.matched += 1;
        outcome.changed += 1;
      }
    }
    return outcome;
  }

  /** A key attribute cannot be changed by UpdateItem: a correction or flag mapped to one could never be written. */
  protected override checkChangeField(field: string, by: string): void {
    if (this.keyAttributes().includes(field))
      throw new ConnectorConfigError(this.systemId, `${by} may not write the key attribute '${field}'`);
  }

  /** Items always parse: the report never counts anything unreadable. */
  public async *locate(identities: VerifiedIdentities): Pass<SourceRecord> {
    const { kind, entry } = this.identity;
    const value = normalizedIdentity(kind, identities[kind]);
    if (value === undefined) return { unreadable: 0 };
    await this.checkTable();
    for await (const item of this.pages(value)) {
      if (isSameIdentity(kind, item[entry.attribute], value)) yield item;
    }
    return { unreadable: 0 };
  }

  /**
   * Every stored value of the identity attribute: a Scan projecting that one attribute, so no other field of anybody's
   * item is read (and a page carries far more items). Pages are streamed, never accumulated.
   */
  public async *identities(kind: IdentityKind): Pass<string> {
    const attribute = this.identityField(kind);
    if (attribute === undefined) return { unreadable: 0 };
    const paginator = paginateScan(
      { client: this.client },
      {
        TableName: this.system.table,
        ProjectionExpression: '#id',
        FilterExpression: 'attribute_exists(#id)',
        ExpressionAttributeNames: { '#id': attribute },
      },
    );
    for await (const page of this.translated('Scan (identities)', paginator)) {
      for (const item of page.Items ?? []) {
        const value: unknown = item[attribute];
        if (typeof value === 'string') yield value;
      }
    }
    return { unreadable: 0 };
  }

  protected identityField(kind: IdentityKind): string | undefined {
    return this.system.identity[kind]?.attribute;
  }

  protected searchedKinds(): readonly IdentityKind[] {
    return [this.identity.kind];
  }

  /** The one identity kind this table is searched by, and where it lives (read from `system` only). */
  private get identity() {
    return identityOf(this.system.identity);
  }

  protected async eraseSubject(subject: Subject, erasure: ChangingErasure): Promise<EraseOutcome> {
    if (erasure.strategy === 'delete')
      return { deleted: await this.deleteAll(subject), anonymized: 0, retained: 0, unreadable: 0 };
    return { deleted: 0, anonymized: await this.anonymizeAll(subject, erasure), retained: 0, unreadable: 0 };
  }

  /** Besides covering the identity attribute (checked by the base): keys cannot be updated in place. */
  protected override checkAnonymization(erasure: AnonymizeErasure): void {
    super.checkAnonymization(erasure);
    const { attribute, index } = this.identity.entry;
    const keyAttributes = this.keyAttributes();
    const keyField = Object.keys(erasure.fields).find((name) => keyAttributes.includes(name));
    if (keyField !== undefined) {
      throw new ConnectorConfigError(this.systemId, `anonymize cannot change key attribute '${keyField}'; use delete`);
    }
    const identityRule = erasure.fields[attribute];
    if (
      index !== undefined &&
      identityRule?.action === 'replace' &&
      (typeof identityRule.value !== 'string' || identityRule.value === '')
    ) {
      // an index key must stay a non-empty string: DynamoDB rejects any other value for it
      throw new ConnectorConfigError(
        this.systemId,
        `'${attribute}' is the key of index '${index}': replace it with a non-empty string, hash or remove it`,
      );
    }
  }

  /** Items of every page of the chosen read path, one at a time (pages are never accumulated). */
  private async *pages(value: string): AsyncGenerator<SourceRecord> {
    for await (const page of this.translated('read', this.readPath(value))) {
      for (const item of page.Items ?? []) yield item;
    }
  }

  private readPath(value: string): AsyncIterable<{ Items?: SourceRecord[] }> {
    const { attribute, index } = this.identity.entry;
    const names = { '#email': attribute };
    const values = { ':email': value };
    if (index !== undefined || attribute === this.system.key.partition) {
      const input: QueryCommandInput = {
        TableName: this.system.table,
        IndexName: index,
        KeyConditionExpression: '#email = :email',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      };
      return paginateQuery({ client: this.client }, input);
    }
    // Slow path. DynamoDB cannot lower-case in a filter, so the filter only drops items without the attribute;
    // the case-insensitive comparison happens here, in `locate`.
    const input: ScanCommandInput = {
      TableName: this.system.table,
      FilterExpression: 'attribute_exists(#email)',
      ExpressionAttributeNames: names,
    };
    return paginateScan({ client: this.client }, input);
  }

  private keyAttributes(): string[] {
    const { partition, sort } = this.system.key;
    return sort === undefined ? [partition] : [partition, sort];
  }

  private keyOf(item: SourceRecord): Key {
    return Object.fromEntries(this.keyAttributes().map((name) => [name, item[name]]));
  }

  /** Deletes the subject's items one conditional DeleteItem each, as they are found; returns how many were deleted. */
  private async deleteAll(subject: Subject): Promise<number> {
    let deleted = 0;
    for await (const item of this.locate(subject)) {
      if (await this.deleteItem(item)) deleted += 1;
    }
    return deleted;
  }

  /**
   * DeleteItem on condition that the item is still the subject's (the identity attribute still holds the value read).
   * Returns false when the condition fails: the item went away, or now belongs to someone else — not ours to delete.
   */
  private async deleteItem(item: SourceRecord): Promise<boolean> {
    const attribute = this.identity.entry.attribute;
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.system.table,
          Key: this.keyOf(item),
          ConditionExpression: '#id = :id',
          ExpressionAttributeNames: { '#id': attribute },
          ExpressionAttributeValues: { ':id': item[attribute] },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw this.translate(this.systemId, 'DeleteItem', error);
    }
  }

  /**
   * DescribeTable only (dynamodb:DescribeTable): the table exists and answers with these credentials, the identity index
   * is there, keyed by the identity attribute and projecting ALL; without an index, the item count is under scanCeiling.
   */
  public override async probe(): Promise<ProbeReport> {
    const { table } = this.system;
    let description: TableDescription;
    try {
      description = (await this.client.send(new DescribeTableCommand({ TableName: table }))).Table ?? {};
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      return {
        reachable: name !== 'ResourceNotFoundException' && isAnswer(error),
        checks: [
          { name: 'table', ok: false, detail: `DescribeTable on '${table}' failed: ${name}`, fix: fixFor(name) },
        ],
      };
    }
    const checks: ProbeCheck[] = [{ name: 'table', ok: true, detail: `'${table}' exists` }];
    const { attribute, index } = this.identity.entry;
    if (index !== undefined) {
      const found = [...(description.GlobalSecondaryIndexes ?? []), ...(description.LocalSecondaryIndexes ?? [])].find(
        (candidate) => candidate.IndexName === index,
      );
      if (found === undefined) {
        checks.push({
          name: 'index',
          ok: false,
          detail: `index '${index}' does not exist on '${table}'`,
          fix: `create a GSI '${index}' with partition key '${attribute}' projecting ALL, or remove its index`,
        });
        return { reachable: true, checks };
      }
      const partition = found.KeySchema?.find((key) => key.KeyType === 'HASH')?.AttributeName;
      checks.push(
        partition === attribute
          ? { name: 'index key', ok: true, detail: `'${index}' is keyed by '${attribute}'` }
          : {
              name: 'index key',
              ok: false,
              detail: `'${index}' is keyed by '${partition ?? 'nothing'}', not '${attribute}'`,
              fix: `point the identity's index at a GSI keyed by '${attribute}'`,
            },
      );
      const projection = found.Projection?.ProjectionType;
      checks.push(
        projection === 'ALL'
          ? { name: 'index projection', ok: true, detail: `'${index}' projects ALL` }
          : {
              name: 'index projection',
              ok: false,
              detail: `'${index}' projects ${projection ?? 'unknown'} attributes`,
              fix: `recreate '${index}' projecting ALL: an export from it would leave out part of each record`,
            },
      );
      return { reachable: true, checks };
    }
    if (attribute === this.system.key.partition) {
      checks.push({ name: 'identity key', ok: true, detail: `'${attribute}' is the partition key` });
      return { reachable: true, checks };
    }
    const ceiling = this.system.scanCeiling ?? DEFAULT_SCAN_CEILING;
    const items = description.ItemCount ?? 0;
    checks.push(
      items <= ceiling
        ? { name: 'scan ceiling', ok: true, detail: `about ${items} items, within scanCeiling ${ceiling}` }
        : {
            name: 'scan ceiling',
            ok: false,
            detail: `about ${items} items, over scanCeiling ${ceiling}; '${attribute}' has no index`,
            fix: `give '${table}' a GSI on '${attribute}' projecting ALL, or raise scanCeiling`,
          },
    );
    return { reachable: true, checks };
  }

  /**
   * One DescribeTable per connector instance, before the first read: the index must exist, be keyed (partition) by the
   * identity attribute and project ALL attributes; a table read by Scan must not hold more than `scanCeiling` items
   * (DescribeTable's ItemCount, which DynamoDB refreshes about every six hours: a bound, not a count).
   */
  private checkTable(): Promise<void> {
    this.checked ??= this.describeAndCheck();
    return this.checked;
  }

  private async describeAndCheck(): Promise<void> {
    const { table } = this.system;
    const output = await this.call('DescribeTable', () =>
      this.client.send(new DescribeTableCommand({ TableName: table })),
    );
    const description: TableDescription = output.Table ?? {};
    const { attribute, index } = this.identity.entry;
    if (index !== undefined) {
      const found = [...(description.GlobalSecondaryIndexes ?? []), ...(description.LocalSecondaryIndexes ?? [])].find(
        (candidate) => candidate.IndexName === index,
      );
      if (found === undefined)
        throw new ConnectorConfigError(this.systemId, `index '${index}' does not exist on the table`);
      const partition = found.KeySchema?.find((key) => key.KeyType === 'HASH')?.AttributeName;
      if (partition !== attribute)
        throw new ConnectorConfigError(
          this.systemId,
          `index '${index}' is keyed by '${partition ?? 'nothing'}', not by the identity attribute '${attribute}': a Query on it would not find the subject`,
        );
      const projection = found.Projection?.ProjectionType;
      if (projection !== 'ALL')
        throw new ConnectorConfigError(
          this.systemId,
          `index '${index}' projects ${projection ?? 'unknown'} attributes, not ALL: an export from it would leave out part of each record`,
        );
      return;
    }
    if (attribute === this.system.key.partition) return;
    const ceiling = this.system.scanCeiling ?? DEFAULT_SCAN_CEILING;
    const items = description.ItemCount ?? 0;
    if (items > ceiling)
      throw new ConnectorConfigError(
        this.systemId,
        `not scanned: the table holds about ${items} items, over its scanCeiling of ${ceiling}, and '${attribute}' has no index; give it a GSI on '${attribute}' (projecting ALL) or raise scanCeiling`,
      );
  }

  /**
   * SET every field of `writes` on condition that the item still exists and is still the subject's (like deletes and
   * anonymisation): an upsert must not create a husk of a deleted item, and an item that changed owner is not ours to
   * correct. The key is passed back as read (`NumberValue`s untouched, so a big-number key stays exact). Returns false
   * when the condition fails.
   */
  private async updateItem(item: SourceRecord, writes: FieldWrites): Promise<boolean> {
    return this.conditionalUpdate(item, writes, []);
  }

  /** Anonymises the subject's items one UpdateItem each; returns how many were changed. */
  private async anonymizeAll(subject: Subject, erasure: AnonymizeErasure): Promise<number> {
    let anonymized = 0;
    for await (const item of this.locate(subject)) {
      if (await this.anonymizeItem(item, erasure.fields)) anonymized += 1;
    }
    return anonymized;
  }

  /**
   * SET the replaced and hashed values, REMOVE the removed fields, on condition that the item still exists and is still
   * the subject's: a concurrent delete must not be resurrected as a husk, and a changed item is not ours to rewrite.
   * Returns false when the condition fails (the item went away meanwhile: nothing left to anonymise).
   */
  private async anonymizeItem(item: SourceRecord, fields: AnonymizationFields): Promise<boolean> {
    const { set, remove } = anonymizationChanges(item, fields, this.anonymizationKey);
    return this.conditionalUpdate(item, set, remove);
  }

  /**
   * One UpdateItem on `item`: SET `set`, REMOVE `remove`, on condition that the item still exists and still holds the
   * subject's identity value as read. Returns false when the condition fails.
   */
  private async conditionalUpdate(
    item: SourceRecord,
    set: Readonly<Record<string, unknown>>,
    remove: readonly string[],
  ): Promise<boolean> {
    const names: Record<string, string> = {
      '#pk': this.system.key.partition,
      '#id': this.identity.entry.attribute,
    };
    const values: Record<string, unknown> = { ':id': item[this.identity.entry.attribute] };
    const setClauses = Object.entries(set).map(([name, value], i) => {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    const removeClauses = remove.map((name, i) => {
      names[`#r${i}`] = name;
      return `#r${i}`;
    });
    const update = [
      setClauses.length > 0 ? `SET ${setClauses.join(', ')}` : '',
      removeClauses.length > 0 ? `REMOVE ${removeClauses.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.system.table,
          Key: this.keyOf(item),
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(#pk) AND #id = :id',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw this.translate(this.systemId, 'UpdateItem', error);
    }
  }
}

/** Whether an SDK error is an answer from the service (it was reached), not a network failure. */
function isAnswer(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    '$metadata' in error &&
    Boolean((error as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode)
  );
}

/** What to do about a failed DescribeTable, by the error's name (never its message, which may carry more). */
function fixFor(name: string): string {
  if (name === 'ResourceNotFoundException') return 'create the table, or correct `table` in the systems file';
  if (name === 'AccessDeniedException') return 'grant dynamodb:DescribeTable on the table to these credentials';
  if (
    name === 'UnrecognizedClientException' ||
    name === 'InvalidSignatureException' ||
    name === 'CredentialsProviderError'
  )
    return 'check the credentials (AWS_PROFILE / AWS_ACCESS_KEY_ID) and the region';
  return 'check the endpoint, region and network access to DynamoDB';
}
