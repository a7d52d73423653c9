import { z } from 'zod';
import { isSecretField } from './export-filter';
import { withPresets } from './http/presets';

/**
 * The operator's systems configuration: which systems hold personal data, how to find a subject in each,
 * what each holds (for the export's transparency section) and how each is erased.
 * Both the CDK app (grants, bundling) and the local twin read it; it is validated once, here.
 */

const Id = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, starting with a letter');

/** An ISO-8601 duration of years, months, weeks or days, e.g. P6Y or P14D. */
export const IsoDuration = z
  .string()
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, 'an ISO-8601 duration such as P6Y or P30D');

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The kinds of identity a system can be searched by (connectors/contract.ts IdentityKind). */
export const IdentityKindName = z.enum(['email', 'phone', 'customer_id', 'device_id']);

/**
 * Where a system (or a Postgres table) holds the identity it is searched by: exactly one kind, e.g.
 * `{ "email": { "attribute": "email", "index": "byEmail" } }` or `{ "customer_id": { "field": "customerId" } }`.
 * A system searched by a kind other than email is reached only once that kind is known for the subject: from a system
 * of record that `resolves` it (see Resolves).
 */
function oneIdentity<T extends z.ZodType>(entry: T) {
  return z
    .object({
      email: entry.optional(),
      phone: entry.optional(),
      customer_id: entry.optional(),
      device_id: entry.optional(),
    })
    .strict()
    .refine(
      (identity) => Object.values(identity).filter((v) => v !== undefined).length === 1,
      'name exactly one identity kind: email, phone, customer_id or device_id',
    );
}

/** The one kind an `identity` names, and its entry. */
export function identityOf<E>(identity: Partial<Record<z.infer<typeof IdentityKindName>, E>>): {
  kind: z.infer<typeof IdentityKindName>;
  entry: E;
} {
  for (const kind of IdentityKindName.options) {
    const entry = identity[kind];
    if (entry !== undefined) return { kind, entry };
  }
  // unreachable for a parsed configuration (oneIdentity); typed so no caller has to check
  throw new TypeError('an identity names no kind');
}

/**
 * A system of record: once the subject is found here by a verified identity, these fields of their records give the
 * subject's other identities (a customer id, a phone number), which then count as verified and search the systems keyed
 * by them. Only values found on the subject's own records, and only one distinct value per kind (two different customer
 * ids for one address are ambiguous: neither is used, and the answer says so).
 */
