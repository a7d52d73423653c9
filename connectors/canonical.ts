import { createHmac } from 'node:crypto';

/**
 * JSON and keyed hashes of values, written once for the whole code base (it lives here, in the lowest layer, because
 * both the connectors and the functions need it, and dependencies point one way: functions → connectors).
 *
 * Values from source systems are richer than JSON: DynamoDB sets, binary attributes, big numbers. `plainJson` turns
 * them into plain JSON the same way everywhere (sets as sorted arrays, bytes as base64, bigints as strings), so an export
 * is portable whatever the store. `canonicalJson` also sorts object keys and drops undefined members, so two equal values
 * always give the same text: that is what hashes and fingerprints need.
 */
function plainValue(_key: string, value: unknown): unknown {
  if (value instanceof Set) return [...(value as Set<unknown>)].sort((a, b) => compareText(sortText(a), sortText(b)));
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A value as plain JSON text, members in their own order (for records shown to people). */
export function plainJson(value: unknown): string {
  return JSON.stringify(value, plainValue) ?? 'null';
}

/** A value as canonical JSON text: plain JSON with object keys sorted and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(plainJson(value)))) ?? 'null';
}

/** Set members sort by their text, as Array.prototype.sort does by default (numbers too: "10" before "9"). */
const sortText = (item: unknown) => (typeof item === 'string' ? item : canonicalJson(item));
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => compareText(a, b));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** HMAC-SHA-256 of `data` under `key`, as lower-case hex: the one keyed hash of the code base. */
export function hmacHex(key: string, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex');
}
