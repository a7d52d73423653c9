import { z } from 'zod';

/**
 * The policy step's reasons (functions/core/policy/decide.ts), as the request record stores them: a fixed code and the
 * source it rests on. A module of its own, so the record's schema names them without depending on the rules.
 */

/**
 * - `outside_jurisdiction`: the request is made under a law the company does not answer under (the profile's
 *   `jurisdictions`);
 * - `processor_referral`: the subject is an end user of a customer; the company processes that data for the customer,
 *   who answers (GDPR Art. 28(3)(e); CCPA §1798.140(ag));
 * - `subject_not_served`: the profile answers no request from this kind of subject;
 * - `right_not_offered`: neither the law nor the company gives this right to this subject;
 * - `frequency_limit`: the subject already made as many requests of this right as the limit allows in its period;
 * - `agent_without_authority`: an agent asked, and the profile takes no agents, or no power of attorney, or the agent
 *   gave no document of their authority (11 CCR §7063(a)(1): the business may require the signed permission).
 */
export const DenialCode = z.enum([
  'outside_jurisdiction',
  'processor_referral',
  'subject_not_served',
  'right_not_offered',
  'frequency_limit',
  'agent_without_authority',
]);
export type DenialCode = z.infer<typeof DenialCode>;

/**
 * Why a request waits for an operator:
 * - `review_required`: the profile has a person decide this right (e.g. corrections, 11 CCR §7023(b));
 * - `verification_review`: the profile asks a high degree of certainty for this right (11 CCR §7062(c)): a person
 *   checks further evidence of identity;
 * - `possibly_excessive`: the subject's requests passed the profile's volume; GDPR Art. 12(5) lets the controller
 *   refuse a manifestly unfounded or excessive request or charge a reasonable fee, and a person must judge which;
 * - `appeal`: the subject appeals a denial; the law has a person decide it (e.g. Va. Code §59.1-577(C));
 * - `agent_document_review`: an agent acts under a power of attorney (Cal. Prob. Code §§4000–4465); the subject was not
 *   asked (11 CCR §7063(b)), so a person checks the document before any system is searched;
 * - `type_unclear`: the request came by email and its words named no right, or more than one
 *   (functions/receive-mail/rights.ts); a person reads it and sets the right (`npx dsar approve <id> --right …`).
 */
export const HoldCode = z.enum([
  'review_required',
  'verification_review',
  'possibly_excessive',
  'appeal',
  'agent_document_review',
  'type_unclear',
]);
export type HoldCode = z.infer<typeof HoldCode>;

/** An operator's own denial: `source` holds the reason in the operator's words, which the subject is told. */
export const OperatorCode = z.enum(['operator']);

export const Reason = z.object({ code: z.union([DenialCode, HoldCode, OperatorCode]), source: z.string() }).strict();
export type Reason = z.infer<typeof Reason>;
export type ReasonCode = Reason['code'];