const Resolves = z
  .object({
    phone: z
      .object({ field: z.string().min(1) })
      .strict()
      .optional(),
    customer_id: z
      .object({ field: z.string().min(1) })
      .strict()
      .optional(),
    device_id: z
      .object({ field: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict()
  .refine(
    (r) => Object.values(r).some((v) => v !== undefined),
    'name at least one kind: phone, customer_id, device_id',
  );

/** A field of a record: a top-level attribute, property or column (corrections and flags never write inside values). */
const FieldName = z.string().min(1).max(255);

/**
 * The rights after which recipients are told what was done (GDPR Art. 19; CCPA §1798.105(c)(1) and §1798.106(c),
 * §7023(i), §7026(f)(2)): the request types that change or limit records.
 */
export const NoticeRight = z.enum([
  'deletion',
  'correction',
  'restriction',
  'objection',
  'opt_out',
  'limit_sensitive',
  'withdraw_consent',
]);
export type NoticeRight = z.infer<typeof NoticeRight>;

/** How a recipient or a system's owner is reached: an email, or an HMAC-signed webhook whose key is a named secret. */
export const Contact = z.union([
  z.object({ email: z.email() }).strict(),
  z
    .object({
      webhook: z
        .object({
          url: z.url({ protocol: /^https?$/ }),
          /** the name of the secret holding the HMAC key (Secrets Manager in the cloud; the twin's own in local runs) */
          secret: z.string().min(1).max(512),
        })
        .strict(),
    })
    .strict(),
]);
export type Contact = z.infer<typeof Contact>;

/**
 * Someone the company discloses personal data to: the data map's recipients. Serves three answers:
 * - `categories` (CCPA §1798.110(c), §1798.115): categories disclosed, sold or shared, and to which categories of
 *   recipients (`category`, `role`, `categories`, `sold`, `shared`);
 * - `disclosures` (Cal. Civ. Code §1798.83, "Shine the Light"): third parties given personal information for their own
 *   direct marketing in the preceding calendar year, with names and addresses (`directMarketing`, `name`, `address`);
 * - notices after a change (GDPR Art. 19, CCPA §1798.105(c)): `notify` (absent: nobody is told, and the receipt says the
 *   recipient has no contact), for the rights in `notifyOf`, answered within `answerWithin`.
 */
export const Recipient = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, starting with a letter'),
    name: z.string().min(1).max(200),
    /** processor (GDPR Art. 28) / service provider or contractor (CCPA §1798.140(ag), (j)) / third party */
    role: z.enum(['processor', 'service_provider', 'contractor', 'third_party']),
    /** the category of recipient as a subject is told it, e.g. "payment processors" */
    category: z.string().min(1),
    /** postal or business address (Shine the Light requires it for direct-marketing recipients) */
    address: z.string().min(1).optional(),
    /** categories of personal information disclosed to it */
    categories: z.array(z.string().min(1)).default([]),
    purpose: z.string().min(1).optional(),
    /** CCPA §1798.140(ad): personal information sold to it */
    sold: z.boolean().default(false),
    /** CCPA §1798.140(ah): shared with it for cross-context behavioural advertising */
    shared: z.boolean().default(false),
    /** disclosed to it for its own direct marketing (Civ. Code §1798.83), from (and until) these dates */
    directMarketing: z
      .object({
        categories: z.array(z.string().min(1)).min(1),
        from: z.iso.date(),
        until: z.iso.date().optional(),
      })
      .strict()
      .optional(),
    notify: Contact.optional(),
    notifyOf: z.array(NoticeRight).default([...NoticeRight.options]),
    /**
     * how long the workflow waits for its answer before recording a timeout (default P14D); unlike a retention period it
     * may be given in hours, minutes or seconds too (PT12H, PT30S: a test, a same-day processor agreement)
     */
    answerWithin: z
      .string()
      .regex(
        /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/,
        'an ISO-8601 duration such as P14D or PT12H',
      )
      .default('P14D'),
  })
  .strict();
export type Recipient = z.infer<typeof Recipient>;

/**
 * A preference field: what a system writes when the flag is set (`on`) and when it is cleared (`off`), e.g.
 * `{ "field": "marketingOptIn", "on": false, "off": true }`.
 */
export const FlagField = z.object({ field: FieldName, on: Scalar, off: Scalar }).strict();
export type FlagField = z.infer<typeof FlagField>;

/** The preference fields a system records (see FlagName in ./contract). A system without one is `refused` for it. */
export const Flags = z
  .object({
    restriction: FlagField.optional(),
    sale_sharing: FlagField.optional(),
    marketing: FlagField.optional(),
    profiling: FlagField.optional(),
    limit_sensitive: FlagField.optional(),
    /** purpose → its consent field (Art. 7(3)): withdrawing writes `on` */
    consent: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/), FlagField).optional(),
  })
  .strict();
export type Flags = z.infer<typeof Flags>;

/** A correctable attribute in the subject's terms: `name`, `postal_address`, `phone`, … */
export const AttributeName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lowercase letters, digits and underscores, starting with a letter');

/**
 * Per-system rules for the rights that change records without erasing them.
 * - `correctable`: attribute → the field holding it; a correction writes only these (CCPA §7023, GDPR Art. 16). An
 *   identity field is never correctable (a changed address must be verified on its own: CCPA §7060).
 * - `flags`: the preference fields (./contract FlagName).
 * - `readOnly`: the system cannot be changed by the pipeline (an append-only ledger, a vendor's UI): every correction
 *   and flag is refused with this reason, and its `owner` (if any) is told instead.
 */
const Changes = {
  correctable: z.record(AttributeName, z.object({ field: FieldName }).strict()).optional(),
  flags: Flags.optional(),
  readOnly: z
    .object({ reason: z.string().min(1) })
    .strict()
    .optional(),
  /** who answers for the system (a team, a vendor): told when a change must be made by hand */
  owner: z
    .object({ name: z.string().min(1), contact: Contact })
    .strict()
    .optional(),
  /**
   * GDPR Art. 20: the fields the subject provided (or their activity generated: WP29 WP242 rev.01 counts observed data),
   * in a portability export; `all` for every field; absent, the system is not part of a portability export.
   */
  portability: z
    .object({ provided: z.union([z.literal('all'), z.array(FieldName).min(1)]) })
    .strict()
    .optional(),
};

