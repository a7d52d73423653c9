import { canonicalJson, hmacHex } from './canonical';
import type { Erasure, FieldAnonymization } from './config';
import { AnonymizationKeyError, ConnectorConfigError } from './errors';
import type { SourceRecord } from './contract';

/**
 * Applying an `anonymize` erasure's field map to one record, the same way for every connector:
 * `remove` drops the field, `replace` sets the configured value, `hash` sets HMAC-SHA-256(key, value) as hex.
 * Only fields the record actually has are touched: anonymising must never add data that was not there.
 */

export type AnonymizationFields = Readonly<Record<string, FieldAnonymization>>;

/** What to change in a record: the values to set and the fields to remove (DynamoDB's SET / REMOVE). */
export interface AnonymizationChanges {
  set: Record<string, unknown>;
  remove: string[];
}

/** The changes the field map asks for on this record. */
export function anonymizationChanges(
  record: SourceRecord,
  fields: AnonymizationFields,
  key: string,
): AnonymizationChanges {
  const changes: AnonymizationChanges = { set: {}, remove: [] };
  for (const [name, rule] of Object.entries(fields)) {
    if (!Object.hasOwn(record, name)) continue;
    if (rule.action === 'remove') changes.remove.push(name);
    else if (rule.action === 'replace') changes.set[name] = rule.value;
    else changes.set[name] = keyedHash(record[name], key);
  }
  return changes;
}

/** A copy of the record with the field map applied; the input is not modified. */
export function anonymizeRecord(record: SourceRecord, fields: AnonymizationFields, key: string): SourceRecord {
  const { set, remove } = anonymizationChanges(record, fields, key);
  const result: SourceRecord = { ...record, ...set };
  for (const name of remove) delete result[name];
  return result;
}

/**
 * HMAC-SHA-256 hex of a value: stable for equal values (records stay joinable), not reversible without the key.
 * Strings are hashed as they are; other values by a canonical JSON form (sets as sorted arrays, bytes as base64).
 */
export function keyedHash(value: unknown, key: string): string {
  if (key.length === 0) throw new AnonymizationKeyError('anonymisation key is empty');
  return hmacHex(key, typeof value === 'string' ? value : canonicalJson(value));
}

/** Whether the field map uses keyed hashing (then a non-empty key is required). */
export function usesHashing(fields: AnonymizationFields): boolean {
  return Object.values(fields).some((rule) => rule.action === 'hash');
}

/**
 * Erasing with a keyed-hash field needs the deployment key. Checked when erasing, not when building the connector:
 * locating never hashes, so the functions that only locate are never given the key.
 */
export function requireAnonymizationKey(systemId: string, erasure: Erasure, key: string): void {
  if (erasure.strategy === 'anonymize' && usesHashing(erasure.fields) && key.length === 0) {
    throw new ConnectorConfigError(systemId, 'anonymize uses hash but no anonymisation key is configured');
  }
}
