import { createHmac } from 'node:crypto';
import { exactNumberText } from './exact-number';

/**
 * JSON and keyed hashes of values, written once for the whole code base (it lives here, in the lowest layer, because
 * both the connectors and the functions need it, and dependencies point one way: functions → connectors).
 *
 * Values from source systems are richer than JSON: DynamoDB sets, binary attributes, big numbers. `plainJson` turns
 * them into plain JSON the same way everywhere (sets as sorted arrays, bytes as base64, bigints as strings, numbers kept
 * as exact text — `NumberValue`, `ExactNumber` — written as the same digits, never rounded), so an export is portable
 * whatever the store. `canonicalJson` also sorts object keys and drops undefined members, so two equal values always
 * give the same text: that is what hashes and fingerprints need.
 *
 * The writer is our own rather than `JSON.stringify` with a replacer because a replacer cannot emit a number's raw
 * digits (`JSON.rawJSON` needs Node 21; the engines field allows 20). For every ordinary value it writes exactly what
 * `JSON.stringify` writes (fingerprints stored before this change still match).
 */

/** A value as plain JSON text, members in their own order (for records shown to people). */
export function plainJson(value: unknown): string {
  return write(value, '', false) ?? 'null';
}

/** A value as canonical JSON text: plain JSON with object keys sorted and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  return write(value, '', true) ?? 'null';
}

/** Set members sort by their text, as Array.prototype.sort does by default (numbers too: "10" before "9"). */
const sortText = (item: unknown) => (typeof item === 'string' ? item : canonicalJson(item));
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface WithToJson {
  toJSON(key: string): unknown;
}

function hasToJson(value: object): value is WithToJson {
  return typeof (value as Partial<WithToJson>).toJSON === 'function';
}

/** JSON.stringify's algorithm (undefined → omitted member / null in arrays), plus the store values above. */
function write(input: unknown, key: string, sorted: boolean): string | undefined {
  const exact = exactNumberText(input);
  if (exact !== undefined) return exact;
  let value = input;
  if (value instanceof Set) value = [...(value as Set<unknown>)].sort((a, b) => compareText(sortText(a), sortText(b)));
  else if (value instanceof Uint8Array) value = Buffer.from(value).toString('base64');
  else if (typeof value === 'bigint') value = value.toString();
  else if (value !== null && typeof value === 'object' && hasToJson(value)) value = value.toJSON(key);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      // undefined, functions, symbols: left out like JSON.stringify leaves them out
      return undefined;
  }
  if (exactNumberText(value) !== undefined) return exactNumberText(value);
  if (Array.isArray(value)) return `[${value.map((item, i) => write(item, String(i), sorted) ?? 'null').join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (sorted) entries.sort(([a], [b]) => compareText(a, b));
  const members: string[] = [];
  for (const [name, member] of entries) {
    const text = write(member, name, sorted);
    if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

/** HMAC-SHA-256 of `data` under `key`, as lower-case hex: the one keyed hash of the code base. */
export function hmacHex(key: string, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex');
}
