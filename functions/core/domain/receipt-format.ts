import { z } from 'zod';
import { DocumentRequest, Regulation } from './request';

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

/** The identities beyond the address the systems were searched by, and the system of record each came from (no values). */
export const SearchedBy = z
  .array(z.object({ kind: z.enum(['email', 'phone', 'customer_id', 'device_id']), from: z.string() }))
  .optional()
  .describe('identities found by resolution in a system of record (kinds only: the receipt keeps no values)');

/** What a recipient answered to a notice, or what became of it. */
export const NOTICE_ANSWER = z
  .enum(['found', 'done', 'not_held', 'exception', 'timed_out', 'not_sent', 'failed'])
  .describe(
    'found (a manual system sent records) | done | not_held (held nothing) | exception (see reason) | ' +
      'timed_out (no answer by the deadline) | ' +
      'not_sent (no contact configured) | failed (the notice could not be sent)',
  );

/** A recipient's line on a receipt: its name in the data map, its answer, when, and the reason of an exception. */
export const NoticeLine = z.object({
  recipient: z.string().describe("the recipient's name in the data map"),
  answer: NOTICE_ANSWER,
  answeredAt: z.string().optional(),
  reason: z.string().optional().describe("the recipient's reason for an exception"),
});
export type NoticeLine = z.infer<typeof NoticeLine>;

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
    searchedBy: SearchedBy,
  }),
  systems: z.array(ReceiptSystem),
  notices: z
    .array(NoticeLine)
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

/** A recipient's answer to the notice of this request (infra/workflow/notices.ts writes them as `$.notices`). */
export const NoticeAnswer = z.object({
  recipientId: z.string(),
  answer: NOTICE_ANSWER,
});
export type NoticeAnswer = z.infer<typeof NoticeAnswer>;

/** One system's line on a change receipt: counts and fixed words, never a value (the subject knows what they asked). */
export const ChangeReceiptSystem = z.object({
  id: z.string(),
  outcome: z
    .enum(['changed', 'unchanged', 'nothing_found', 'not_recorded', 'refused', 'failed'])
    .describe(
      'changed: records written; unchanged: every value was already set; nothing_found: no record of the subject; ' +
        'not_recorded: the system holds the subject but records none of what was asked (no such field or preference); ' +
        'refused: the system holds the subject but cannot be changed (e.g. read-only): its owner is to make the change; ' +
        'failed: it could not be reached',
    ),
  matched: z.number().int().nonnegative().describe("the subject's records found"),
  changed: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  retained: z.number().int().nonnegative().describe('records the store refused to change (a storage lock)'),
  retainedReason: z.string().optional(),
  unreadable: z.number().int().nonnegative().describe('records that could not be read, so were not changed'),
  refused: z
    .array(z.object({ name: z.string(), reason: z.string() }))
    .describe('what was asked that this system cannot change (attribute or preference), and why'),
  owner: z
    .object({ name: z.string(), toBeTold: z.literal(true) })
    .optional()
    .describe("the system's owner, to be told to make by hand what the pipeline could not"),
  error: z.string().optional().describe('the error name when the system failed'),
});
export type ChangeReceiptSystem = z.infer<typeof ChangeReceiptSystem>;

/**
 * The change receipt: what a correction (GDPR Art. 16, CCPA §1798.106) or a preference right (restriction Art. 18,
 * objection Art. 21, opt-outs §1798.120, limiting sensitive information §1798.121, withdrawn consent Art. 7(3)) did in
 * every system, and which recipients were told (Art. 19). Versioned; JSON Schema
 * `schemas/dsar-change-receipt.v1.schema.json`. It names what was asked by attribute and preference names only: the
 * corrected values are the subject's own and stay out of a document kept for accountability.
 */
export const ChangeReceipt = z.object({
  format: z.literal('dsar-change-receipt'),
  version: z.literal(1),
  request: DocumentRequest,
  right: z.object({
    description: z.string().describe('the right exercised, in the words of the mails'),
    attributes: z.array(z.string()).describe('the attributes asked to be corrected (names only)'),
    flags: z
      .array(z.string())
      .describe(
        'the preferences set: restriction, sale_sharing, marketing, profiling, limit_sensitive, consent:<purpose>',
      ),
  }),
  subject: z.object({
    maskedEmail: z.string(),
    keyedHash: z.string().describe('HMAC-SHA-256 of the address under the deployment key'),
    searchedBy: SearchedBy,
  }),
  systems: z.array(ChangeReceiptSystem),
  notices: z.array(NoticeLine).describe('the recipients told of the change (GDPR Art. 19) and their answers'),
  summary: z.object({
    systems: z.number().int().nonnegative(),
    changed: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    nothingFound: z.number().int().nonnegative(),
    notRecorded: z.number().int().nonnegative(),
    refused: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    records: z.object({
      matched: z.number().int().nonnegative(),
      changed: z.number().int().nonnegative(),
      unchanged: z.number().int().nonnegative(),
      retained: z.number().int().nonnegative(),
    }),
    complete: z
      .boolean()
      .describe(
        'true only if no system failed or refused, something asked was applied wherever the subject was found, and nothing needs review',
      ),
    needsReview: z.boolean().describe('records that could not be read, or that a storage lock kept unchanged'),
    reviewReasons: z.array(z.object({ system: z.string(), reason: z.string() })),
  }),
});
export type ChangeReceipt = z.infer<typeof ChangeReceipt>;