/** What a system holds: the facts GDPR Art. 15(1) and CCPA §1798.110 require an access response to state. */
export const Holds = z
  .object({
    categories: z.array(z.string().min(1)).min(1),
    purpose: z.string().min(1),
    source: z.string().min(1).optional(),
    recipients: z.array(z.string().min(1)).default([]),
    /** ISO-8601 duration, e.g. P6Y */
    retention: IsoDuration.optional(),
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
 * Where a record says when it was made (or last collected): the field an access answer's lookback reads (a company's
 * profile may promise answers covering only a period before the request, e.g. CCPA §1798.130(a)(2)(B)'s 12 months; see
 * functions/core/policy/lookback.ts). Either the field's name, whose values are ISO-8601 dates or date-times
 * (`2024-03-01`, `2024-03-01T10:00:00Z`, `2024-03-01 10:00:00+00`; without an offset the time is read as UTC), or
 * `{ "field": "created", "format": "epoch_seconds" | "epoch_millis" | "iso" }` for Unix times (numbers, or digit
 * strings as CSV holds them). A top-level field only. A record whose value is missing or not of that form is kept in
 * the answer and counted as undated: a lookback never drops a record whose date it cannot read. Deletion ignores it.
 */
export const RecordDate = z
  .union([
    FieldName,
    z.object({ field: FieldName, format: z.enum(['iso', 'epoch_seconds', 'epoch_millis']).default('iso') }).strict(),
  ])
  .transform((value) => (typeof value === 'string' ? { field: value, format: 'iso' as const } : value));
export type RecordDate = z.output<typeof RecordDate>;

/**
 * The record-date field must reach the export: a part holds only what the export filter lets through (secrets, the
 * system's `exclude`, fields outside its `include` are withheld at the search), and a field withheld there could not
 * be read at assembly — every record would be undated, the lookback silently off.
 */
function checkRecordDate(
  recordDate: RecordDate | undefined,
  rules: z.infer<typeof ExportRules> | undefined,
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  // zod still runs refinements over a value whose fields failed (then untransformed): check only what parsed
  const name: unknown = typeof recordDate === 'string' ? recordDate : recordDate?.field;
  if (typeof name !== 'string' || name === '') return;
  const field = name.toLowerCase();
  const listed = (list: unknown) => Array.isArray(list) && list.some((f) => String(f).toLowerCase() === field);
  let why: string | undefined;
  if (isSecretField(name)) why = 'its name looks like a secret, which exports always withhold';
  else if (listed(rules?.exclude)) why = 'export.exclude withholds it';
  else if (rules?.include !== undefined && !listed(rules.include)) why = 'export.include does not list it';
  if (why !== undefined)
    ctx.addIssue({ code: 'custom', path, message: `the record-date field ${name} must reach the export, but ${why}` });
}

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
    /** where the identity it is searched by lives; `index` names a GSI whose partition key is that attribute */
    identity: oneIdentity(z.object({ attribute: z.string().min(1), index: z.string().min(1).optional() }).strict()),
    resolves: Resolves.optional(),
    /**
     * Without an index the subject is found by a Scan of the whole table: above this many items (DescribeTable's
     * ItemCount) the table is not scanned and the system is reported failed with the reason. Default 1,000,000.
     */
    scanCeiling: z.number().int().nonnegative().optional(),
    concurrency: Concurrency,
    holds: Holds,
    erasure: Erasure,
    export: ExportRules.optional(),
    /** the field giving each record's date, for a lookback (see RecordDate) */
    recordDate: RecordDate.optional(),
    ...Changes,
  })
  .strict()
  .superRefine((system, ctx) => checkRecordDate(system.recordDate, system.export, ['recordDate'], ctx));

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
    /** which field of a line (JSON property or CSV column) holds the identity it is searched by */
    identity: oneIdentity(z.object({ field: z.string().min(1) }).strict()),
    resolves: Resolves.optional(),
    concurrency: Concurrency,
    holds: Holds,
    erasure: Erasure,
    export: ExportRules.optional(),
    /** the field giving each record's date, for a lookback (see RecordDate) */
    recordDate: RecordDate.optional(),
    ...Changes,
  })
  .strict()
  .superRefine((system, ctx) => checkRecordDate(system.recordDate, system.export, ['recordDate'], ctx));

