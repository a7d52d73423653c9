import { z } from 'zod';
import type { FlagName } from '../../../connectors/contract';
import { NotVerifiedError, RequestIncompleteError } from './errors';
import type { RequestRecord } from './request-record';

/**
 * How a correction or a flag fared in one system (workflow state: ids, counts and fixed words only — never a value).
 * A system that failed after its retries arrives from the workflow's catch as `{ systemId, status: 'failed', error }`
 * with zero counts.
 */
export const ChangeResult = z.object({
  systemId: z.string(),
  status: z.enum(['changed', 'failed']),
  matched: z.number().int().nonnegative().default(0),
  changed: z.number().int().nonnegative().default(0),
  unchanged: z.number().int().nonnegative().default(0),
  retained: z.number().int().nonnegative().default(0),
  retainedReason: z.string().optional(),
  unreadable: z.number().int().nonnegative().default(0),
  /** attribute or flag names this system cannot change, with the fixed reason (connectors/base.ts REFUSED, readOnly) */
  refused: z.array(z.object({ name: z.string(), reason: z.string() })).default([]),
  error: z.string().optional(),
});
export type ChangeResult = z.infer<typeof ChangeResult>;

/**
 * The preference flags a request sets (connectors/contract.ts FlagName): restriction → `restriction` (GDPR Art. 18);
 * objection and opt-out → their scope (Art. 21, CCPA §1798.120); limit_sensitive → `limit_sensitive` (§1798.121);
 * withdraw_consent → `consent:<purpose>` (Art. 7(3)). Every other type sets none.
 */
export function requestedFlags(record: RequestRecord): FlagName[] {
  switch (record.type) {
    case 'restriction':
      return ['restriction'];
    case 'limit_sensitive':
      return ['limit_sensitive'];
    case 'objection':
    case 'opt_out':
      if (!record.scope) throw new RequestIncompleteError(record.requestId, 'scope');
      return [record.scope];
    case 'withdraw_consent':
      if (!record.purpose) throw new RequestIncompleteError(record.requestId, 'purpose');
      return [`consent:${record.purpose}`];
    default:
      return [];
  }
}

/**
 * The address a change acts on and its answer goes to: the link-verified one, or — for the rights that need no
 * verification (CCPA §1798.120 with 11 CCR §7026(d), opt-out of sale/sharing; §7027, limiting sensitive information) —
 * the identifier given, to which such a request stays bound. Anything else without a verified address is refused.
 */
export function changeIdentity(record: RequestRecord): string {
  const verified = record.verified?.email;
  if (verified) return verified;
  if (record.verification === 'not_required' && record.subject?.email) return record.subject.email;
  throw new NotVerifiedError(record.requestId);
}

/** The rights answered by changing records (a change receipt), as opposed to a document or an erasure. */
export const CHANGE_TYPES: ReadonlySet<RequestRecord['type']> = new Set([
  'correction',
  'restriction',
  'objection',
  'opt_out',
  'limit_sensitive',
  'withdraw_consent',
]);
