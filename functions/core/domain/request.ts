import { z } from 'zod';
import { AttributeName, NoticeRight } from '../../../connectors/config';
import { DOCUMENT_PREFIXES } from './document-keys';

/**
 * The rights a data subject can exercise (the API's words; the README and the OpenAPI document use the same):
 * - `access` — GDPR Art. 15, CCPA §1798.110/.115: the specific pieces, with what each system holds and why;
 * - `portability` — GDPR Art. 20: what the subject provided, structured and machine-readable (JSON and CSV);
 * - `categories` — CCPA §1798.110(a)(1)–(4), §1798.115: the categories only, from the data map;
 * - `disclosures` — Cal. Civ. Code §1798.83 ("Shine the Light"): direct-marketing disclosures of the preceding year;
 * - `deletion` — GDPR Art. 17, CCPA §1798.105;
 * - `correction` — GDPR Art. 16, CCPA §1798.106 and 11 CCR §7023;
 * - `restriction` — GDPR Art. 18;
 * - `objection` — GDPR Art. 21 (marketing, profiling, or processing on legitimate interests);
 * - `opt_out` — CCPA §1798.120 (sale/sharing; no verification, §7026), and opt-outs of marketing and profiling;
 * - `limit_sensitive` — CCPA §1798.121 and 11 CCR §7027;
 * - `withdraw_consent` — GDPR Art. 7(3), for one purpose.
 * The workflow branches on this.
 */
export const RequestType = z.enum(['access', 'portability', 'categories', 'disclosures', ...NoticeRight.options]);
export type RequestType = z.infer<typeof RequestType>;

/** What an objection or an opt-out is about; each maps to a preference flag of the same name (connectors/contract). */
export const OptOutScope = z.enum(['sale_sharing', 'marketing', 'profiling']);
export type OptOutScope = z.infer<typeof OptOutScope>;

/** GDPR Art. 18(1)(a)–(d): why processing is to be restricted. */
export const RestrictionGround = z.enum([
  'accuracy_contested',
  'unlawful_processing',
  'legal_claims',
  'objection_pending',
]);
export type RestrictionGround = z.infer<typeof RestrictionGround>;

/** A purpose the subject consented to, as the systems configuration names it (`flags.consent`). */
export const ConsentPurpose = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lowercase letters, digits and underscores, starting with a letter');

/** One correction in the subject's terms (CCPA §7023(c): the subject may add documentation; here a note). */
export const Correction = z
  .object({
    attribute: AttributeName,
    value: z.string().trim().min(1, 'a correction needs the corrected value').max(1000),
    note: z.string().trim().max(1000).optional(),
  })
  .strict();
export type Correction = z.infer<typeof Correction>;

/**
 * The law the request is made under: it sets the statutory clock and the rights given, from its jurisdiction pack
 * (functions/core/rules/packs: EU GDPR, UK GDPR, CCPA/CPRA, Virginia VCDPA, Colorado CPA, Connecticut CTDPA, Texas
 * TDPSA). Whether the company answers under it is the profile's to say (the policy step denies the rest).
 */
export const Regulation = z.enum(['gdpr', 'uk_gdpr', 'ccpa', 'vcdpa', 'cpa', 'ctdpa', 'tdpsa']);
export type Regulation = z.infer<typeof Regulation>;

/** Email addresses are compared case-insensitively everywhere: normalise once, at the edge. */
export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }))
  .transform((email) => email.toLowerCase());