/** A Postgres identifier as written unquoted (it is still quoted in every statement): no value ever becomes SQL. */
const SqlName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, 'a Postgres name: letters, digits, _ or $, starting with a letter or _');

/** Where a Postgres system is: a host with its credentials (cloud), or a server the local twin names (PGlite). */
const PostgresConnection = z.union([
  z
    .object({
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65535).default(5432),
      database: SqlName,
      user: SqlName,
      /** `secret`: a Secrets Manager secret (ARN or name) holding the password, plain or as RDS's JSON `password`;
       * `iam`: an RDS IAM authentication token (the role needs rds-db:connect on `resourceId`/`user`) */
      auth: z.union([
        z.object({ secret: z.string().min(1).max(2048) }).strict(),
        z
          .object({
            iam: z
              .object({
                region: z.string().min(1),
                /** the cluster's or instance's resource id (db-… / cluster-…), for the rds-db:connect grant */
                resourceId: z.string().regex(/^(db|cluster)-[A-Za-z0-9]+$/, 'an RDS resource id: db-… or cluster-…'),
              })
              .strict(),
          })
          .strict(),
      ]),
      /** TLS: `verify-full` checks the server certificate (RDS CAs: set NODE_EXTRA_CA_CERTS); `require` only encrypts */
      ssl: z.enum(['verify-full', 'require']).default('verify-full'),
      /** the function reaches the database inside its VPC: these subnets and security groups */
      vpc: z
        .object({
          subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/)).min(1),
          securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]+$/)).min(1),
        })
        .strict()
        .optional(),
    })
    .strict(),
  /** a database server of the local twin, by name (its address is given to the functions by the twin) */
  z
    .object({ local: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a local server name: lowercase letters, digits, -') })
    .strict(),
]);

/**
 * One table of a Postgres system. A table with `identity` is searched by it; a table reached through `relations` holds
 * records linked to the subject by a foreign key (orders → order_items) and is found through its parent.
 */
const PostgresTable = z
  .object({
    name: SqlName,
    schema: SqlName.default('public'),
    /** the primary key columns: an anonymised row is rewritten by its key */
    key: z.array(SqlName).min(1),
    identity: oneIdentity(z.object({ column: SqlName }).strict()).optional(),
    /** tables whose `column` holds this table's `references` column (a foreign key): found and erased with it */
    relations: z.array(z.object({ table: SqlName, column: SqlName, references: SqlName }).strict()).default([]),
    /** this table's strategy; absent, the system's `erasure` */
    erasure: Erasure.optional(),
    /** the column giving each row's date, for a lookback (see RecordDate); each table declares its own */
    recordDate: RecordDate.optional(),
  })
  .strict();

const PostgresSystem = z
  .object({
    id: Id,
    type: z.literal('postgres'),
    connection: PostgresConnection,
    tables: z.array(PostgresTable).min(1),
    /** fields are `table.column` */
    resolves: Resolves.optional(),
    concurrency: Concurrency,
    holds: Holds,
    /** the system's strategy (what the receipt states), and every table's that does not name its own */
    erasure: Erasure,
    export: ExportRules.optional(),
    ...Changes,
  })
  .strict()
  .superRefine((system, ctx) => checkPostgresTables(system, ctx));

type PostgresSystemShape = z.infer<typeof PostgresSystem>;

/** Which strategies a linked table may have under its parent's, so that Confirm finds exactly what is meant to stay. */
const CHILD_STRATEGIES: Readonly<Record<Erasure['strategy'], readonly Erasure['strategy'][]>> = {
  // a retained or anonymised child would hold a foreign key to a deleted row
  delete: ['delete'],
  // once the parent no longer matches, a kept child is no longer found: it must be deleted or anonymised itself
  anonymize: ['delete', 'anonymize'],
  // an anonymised child of a kept parent is still found through it, so it would look not erased
  retain: ['delete', 'retain'],
};

