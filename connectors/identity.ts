import type { VerifiedIdentities } from './contract';

/**
 * What "this record is the subject's" means, once for every connector: emails compare trimmed and case-insensitively.
 * A connector that matched differently from another would find (or erase) a different set of records.
 */
export function normalizedEmail(identities: VerifiedIdentities): string | undefined {
  const email = identities.email?.trim().toLowerCase();
  return email ? email : undefined;
}

/** Whether a stored value is the (already normalised) verified email. */
export function isSameEmail(stored: unknown, email: string): boolean {
  return typeof stored === 'string' && stored.trim().toLowerCase() === email;
}