export const SubjectIdentity = z
  .object({
    email: Email,
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type SubjectIdentity = z.infer<typeof SubjectIdentity>;

/**
 * Who the subject is to the company (functions/core/policy/profile.ts SubjectType): its own `customer` (the default),
 * an `end_user` of one of its customers (the company processes that data for the customer, who answers), or
 * `personnel`. An end user may name the customer (`controller`) so the referral can say where to go.
 */
export const Relationship = z.enum(['customer', 'end_user', 'personnel']);
export type Relationship = z.infer<typeof Relationship>;

/**
 * The authority an authorized agent acts under (11 CCR §7063): the subject's signed permission (§7063(a): the subject
 * still verifies their own identity and confirms directly), or a power of attorney under Cal. Prob. Code §§4000–4465
 * (§7063(b): the subject is not asked; an operator checks the document).
 */
export const AgentAuthority = z.enum(['signed_permission', 'power_of_attorney']);
export type AgentAuthority = z.infer<typeof AgentAuthority>;

/** Where uploaded permission documents live in the pipeline bucket; keys are `<prefix><uuid>`, nothing personal. */
export const AGENT_DOCUMENT_PREFIX = DOCUMENT_PREFIXES.agentDocuments;
/** What a permission document may be: a PDF or a scan, at most 5 MB (enforced by the upload's POST policy). */
export const AgentDocumentType = z.enum(['application/pdf', 'image/png', 'image/jpeg']);
export type AgentDocumentType = z.infer<typeof AgentDocumentType>;
export const AGENT_DOCUMENT_MAX_BYTES = 5 * 1024 * 1024;

/** Body of POST /agent-documents: the type of the file the agent is about to upload. */
export const AgentUploadBody = z.object({ contentType: AgentDocumentType }).strict();

/** The answer of POST /agent-documents: a presigned POST (send `fields`, then the file, to `url`) and the key to name. */
export const PresignedUpload = z.object({
  url: z.string(),
  fields: z.record(z.string(), z.string()),
  key: z.string(),
  expiresAt: z.string(),
});
export type PresignedUpload = z.infer<typeof PresignedUpload>;

export const AgentDocumentKey = z
  .string()
  .regex(
    /^agent-documents\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'must be the key POST /agent-documents returned',
  );

/**
 * Someone making the request on the subject's behalf. The document is optional here on purpose: a request without one
 * is recorded and denied by the policy step with its reason (`agent_without_authority`), so the refusal is on the
 * record and mailed in words, like every other denial; a key that is malformed or names no upload is a 400.
 */
export const AgentRequest = z
  .object({
    email: Email,
    name: z.string().trim().min(1).max(200),
    authority: AgentAuthority,
    document: AgentDocumentKey.optional(),
  })
  .strict();
export type AgentRequest = z.infer<typeof AgentRequest>;

const common = {
  regulation: Regulation,
  subject: SubjectIdentity,
  relationship: Relationship.optional(),
  controller: z.string().trim().min(1).max(200).optional(),
  agent: AgentRequest.optional(),
};

/**
 * Body of POST /requests, one shape per right. Unknown fields are refused so nothing is silently ignored. Whether an
 * attribute, a purpose or a right is offered by this deployment is checked against the configuration by the use case.
 */
export const SubmitRequestBody = z.discriminatedUnion('type', [
  z
    .object({
      type: z.enum(['access', 'portability', 'categories', 'disclosures', 'deletion', 'limit_sensitive']),
      ...common,
    })
    .strict(),
  z
    .object({
      type: z.literal('correction'),
      ...common,
      corrections: z
        .array(Correction)
        .min(1, 'at least one correction')
        .max(20)
        .refine((list) => new Set(list.map((c) => c.attribute)).size === list.length, 'each attribute at most once'),
    })
    .strict(),
  z.object({ type: z.literal('restriction'), ...common, ground: RestrictionGround.optional() }).strict(),
  z.object({ type: z.enum(['objection', 'opt_out']), ...common, scope: OptOutScope }).strict(),
  z.object({ type: z.literal('withdraw_consent'), ...common, purpose: ConsentPurpose }).strict(),
]);
export type SubmitRequestBody = z.infer<typeof SubmitRequestBody>;

/** An idempotency key chosen by the client; opaque, printable, bounded. */
export const IdempotencyKey = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** Request ids are UUIDs; anything else is "not found", never an error that reveals more. */
export const RequestId = z.uuid();
export type RequestId = z.infer<typeof RequestId>;

/** How each system fared in a request: ids, counts and keys only (this travels in workflow state). */
export const SystemOutcome = z.object({
  systemId: z.string(),
  status: z.enum(['found', 'not_found', 'failed']),
  recordCount: z.number().int().nonnegative(),
  partKey: z.string().optional(),
  error: z.string().optional(),
  /** records the connector could not parse, so could not search */
  unreadable: z.number().int().positive().optional(),
});
export type SystemOutcome = z.infer<typeof SystemOutcome>;

/** How erasure fared in one system (workflow state: counts only). */
export const EraseResult = z.object({
  systemId: z.string(),
  status: z.enum(['erased', 'failed']),
  deleted: z.number().int().nonnegative().default(0),
  anonymized: z.number().int().nonnegative().default(0),
  retained: z.number().int().nonnegative().default(0),
  error: z.string().optional(),
});
export type EraseResult = z.infer<typeof EraseResult>;

/**
 * The request as every delivered document (export, portability archive, statements, change receipt) names it: ids,
 * dates and the right, never the subject. One shape, so a reader of one document can read them all.
 */
export const DocumentRequest = z.object({
  id: z.string(),
  type: RequestType,
  regulation: Regulation,
  receivedAt: z.string(),
  verifiedAt: z.string().optional(),
  dueDate: z.string(),
  generatedAt: z.string(),
});