/** The relations must form trees hanging from tables with an identity, and the strategies must fit along them. */
function checkPostgresTables(system: PostgresSystemShape, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const byName = new Map<string, number>();
  system.tables.forEach((table, i) => {
    checkRecordDate(table.recordDate, system.export, ['tables', i, 'recordDate'], ctx);
    if (byName.has(table.name)) issue(['tables', i, 'name'], `duplicate table ${table.name}`);
    byName.set(table.name, i);
  });
  if (!system.tables.some((table) => table.identity))
    issue(['tables'], 'at least one table needs an identity column (the others are found through relations)');
  const parentOf = new Map<string, string>();
  system.tables.forEach((table, i) => {
    table.relations.forEach((relation, r) => {
      const path = ['tables', i, 'relations', r, 'table'];
      const child = byName.get(relation.table);
      const other = parentOf.get(relation.table);
      if (child === undefined) issue(path, `table ${relation.table} is not configured`);
      else if (system.tables[child]?.identity)
        issue(path, `table ${relation.table} has its own identity column: it cannot also be linked`);
      else if (other !== undefined) issue(path, `table ${relation.table} is already linked to ${other}`);
      else parentOf.set(relation.table, table.name);
    });
  });
  const strategy = (name: string) => (system.tables[byName.get(name) ?? -1]?.erasure ?? system.erasure).strategy;
  system.tables.forEach((table, i) => {
    if (!table.identity && !parentOf.has(table.name))
      issue(['tables', i], `table ${table.name} has no identity column and no table links to it`);
    const seen = new Set<string>([table.name]);
    for (let up = parentOf.get(table.name); up !== undefined; up = parentOf.get(up)) {
      if (seen.has(up)) {
        issue(['tables', i], `the relations of table ${table.name} form a cycle`);
        break;
      }
      seen.add(up);
    }
    const parent = parentOf.get(table.name);
    if (parent !== undefined && !CHILD_STRATEGIES[strategy(parent)].includes(strategy(table.name)))
      issue(
        ['tables', i, 'erasure'],
        `table ${table.name} is linked to ${parent} (${strategy(parent)}): it may only be ${CHILD_STRATEGIES[strategy(parent)].join(' or ')}`,
      );
  });
}

/**
 * A request template of a declarative HTTP system. Text may hold `{identity}` (the verified value searched by),
 * `{identity|md5lower}` (its lower-cased MD5, Mailchimp's member id), `{record.<path>}` (a field of the record being
 * erased or changed) and `{vars.<name>}` (the system's `vars`); nothing else is interpolated, and every value is
 * percent-encoded where it lands in a path or a query (a `../x` or `?a=b` value stays one segment).
 */
const HttpTemplate = z
  .string()
  .max(2000)
  .refine(
    (text) =>
      [...text.matchAll(/\{([^}]*)\}/g)].every(([, name = '']) =>
        /^(identity(\|md5lower)?|record\.[A-Za-z0-9_.]+|vars\.[A-Za-z0-9_]+)$/.test(name),
      ),
    'placeholders are {identity}, {identity|md5lower}, {record.<field>} and {vars.<name>}',
  );

const HttpRequest = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    path: HttpTemplate.refine((p) => p.startsWith('/'), 'a path starting with /'),
    query: z.record(z.string().min(1), HttpTemplate).optional(),
  })
  .strict();
export type HttpRequest = z.infer<typeof HttpRequest>;

