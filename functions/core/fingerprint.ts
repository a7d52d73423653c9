import { createHash } from 'node:crypto';
import { canonicalJson, hmacHex } from '../../connectors/canonical';

/**
 * A stable hash of a JSON value (canonical JSON: object keys sorted), to compare two submissions without storing either.
 * With a `key` it is an HMAC: a fingerprint of a body holding an address cannot then be tested against guesses
 * by anyone who lacks the key (for idempotency claims, the client's own idempotency key, which is never stored).
 */
export function fingerprint(value: unknown, key?: string): string {
  const text = canonicalJson(value);
  return key === undefined ? createHash('sha256').update(text, 'utf8').digest('hex') : hmacHex(key, text);
}
