import { createHash, createHmac } from 'node:crypto';

/**
 * A stable hash of a JSON value (object keys sorted), to compare two submissions without storing either.
 * With a `key` it is an HMAC: a fingerprint of a body holding an address cannot then be tested against guesses
 * by anyone who lacks the key (for idempotency claims, the client's own idempotency key, which is never stored).
 */
export function fingerprint(value: unknown, key?: string): string {
  const hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  return hash.update(canonical(value)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
