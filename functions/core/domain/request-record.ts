import { z } from 'zod';
import {
  AgentAuthority,
  ConsentPurpose,
  Correction,
  OptOutScope,
  Regulation,
  Relationship,
  RequestType,
  RestrictionGround,
  SubjectIdentity,
  type SubmitRequestBody,
  SystemOutcome,
} from './request';
import { IdentityKindName } from '../../../connectors/config';
import type { VerifiedIdentities } from '../../../connectors/contract';
import { Clock } from '../rules/clock';
import { Reason } from '../policy/reasons';
import { SubjectForgottenError } from './errors';
import { STATUSES, isTerminal } from './status';

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
   * identities the request acts on; connectors search by these alone. Proven by the verification link, except where
   * the law forbids asking for proof (see `verification`): then the identifier as given.
   */
  verified: z
    .object({
      email: z.string().optional(),
      /** found by resolution in a system of record (see `identitySources`): they count as verified */
      phone: z.string().optional(),
      customer_id: z.string().optional(),
      device_id: z.string().optional(),
    })
    .optional(),
  /**
   * Where each identity beyond the verified address came from: the system of record whose records about the subject
   * held it (kinds and system ids only: the values are in `verified`, forgotten with it). The answer lists them.
   */
  identitySources: z.array(z.object({ kind: IdentityKindName, from: z.string() })).optional(),
  /** kinds a system of record held more than one value of for the subject: none of them was used */
  ambiguousIdentities: z.array(IdentityKindName).optional(),
  /**
   * How the identity was established: `email_link` (the subject followed the link mailed to the address), or
   * `not_required` — an opt-out of sale/sharing (11 CCR §7026(d)) or a request to limit sensitive personal information
   * (§7027(e)), which a business may not make the consumer verify; such a request stays bound to the identifier given.
   */
  verification: z.enum(['email_link', 'not_required', 'power_of_attorney']).optional(),
  /**
   * An authorized agent acting for the subject (11 CCR §7063): who (personal data, forgotten with the subject) and,
   * in `agentAuthority`, under what and with which uploaded document (words and an S3 key, kept). A power of attorney
   * is recorded `verification: 'power_of_attorney'` with the subject's address as the identity to act on: the policy
   * step holds it until an operator has checked the document, before any system is searched.
   */
  agent: z.object({ email: z.string(), name: z.string() }).optional(),
  agentAuthority: z.object({ authority: AgentAuthority, document: z.string().optional() }).optional(),
  /**
   * What the right asks for (set at intake; the change steps read them here, never from workflow state):
   * `corrections` (in the subject's terms) are personal data and go with the subject when it is forgotten;
   * `scope` for objection and opt_out; `purpose` for withdraw_consent; `ground` for restriction (Art. 18(1)).
   */
  corrections: z.array(Correction).optional(),
  scope: OptOutScope.optional(),
  purpose: ConsentPurpose.optional(),
  ground: RestrictionGround.optional(),
  /** how the request came in: `email` (functions/receive-mail); absent: the API (and the forms over it) */
  channel: z.enum(['email']).optional(),
  /**
   * The request came by email and its words named no one right, or several: `type` is a placeholder (access: it asks
   * for nothing to be changed) until an operator sets the right; the policy step holds it (`type_unclear`). Kept after
   * that, as the record of how the right was chosen.
   */
  typeUnclear: z.boolean().optional(),
  /**
   * The words of such a mail (its subject and the sender's own lines, at most 2000 characters): what the operator sets
   * the right from (`npx dsar show`). Personal data: forgotten with the subject. The raw mail itself is never kept.
   */
  mailText: z.string().optional(),
  /** who the subject is to the company (absent: a customer); an end user may name the customer that controls the data */
  relationship: Relationship.optional(),
  /** the customer an end user named: the referral's addressee; forgotten with the subject */
  controller: z.string().optional(),
  /**
   * The policy step's decision (functions/decide-request): go on, or denied with its reasons (fixed codes and the
   * article or policy words each rests on), the profile and version it was made under, and when the denial was mailed.
   */
  decision: z
    .object({
      outcome: z.enum(['go', 'deny', 'hold']),
      reasons: z.array(Reason),
      /** who decided: the policy step, or an operator acting on a held request */
      by: z.enum(['policy', 'operator']).optional(),
      at: z.string(),
      profile: z.object({ id: z.string(), version: z.string() }),
      mailedAt: z.string().optional(),
      /** until when the subject may appeal this denial (the address is kept until then: functions/sweep) */
      appealUntil: z.string().optional(),
      /** a processor referral forwarded to the controller's privacy contact (the controller's name only) */
      forwardedTo: z.string().optional(),
    })
    .optional(),
  /**
   * A request waiting for an operator (decision `hold`): the workflow's task token to answer it with (opaque, names no
   * one), since when it waits, and when it was settled. Set by functions/hold-request, answered by the operator's
   * approve, deny or cancel (functions/operator-decision).
   */
  hold: z.object({ taskToken: z.string(), since: z.string(), settledAt: z.string().optional() }).optional(),
  /**
   * An appeal (Va. Code §59.1-577(C), Colo. Rev. Stat. §6-1-1306(3), Conn. Gen. Stat. §42-518(d), Tex. Bus. & Com.
   * Code §541.053): the denied request it appeals, and the subject's reasons (forgotten with the subject). An appeal is
   * a request of the original's right, held for an operator, with the appeal's own deadline as `dueDate`.
   */
  appealOf: z.string().optional(),
  appealReason: z.string().optional(),
  /** the operator asked the subject to clarify (the clock paused where the law allows): when */
  clarification: z.object({ askedAt: z.string(), answeredAt: z.string().optional() }).optional(),
  status: z.enum(STATUSES),
  receivedAt: z.string(),
  dueDate: z.string(),
  /**
   * The statutory clock (functions/core/rules/clock.ts): the pack and its version, the acknowledgment date, the due
   * date, the extension and pauses. `dueDate` is its `dueOn`; only the engine recomputes it.
   */
  clock: Clock.optional(),
  /** the operator's extension of the deadline: the reason the subject was told, and when */
  extension: z.object({ reason: z.string(), at: z.string() }).optional(),
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

