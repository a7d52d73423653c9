import { hmacHex } from '../../../connectors/canonical';
import type { IdentityKind } from '../../../connectors/contract';
import { normalizedIdentity } from '../../../connectors/identity';

/**
 * A keyed hash of an identity (HMAC-SHA-256 under the deployment's secret key). It lets the suppression list and
 * receipts recognise an identity later without storing it: without the key, the hash cannot be tested against guesses.
 * The value is normalised as its kind is matched (connectors/identity.ts): two spellings of one email hash alike, two
 * customer ids differing in case do not (they are different customers).
 */
export function identityHash(key: string, kind: IdentityKind, value: string): string {
  return hmacHex(key, `${kind}:${normalizedIdentity(kind, value) ?? value.trim()}`);
}
