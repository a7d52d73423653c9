import { z } from 'zod';
import { DocumentRequest } from './request';

/**
 * The portable export (GDPR Art. 15 and 20, CCPA §1798.110/.130): one JSON document per request.
 * Versioned; its JSON Schema (generated from this) is `schemas/dsar-export.v1.schema.json`.
 * A new field is a minor change; renaming or removing one is a new `version`.
 */
/**
 * The window a system's records were answered for, and how many fell outside it (counts only: never which records).
 * See functions/core/policy/lookback.ts for when a window applies (CCPA §1798.130(a)(2)(B)).
 */
export const Lookback = z.object({
  from: z.iso.date().describe('records dated on or after this day (UTC) are included'),
  period: z.string().describe('the period before the request the answer covers (ISO-8601, e.g. P12M)'),
  source: z.string().describe("where the period comes from: the company's policy, or the statute"),
  outside: z
    .number()
    .int()
    .nonnegative()
    .describe('records dated before `from`: found, counted in recordCount, not included'),
  undated: z.number().int().nonnegative().describe('records whose date could not be read: included all the same'),
});

export const SystemSection = z.object({
  id: z.string().describe('stable id of the system, from the systems configuration'),
  status: z
    .enum(['found', 'not_found', 'failed'])
    .describe('failed: the system could not be searched; its records may be missing'),
  recordCount: z
    .number()
    .int()
    .nonnegative()
    .describe('records found about the subject (with a lookback, `lookback.outside` of them are not in `records`)'),
  categories: z.array(z.string()).describe('categories of personal data the system holds'),
  purpose: z.string().describe('why the system holds it'),
  source: z.string().optional().describe('where the data came from'),
  recipients: z.array(z.string()).describe('categories of recipients it is disclosed to'),
  retention: z.string().optional().describe('how long it is kept (ISO-8601 duration)'),
  error: z.string().optional().describe('for failed systems: the kind of failure'),
  unreadableRecords: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('records the system holds that could not be parsed, so could not be searched'),
  records: z
    .array(z.record(z.string(), z.unknown()))
    .describe('the records, as the system holds them, without the fields listed in `withheld`'),
  withheld: z
    .array(z.object({ field: z.string(), reason: z.enum(['secret', 'excluded by configuration']) }))
    .describe(
      'fields left out of the records (names only): secrets such as passwords, tokens and MFA seeds are never exported, and the configuration may exclude more',
    ),
  lookback: Lookback.optional().describe(
    "present when the answer covers a period before the request (a CCPA answer under a company's lookback) and the system dates its records: `records` then holds those dated on or after `from`, and records without a readable date",
  ),
});

export const ExportDocument = z.object({
  format: z.literal('dsar-export'),
  version: z.literal(1),
  request: DocumentRequest,
  subject: z
    .object({
      email: z.string(),
      identities: z
        .array(
          z.object({
            kind: z.enum(['phone', 'customer_id', 'device_id']),
            value: z.string(),
            from: z.string().describe('the system of record whose records about the subject held it'),
          }),
        )
        .optional()
        .describe('the identities found by resolution, which searched the systems keyed by them'),
    })
    .describe('the verified identity the search used, and those resolution found'),
  systems: z.array(SystemSection),
  summary: z.object({
    systems: z.number().int().nonnegative(),
    withRecords: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    records: z.number().int().nonnegative(),
    complete: z
      .boolean()
      .describe('false when any system failed or held records it could not read: the export is then partial'),
    needsReview: z
      .boolean()
      .describe('true when a person must look before the answer can be called complete (see reviewReasons)'),
    reviewReasons: z
      .array(z.object({ system: z.string(), reason: z.string() }))
      .describe('per system, why the answer needs review (e.g. records that could not be read, so were not searched)'),
  }),
});
export type ExportDocument = z.infer<typeof ExportDocument>;