/** A dotted path into a JSON body (`data`, `exact_matches.members`); empty for the body itself. */
const JsonPath = z.string().regex(/^([A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)?$/, 'a dotted path such as data or a.b');

/**
 * A system reached over HTTP — a SaaS API — described as validated configuration (README "Adding an HTTP system"):
 * how to look the subject up per identity kind, where the records are in a response and how the pages follow, how a
 * record is deleted (one request or a sequence) and updated, the rate limit and retries. Three presets describe real
 * APIs (./http/presets.ts: stripe, zendesk, mailchimp). Every record a lookup returns is checked again against the
 * identity (searches are often fuzzy): only exact matches are the subject's.
 */
const HttpSystem = z
  .object({
    id: Id,
    type: z.literal('http'),
    preset: z.enum(['stripe', 'zendesk', 'mailchimp']).optional(),
    /** an https URL; or a local fake the twin starts (its URL comes from the twin) */
    baseUrl: z.union([
      z.url({ protocol: /^https$/ }),
      z.object({ local: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a local server name') }).strict(),
    ]),
    auth: z
      .object({
        /** a Secrets Manager secret (name or ARN) holding the API key (basic: `user:password`) */
        secret: z.string().min(1).max(2048),
        scheme: z.enum(['bearer', 'basic', 'header']),
        /** the header carrying the key as it is, for `scheme: header` */
        header: z
          .string()
          .regex(/^[A-Za-z0-9-]+$/)
          .optional(),
      })
      .strict()
      .refine((a) => a.scheme !== 'header' || a.header !== undefined, 'scheme header needs `header`'),
    /** values for `{vars.<name>}` (a list id, an account) */
    vars: z.record(z.string().regex(/^[A-Za-z0-9_]+$/), z.string().max(200)).default({}),
    identity: oneIdentity(z.object({ lookup: HttpRequest }).strict()),
    /** fields are dotted paths into a record */
    resolves: Resolves.optional(),
    /** every record, for re-applying deletions after a restore (walks the identity field only) */
    list: HttpRequest.optional(),
    records: z
      .object({
        /** where a lookup's records are: a list, or with `''` the body is one record (404: none) */
        path: JsonPath,
        id: JsonPath,
        /** the field holding the identity searched by (checked on every record) */
        identity: JsonPath,
        /** where the `list` request's records are, when not at `path` */
        listPath: JsonPath.optional(),
      })
      .strict(),
    pagination: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('none') }).strict(),
        /** Stripe: `param=<last record id>` while `hasMore` is true */
        z.object({ type: z.literal('cursor'), param: z.string().min(1), hasMore: JsonPath }).strict(),
        /** Zendesk: the absolute URL at `next` (same origin only) until it is null */
        z.object({ type: z.literal('next-url'), next: JsonPath }).strict(),
        /** Mailchimp: `offsetParam` grows by the page until `total` */
        z
          .object({
            type: z.literal('offset'),
            offsetParam: z.string().min(1),
            countParam: z.string().min(1),
            total: JsonPath,
          })
          .strict(),
      ])
      .default({ type: 'none' }),
    /** a subject with more pages than this is a failure with that reason, never a silent truncation */
    maxPages: z.number().int().min(1).max(10_000).default(100),
    erase: z
      .object({
        /** the requests that delete one record, in order (a 404 means already gone) */
        delete: z.array(HttpRequest).min(1).optional(),
      })
      .strict()
      .default({}),
    /** the request writing fields on one record (corrections, flags, anonymisation), its body form-encoded or JSON */
    update: HttpRequest.extend({
      encoding: z.enum(['json', 'form']),
      /** JSON bodies wrapped in this property (Zendesk: `user`) */
      wrap: z
        .string()
        .regex(/^[A-Za-z0-9_]+$/)
        .optional(),
    })
      .strict()
      .optional(),
    rateLimit: z
      .object({ perSecond: z.number().positive().max(1000) })
      .strict()
      .default({ perSecond: 10 }),
    retries: z
      .object({
        /** attempts per request on 429, 5xx and network errors */
        attempts: z.number().int().min(1).max(10).default(4),
        /** the longest `Retry-After` honoured within one invocation (longer: the workflow retries later) */
        maxWaitSeconds: z.number().int().min(0).max(120).default(30),
      })
      .strict()
      .default({ attempts: 4, maxWaitSeconds: 30 }),
    concurrency: Concurrency,
    holds: Holds,
    erasure: Erasure,
    export: ExportRules.optional(),
    /** the field giving each record's date, for a lookback (see RecordDate) */
    recordDate: RecordDate.optional(),
    ...Changes,
  })
  .strict()
  .superRefine((system, ctx) => {
    checkRecordDate(system.recordDate, system.export, ['recordDate'], ctx);
    if (system.erasure.strategy === 'delete' && system.erase.delete === undefined)
      ctx.addIssue({ code: 'custom', path: ['erase', 'delete'], message: 'a deleting system needs erase.delete' });
    const writes =
      system.erasure.strategy === 'anonymize' ||
      Object.keys(system.correctable ?? {}).length > 0 ||
      Object.keys(system.flags ?? {}).length > 0;
    if (writes && system.update === undefined)
      ctx.addIssue({ code: 'custom', path: ['update'], message: 'corrections, flags or anonymisation need `update`' });
  });

/**
 * A system only a person can reach (a vendor without an API, a filing cabinet, a team's spreadsheet): the pipeline has no
 * connector for it. Its `owner` is sent a notice for every request that concerns it — find and send the records
 * (access, portability), erase them as `erasure` says, make the change — with a single-use link to answer (found, with
 * the records uploaded as JSON or CSV; not held; done; an exception with its reason) within `answerWithin`. The answer,
 * or its absence, is stated on the export or the receipt, and a request is never complete without one (GDPR Art. 15,
 * 17, 19 hold for the records wherever they are).
 */
