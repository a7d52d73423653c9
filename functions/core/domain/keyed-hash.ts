import { hmacHex } from '../../../connectors/canonical';
import type { IdentityKind } from '../../../connectors/contract';

/**
 * A keyed hash of an identity (HMAC-SHA-256 under the deployment's secret key). It lets the suppression list and
 * receipts recognise an identity later without storing it: without the key, the hash cannot be tested against guesses.
 */
export function identityHash(key: string, kind: IdentityKind, value: string): string {
  return hmacHex(key, `${kind}:${value.trim().toLowerCase()}`);
}
