import { z } from 'zod';

/** The rights a data subject can exercise. The workflow branches on this. */
export const RequestType = z.enum(['access', 'deletion']);
export type RequestType = z.infer<typeof RequestType>;

/** The law the request is made under: it sets the statutory clock. */
export const Regulation = z.enum(['gdpr', 'ccpa']);
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

/** Body of POST /requests. Unknown fields are refused so nothing is silently ignored. */
export const SubmitRequestBody = z
  .object({
    type: RequestType,
    regulation: Regulation,
    subject: SubjectIdentity,
  })
  .strict();
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