const ManualSystem = z
  .object({
    id: Id,
    type: z.literal('manual'),
    /** what the owner is asked to look in, as they know it ("the Brighton office's member files") */
    description: z.string().min(1).max(500),
    owner: z.object({ name: z.string().min(1), contact: Contact }).strict(),
    /** how long the workflow waits for the owner's answer (ISO-8601, default P14D) */
    answerWithin: Recipient.shape.answerWithin,
    /** the largest upload of records the owner may send for an access request (bytes, default 1 MiB) */
    maxUploadBytes: z
      .number()
      .int()
      .min(1024)
      .max(5 * 1024 * 1024)
      .default(1024 * 1024),
    holds: Holds,
    /** what the owner is asked to do for a deletion (the receipt states it with their answer) */
    erasure: Erasure,
    correctable: Changes.correctable,
    flags: Changes.flags,
    portability: Changes.portability,
  })
  .strict();

/** A system the pipeline reaches itself, through a connector. */
export const ConnectedSystemConfig = z.discriminatedUnion('type', [
  DynamoDbSystem,
  S3ObjectsSystem,
  PostgresSystem,
  HttpSystem,
]);
export type ConnectedSystemConfig = z.infer<typeof ConnectedSystemConfig>;

export const SystemConfig = z.discriminatedUnion('type', [...ConnectedSystemConfig.options, ManualSystem]);
export type SystemConfig = z.infer<typeof SystemConfig>;
export type DynamoDbSystemConfig = z.infer<typeof DynamoDbSystem>;
export type S3ObjectsSystemConfig = z.infer<typeof S3ObjectsSystem>;
export type PostgresSystemConfig = z.infer<typeof PostgresSystem>;
export type PostgresTableConfig = z.infer<typeof PostgresTable>;
export type HttpSystemConfig = z.infer<typeof HttpSystem>;
export type ManualSystemConfig = z.infer<typeof ManualSystem>;

/** The systems searched and changed through connectors (manual ones are asked through notices instead). */
export function connectedSystems(config: Pick<SystemsConfig, 'systems'>): ConnectedSystemConfig[] {
  return config.systems.filter((s): s is ConnectedSystemConfig => s.type !== 'manual');
}

/** The identity kinds a connected system is searched by (a Postgres system: each searched table's). */
export function systemIdentityKinds(system: ConnectedSystemConfig): z.infer<typeof IdentityKindName>[] {
  if (system.type === 'dynamodb') return [identityOf(system.identity).kind];
  if (system.type === 's3-objects') return [identityOf(system.identity).kind];
  if (system.type === 'http') return [identityOf(system.identity).kind];
  const kinds = system.tables.flatMap((table) => (table.identity ? [identityOf(table.identity).kind] : []));
  return [...new Set(kinds)];
}

/** The systems only a person can reach. */
export function manualSystems(config: Pick<SystemsConfig, 'systems'>): ManualSystemConfig[] {
  return config.systems.filter((s): s is ManualSystemConfig => s.type === 'manual');
}

export const SystemsConfig = z.preprocess(
  withPresets,
  z
    .object({
      version: z.literal(1),
      /** How long backups of these systems live: stated on every deletion receipt. */
      backups: z.object({ retentionDays: z.number().int().positive() }).strict().optional(),
      systems: z.array(SystemConfig).min(1),
      /** the data map's recipients (see Recipient); a system's `holds.recipients` may name them by id */
      recipients: z.array(Recipient).optional(),
    })
    .strict()
    .superRefine((config, ctx) => {
      const seen = new Set<string>();
      config.systems.forEach((system, i) => {
        if (seen.has(system.id))
          ctx.addIssue({ code: 'custom', path: ['systems', i, 'id'], message: `duplicate system id ${system.id}` });
        seen.add(system.id);
      });
      const recipients = new Set<string>();
      (config.recipients ?? []).forEach((recipient, i) => {
        if (recipients.has(recipient.id))
          ctx.addIssue({
            code: 'custom',
            path: ['recipients', i, 'id'],
            message: `duplicate recipient id ${recipient.id}`,
          });
        recipients.add(recipient.id);
      });
    }),
);
export type SystemsConfig = z.infer<typeof SystemsConfig>;
