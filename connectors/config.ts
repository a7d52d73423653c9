import { z } from 'zod';

/**
 * The operator's systems configuration: which systems hold personal data, how to find a subject in each,
 * what each holds (for the export's transparency section) and how each is erased.
 * Both the CDK app (grants, bundling) and the local twin read it; it is validated once, here.
 */

const Id = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, starting with a letter');

/** What a system holds: the facts GDPR Art. 15(1) and CCPA §1798.110 require an access response to state. */
export const Holds = z
  .object({
    categories: z.array(z.string().min(1)).min(1),
    purpose: z.string().min(1),
    source: z.string().min(1).optional(),
    recipients: z.array(z.string().min(1)).default([]),
    /** ISO-8601 duration, e.g. P6Y */
    retention: z
      .string()
      .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, 'an ISO-8601 duration such as P6Y or P30D')
      .optional(),
  })
  .strict();
export type Holds = z.infer<typeof Holds>;

/** How one field is anonymised when a record must stay. */
export const FieldAnonymization = z.discriminatedUnion('action', [
  z.object({ action: z.literal('remove') }).strict(),
  z.object({ action: z.literal('replace'), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) }).strict(),
  /** keyed hash (HMAC-SHA-256 with the deployment's anonymisation key): stable across records, not reversible */
  z.object({ action: z.literal('hash') }).strict(),
]);
export type FieldAnonymization = z.infer<typeof FieldAnonymization>;

export const Erasure = z.discriminatedUnion('strategy', [
  z.object({ strategy: z.literal('delete') }).strict(),
  z
    .object({
      strategy: z.literal('anonymize'),
      /** field name → what to do with it; must cover every identity field of the system */
      fields: z
        .record(z.string().min(1), FieldAnonymization)
        .refine((f) => Object.keys(f).length > 0, 'at least one field'),
      reason: z.string().min(1),
    })
    .strict(),
  /** An exemption: records are kept and the receipt says why (legal hold, a retention duty with the law named). */
  z
    .object({
      strategy: z.literal('retain'),
      reason: z.string().min(1),
      law: z.string().min(1).optional(),
    })
    .strict(),
]);
export type Erasure = z.infer<typeof Erasure>;

/**
 * What an access export shows of this system's records, besides the default deny-list of secrets that always applies
 * (see ../connectors/export-filter): `include` keeps only these top-level fields, `exclude` leaves out fields or dotted
 * paths. The export names every field withheld and why.
 */
const ExportRules = z
  .object({
    include: z.array(z.string().min(1)).optional(),
    exclude: z.array(z.string().min(1)).optional(),
  })
  .strict();

/**
 * How many searches or erasures may run against this system at once, across all requests (default
 * DEFAULT_SYSTEM_CONCURRENCY). Each request already bounds its own Map, but without a cap per system 50 verified
 * requests arriving together would put 50 concurrent scans on one database: the pipeline must not become the load
 * spike that takes a source system down. A step that finds every slot taken waits and retries (the workflow's busy
 * rule, infra/workflow/retries.ts); one still busy after that is reported failed as SystemBusyError, never skipped.
 * Raise it for a system that serves indexed lookups cheaply; lower it (down to 1) for one that is scanned.
 */
const Concurrency = z.number().int().min(1).max(100).optional();

/** The slots of a system that declares no `concurrency`. */
export const DEFAULT_SYSTEM_CONCURRENCY = 4;

const DynamoDbSystem = z
  .object({
    id: Id,
    type: z.literal('dynamodb'),
    table: z.string().min(3).max(255),
    /** the table's primary key attribute names (needed to delete by key) */
    key: z.object({ partition: z.string().min(1), sort: z.string().min(1).optional() }).strict(),
    /** where each verified identity kind lives; `index` names a GSI whose partition key is that attribute */
    identity: z
      .object({ email: z.object({ attribute: z.string().min(1), index: z.string().min(1).optional() }).strict() })
      .strict(),
    /**
     * Without an index the subject is found by a Scan of the whole table: above this many items (DescribeTable's
     * ItemCount) the table is not scanned and the system is reported failed with the reason. Default 1,000,000.
     */
    scanCeiling: z.number().int().nonnegative().optional(),
    concurrency: Concurrency,
    holds: Holds,
    erasure: Erasure,
    export: ExportRules.optional(),
  })
  .strict();

const S3ObjectsSystem = z
  .object({
    id: Id,
    type: z.literal('s3-objects'),
    bucket: z.string().min(3).max(63),
    prefix: z.string().default(''),
    format: z.enum(['jsonl', 'csv']),
    /**
     * The bucket keeps versions (S3 Versioning enabled or suspended): every version is read and erased by its id, and
     * Object Lock is honoured (see the connector). Declared, not detected: detection would need
     * s3:GetBucketVersioning on every bucket and a call per cold start, and the operator knows; leaving it off on a
     * versioned bucket leaves old versions behind, so say so in the configuration review.
     */
    versioned: z.boolean().optional(),
    /** which field of a line (JSON property or CSV column) holds each identity kind */
    identity: z.object({ email: z.object({ field: z.string().min(1) }).strict() }).strict(),
    concurrency: Concurrency,
    holds: Holds,
    erasure: Erasure,
    export: ExportRules.optional(),
  })
  .strict();

export const SystemConfig = z.discriminatedUnion('type', [DynamoDbSystem, S3ObjectsSystem]);
export type SystemConfig = z.infer<typeof SystemConfig>;
export type DynamoDbSystemConfig = z.infer<typeof DynamoDbSystem>;
export type S3ObjectsSystemConfig = z.infer<typeof S3ObjectsSystem>;

export const SystemsConfig = z
  .object({
    version: z.literal(1),
    /** How long backups of these systems live: stated on every deletion receipt. */
    backups: z.object({ retentionDays: z.number().int().positive() }).strict().optional(),
    systems: z.array(SystemConfig).min(1),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.systems.forEach((system, i) => {
      if (seen.has(system.id))
        ctx.addIssue({ code: 'custom', path: ['systems', i, 'id'], message: `duplicate system id ${system.id}` });
      seen.add(system.id);
    });
  });
export type SystemsConfig = z.infer<typeof SystemsConfig>;
