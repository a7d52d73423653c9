import { z } from 'zod';
import {
  ConsentPurpose,
  Correction,
  OptOutScope,
  Regulation,
  RequestType,
  RestrictionGround,
  SubjectIdentity,
  SystemOutcome,
} from './request';
import { SubjectForgottenError } from './errors';
import { STATUSES } from './status';

/**
 * The request as stored. The subject's identity lives here and only here (and in the delivered document):
 * workflow steps receive the request id and read the rest from this record.
 * Parsed on every read, so a corrupt or foreign item fails at the edge rather than deep in a use case.
 */
export const RequestRecord = z.object({
  requestId: z.string(),
  type: RequestType,
  regulation: Regulation,
  /** removed once the request has ended and nothing more is owed to its subject (see RequestRepository.forgetSubject) */
  subject: SubjectIdentity.optional(),
  /**
   * HMAC-SHA-256 of the address under the deployment key: what the record keeps of its subject once the address is
   * forgotten (the suppression list and receipts use the same value), and how repeats for one identity coalesce.
   */
  subjectHash: z.string().optional(),
  subjectForgottenAt: z.string().optional(),
  /**
   * What the right asks for (set at intake; the change steps read them here, never from workflow state):
   * `corrections` are personal data and go with the subject when it is forgotten.
   */
  corrections: z.array(Correction).optional(),
  scope: OptOutScope.optional(),
  purpose: ConsentPurpose.optional(),
  ground: RestrictionGround.optional(),
  /**
   * How the identity was established: `not_required` for the rights that need no verification (CCPA §7026(d) opt-out
   * of sale/sharing, §7027 limiting sensitive information), bound to the identifier given.
   */
  verification: z.enum(['email_link', 'not_required']).optional(),
  /** identities proven by the verification step; connectors search by these alone */
  verified: z.object({ email: z.string().optional() }).optional(),
  status: z.enum(STATUSES),
  receivedAt: z.string(),
  dueDate: z.string(),
  updatedAt: z.string(),
  verificationSentAt: z.string().optional(),
  verificationExpiresAt: z.string().optional(),
  verifiedAt: z.string().optional(),
  outcomes: z.array(SystemOutcome).optional(),
  /**
   * What was done in each system, as the receipt judged it (functions/assemble-receipt): the receipt's outcome word
   * and a record count (deletion: found; change: changed, or matched when refused). Fixed words and counts only; the
   * completion mail says it per system.
   */
  done: z
    .array(z.object({ systemId: z.string(), outcome: z.string(), records: z.number().int().nonnegative() }))
    .optional(),
  documentKey: z.string().optional(),
  deliveredAt: z.string().optional(),
  completedAt: z.string().optional(),
  /**
   * The delivery of one attempt's document, claimed before its link is issued and mailed (functions/deliver): a re-run
   * finding `mailedAt` sends nothing; one finding only a stale claim (its invocation died) delivers. `attempt` is
   * `retry.attempts` at the time (0 for the first answer), so each retry of a deletion may deliver once.
   */
  delivery: z
    .object({ attempt: z.number().int().nonnegative(), claimedAt: z.string(), mailedAt: z.string().optional() })
    .optional(),
  /**
   * A deletion some systems could not confirm (status `retrying`): the rule the sweeper starts the next attempt by.
   * `systems` are the ones to retry (the next PlanRequest plans only these), `attempts` how many retries have started,
   * `nextAt` when the next may start (see `retryDue`). Kept after the last attempt, as the record of what was tried.
   */
  retry: z
    .object({
      systems: z.array(z.string()),
      attempts: z.number().int().nonnegative(),
      nextAt: z.string(),
      /** set when the budget was spent with systems still failing: the subject was forgotten anyway */
      exhaustedAt: z.string().optional(),
    })
    .optional(),
  /**
   * A workflow step that failed after its retries (functions/mark-attention): which, the error's NAME only (a message
   * may quote personal data), and when. The execution failed; the sweeper or an operator restarts it from here.
   */
  attention: z.object({ step: z.string(), error: z.string(), at: z.string() }).optional(),
  /**
   * Lifting a restriction (GDPR Art. 18(3): the subject is told before it is lifted; functions/lift-restriction): when
   * the subject was told, the date announced, and when the flags were cleared (then the address is forgotten).
   */
  lift: z.object({ noticeSentAt: z.string(), liftAt: z.string(), liftedAt: z.string().optional() }).optional(),
  /** how many times the sweeper started the request afresh (see `executionName`) */
  restarts: z.number().int().positive().optional(),
});
export type RequestRecord = z.infer<typeof RequestRecord>;

/**
 * The name of the request's current execution: its id, then `<id>-r<n>` after the n-th fresh start. A Standard
 * execution's name cannot be reused for 90 days, and a redrive would resume at the state that failed (NeedsAttention,
 * a Fail state), so a request is recovered by a new execution under a new name; every step is re-entrant.
 */
export function executionName(record: Pick<RequestRecord, 'requestId' | 'restarts'>): string {
  return record.restarts ? `${record.requestId}-r${record.restarts}` : record.requestId;
}

/** Whether a `retrying` deletion may start its next attempt now (the sweeper's rule; PlanRequest does not wait). */
export function retryDue(record: RequestRecord, now: Date): boolean {
  return record.status === 'retrying' && record.retry !== undefined && Date.parse(record.retry.nextAt) <= now.getTime();
}

/** The address on the request, for the steps that must write to it; refused once the identity was forgotten. */
export function subjectEmail(record: RequestRecord): string {
  if (!record.subject) throw new SubjectForgottenError(record.requestId);
  return record.subject.email;
}