/**
 * Every identity the connectors may search by for this request: the link-verified address and what resolution found
 * (functions/resolve-identities), or — for a right that needs no verification — the identifier given, which such a
 * request stays bound to (`email`: see change-result.ts changeIdentity). Nothing typed by the requester beyond that.
 */
export function verifiedIdentities(record: RequestRecord, email = record.verified?.email): VerifiedIdentities {
  const { phone, customer_id, device_id } = record.verified ?? {};
  return {
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(customer_id ? { customer_id } : {}),
    ...(device_id ? { device_id } : {}),
  };
}

/** The address on the request, for the steps that must write to it; refused once the identity was forgotten. */
export function subjectEmail(record: RequestRecord): string {
  if (!record.subject) throw new SubjectForgottenError(record.requestId);
  return record.subject.email;
}

/** The right-specific fields of a submission, as the record keeps them (ids and words, plus corrections). */
export function rightFields(
  body: SubmitRequestBody,
): Pick<RequestRecord, 'corrections' | 'scope' | 'purpose' | 'ground'> {
  switch (body.type) {
    case 'correction':
      return { corrections: body.corrections };
    case 'objection':
    case 'opt_out':
      return { scope: body.scope };
    case 'withdraw_consent':
      return { purpose: body.purpose };
    case 'restriction':
      return body.ground ? { ground: body.ground } : {};
    default:
      return {};
  }
}

/**
 * Whether the request needs the subject to prove control of the address first. Not for an opt-out of sale/sharing
 * (11 CCR §7026(d): "a business shall not require a consumer to submit a verifiable consumer request") nor for a
 * request to limit the use of sensitive personal information (§7027(e)): both only ever restrict what is done with
 * the data, and nothing is disclosed to whoever asked.
 */
export function verificationRequired(request: Pick<RequestRecord, 'type' | 'scope'>): boolean {
  if (request.type === 'limit_sensitive') return false;
  return !(request.type === 'opt_out' && request.scope === 'sale_sharing');
}

/**
 * What repeats coalesce by (with the keyed hash of the address): the right and what it is about, so an opt-out of
 * marketing never swallows one of sale/sharing, and a withdrawal of consent for one purpose not one for another.
 * `digest`, for a correction, is a keyed hash of its corrections: a repeat of the same correction coalesces, another
 * correction is a request of its own (and the values themselves never reach a key).
 */
export type OpenKind = RequestType | `${RequestType}:${string}`;

export function openKind(
  request: Pick<RequestRecord, 'type' | 'scope' | 'purpose' | 'ground'>,
  digest?: string,
): OpenKind {
  switch (request.type) {
    case 'correction':
      return digest ? `correction:${digest}` : 'correction';
    case 'objection':
    case 'opt_out':
      return `${request.type}:${request.scope}`;
    case 'withdraw_consent':
      return `withdraw_consent:${request.purpose}`;
    case 'restriction':
      return request.ground ? `restriction:${request.ground}` : 'restriction';
    default:
      return request.type;
  }
}

/**
 * Whether a request still takes repeats: one waiting for its unexpired link, or one that needed no verification
 * (an opt-out of sale/sharing) and has not ended — a repeat of it while it runs starts nothing more.
 */
export function stillOpen(record: RequestRecord, now: Date): boolean {
  if (record.verification === 'not_required') return !isTerminal(record.status);
  return (
    record.status === 'pending_verification' &&
    record.verificationExpiresAt !== undefined &&
    new Date(record.verificationExpiresAt) > now
  );
}
