import { z } from 'zod';
import { Regulation } from './request';

/**
 * The deletion receipt: proof of what was found, erased, anonymised or kept (and why) in every system, and that a
 * second search found nothing left. Versioned; JSON Schema `schemas/dsar-deletion-receipt.v1.schema.json`.
 * It names the subject only by a masked address and a keyed hash: a receipt kept for accountability
 * does not itself keep the identity that was erased.
 */
export const ReceiptSystem = z.object({
  id: z.string(),
  strategy: z.enum(['delete', 'anonymize', 'retain']),
  outcome: z
    .enum(['erased', 'anonymized', 'retained', 'nothing_found', 'failed'])
    .describe('failed: the system could not be searched or erased, or still held records afterwards'),
  found: z
    .object({ status: z.enum(['found', 'not_found', 'failed']), records: z.number().int().nonnegative() })
    .describe('before erasure'),
  erased: z
    .object({
      status: z.enum(['erased', 'failed']),
      deleted: z.number().int(),
      anonymized: z.number().int(),
      retained: z.number().int(),
      error: z.string().optional(),
    })
    .describe('what the erasure did'),
  confirmed: z
    .object({
      status: z.enum(['found', 'not_found', 'failed']),
      remaining: z.number().int().nonnegative(),
      expected: z.number().int().nonnegative(),
      unreadable: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('records that could not be parsed, so were neither erased nor checked'),
    })
    .describe('a second search after erasure: `remaining` must equal `expected` (0 unless records are retained)'),
  retention: z
    .object({ reason: z.string(), law: z.string().optional() })
    .optional()
    .describe('why records were kept or anonymised rather than deleted'),
  categories: z.array(z.string()),
  recipients: z.array(z.string()).describe('recipients of this data, who are to be told of the erasure'),
});
export type ReceiptSystem = z.infer<typeof ReceiptSystem>;

export const DeletionReceipt = z.object({
  format: z.literal('dsar-deletion-receipt'),
  version: z.literal(1),
  request: z.object({
    id: z.string(),
    regulation: Regulation,
    receivedAt: z.string(),
    verifiedAt: z.string().optional(),
    dueDate: z.string(),
    generatedAt: z.string(),
  }),
  subject: z.object({
    maskedEmail: z.string(),
    keyedHash: z
      .string()
      .describe(
        'HMAC-SHA-256 of the verified address under the deployment key; the suppression list holds the same value',
      ),
  }),
  systems: z.array(ReceiptSystem),
  notices: z
    .array(
      z.object({
        recipient: z.string().describe("the recipient's name in the data map"),
        answer: z
          .enum(['done', 'not_held', 'exception', 'timed_out', 'not_sent', 'failed'])
          .describe(
            'done | not_held (held nothing) | exception (see reason) | timed_out (no answer by the deadline) | not_sent (no contact configured) | failed (the notice could not be sent)',
          ),
        answeredAt: z.string().optional(),
        reason: z.string().optional().describe("the recipient's reason for an exception"),
      }),
    )
    .optional()
    .describe('recipients told of the erasure (GDPR Art. 19, CCPA §1798.105(c)) and what each answered'),
  backups: z.object({
    retentionDays: z.number().int().nonnegative().optional(),
    statement: z.string(),
  }),
  summary: z.object({
    systems: z.number().int().nonnegative(),
    erased: z.number().int().nonnegative(),
    anonymized: z.number().int().nonnegative(),
    retained: z.number().int().nonnegative(),
    nothingFound: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    records: z.object({
      found: z.number().int(),
      deleted: z.number().int(),
      anonymized: z.number().int(),
      retained: z.number().int(),
      remaining: z.number().int(),
    }),
    complete: z.boolean().describe('true only if every system confirmed the expected count and nothing needs review'),
    needsReview: z
      .boolean()
      .describe(
        'true when a person must look before the erasure can be called complete: records that could not be read, or that a storage lock kept',
      ),
    reviewReasons: z
      .array(z.object({ system: z.string(), reason: z.string() }))
      .describe('per system, why the erasure needs review'),
  }),
});
export type DeletionReceipt = z.infer<typeof DeletionReceipt>;
