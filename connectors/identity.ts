import type { IdentityKind, VerifiedIdentities } from './contract';

/** Every identity kind, in the order the configuration and the answers list them. */
export const IDENTITY_KINDS = ['email', 'phone', 'customer_id', 'device_id'] as const satisfies readonly IdentityKind[];

/** An E.164 number once spaces, dots, dashes and brackets are gone: `+`, a country code, at most 15 digits. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * What "this value is the subject's" means, once for every connector, per kind:
 * - email: trimmed and case-insensitive (the local part is case-sensitive in theory, never in practice);
 * - phone: E.164, ignoring the spaces, dots, dashes and brackets people write (a value that is not E.164 matches nothing);
 * - customer_id, device_id: trimmed, exact (ids are case-sensitive: `AB12` is not `ab12`); a stored number counts as its
 *   decimal text.
 * A connector that matched differently from another would find (or erase) a different set of records. Undefined: no
 * usable value (empty, or a phone number that is not one), which searches nothing.
 */
export function normalizedIdentity(kind: IdentityKind, value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  switch (kind) {
    case 'email':
      return trimmed.toLowerCase();
    case 'phone': {
      const compact = trimmed.replace(/[\s().-]/g, '');
      return E164.test(compact) ? compact : undefined;
    }
    default:
      return trimmed;
  }
}

/** Whether a stored value is the (already normalised) verified value of that kind. */
export function isSameIdentity(kind: IdentityKind, stored: unknown, normalized: string): boolean {
  return normalizedIdentity(kind, stored) === normalized;
}

/**
 * The subject as a connector searches for them: each verified kind normalised, kinds without a usable value left out.
 * Only verified values ever reach a connector (see ./contract).
 */
export function normalizedIdentities(identities: VerifiedIdentities): Partial<Record<IdentityKind, string>> {
  const out: Partial<Record<IdentityKind, string>> = {};
  for (const kind of IDENTITY_KINDS) {
    const value = normalizedIdentity(kind, identities[kind]);
    if (value !== undefined) out[kind] = value;
  }
  return out;
}

/** The normalised email, if verified (kept for the callers that only ever know an address). */
export function normalizedEmail(identities: VerifiedIdentities): string | undefined {
  return normalizedIdentity('email', identities.email);
}

/** Whether a stored value is the (already normalised) verified email. */
export function isSameEmail(stored: unknown, email: string): boolean {
  return typeof stored === 'string' && isSameIdentity('email', stored, email);
}
