/**
 * The connector contract. A connector knows one kind of system (a DynamoDB table, JSON Lines objects in S3, …)
 * and is configured for one system by a `SystemConfig`. It is split like the rights it serves:
 * `locate` for access (and to prove what existed before an erasure, and that nothing is left after one),
 * `erase` for deletion, `correct` for rectification (GDPR Art. 16, CCPA §1798.106), `setFlags` for the rights that
 * keep the records but limit their use (restriction Art. 18, objection Art. 21, opt-outs §1798.120, limiting sensitive
 * data §1798.121, withdrawn consent Art. 7(3)), and `identities` to walk a system without knowing whom to look for
 * (re-applying erasures after a restore from backup: each value is hashed and compared with the suppression list).
 *
 * Rules every connector keeps:
 * - it searches only by the identities it is given, and it is given only identities that were verified
 *   (`identities` is the one walk without a subject: its values only ever feed a keyed hash, never an answer);
 * - `locate` and `identities` stream: they never hold a whole table or object in memory;
 * - `erase` is idempotent: run twice, the second run changes nothing (it finds nothing left: zero deleted or
 *   anonymised; records kept under an exemption are counted again);
 * - `erase` touches nothing that is not the subject's;
 * - `correct` and `setFlags` write only the fields the system's configuration maps (`correctable`, `flags`), only on
 *   the subject's records, and are idempotent: run twice, the second run finds every value already set (`unchanged`);
 *   what a system cannot change is `refused` with a fixed reason (never silently skipped);
 * - SDK errors are translated at this edge into the errors of ./errors;
 * - what a pass could not read is returned with that pass (its `PassReport`), never kept on the connector: a
 *   connector may serve several passes at once, and a count left in a field would belong to whichever ran last.
 */

/**
 * Identity kinds a system can be searched by (the systems configuration says which, per system or table). Only verified
 * values ever reach a connector: the email by its link; a phone number, customer id or device id only by resolution
 * (found in a system of record searched with verified identities: functions/resolve-identities).
 */
export type IdentityKind = 'email' | 'phone' | 'customer_id' | 'device_id';
export type VerifiedIdentities = Readonly<Partial<Record<IdentityKind, string>>>;

/** One record as the system holds it (a DynamoDB item, a JSON line, a CSV row as column → value). */
export type SourceRecord = Record<string, unknown>;

export interface EraseOutcome {
  /** records removed */
  deleted: number;
  /** records kept with the configured fields anonymised */
  anonymized: number;
  /**
   * records kept untouched: under the `retain` exemption, or — for `delete` and `anonymize` — because the store refuses
   * to change them (S3 Object Lock), with `retainedReason` saying why; never counted as deleted or anonymised
   */
  retained: number;
  /** why records were kept although the strategy changes them (fixed text, never a key or a value) */
  retainedReason?: string;
  /** records the erasure could not read (see `PassReport`): never matched, so never erased */
  unreadable: number;
}

/**
 * What one pass over a system could not read (malformed lines, rows of the wrong width…): never matched, never changed.
 * Reported on the export and the receipt: what could not be read was not searched, and saying nothing would overstate
 * the answer. Always 0 for stores whose records always parse.
 */
export interface PassReport {
  unreadable: number;
}

/**
 * A streaming pass: yields items one at a time, and RETURNS its report when exhausted (the generator's return value,
 * which `for await` drops: use `drain` or `mapPass` from ./pass, or `yield*`, to keep it).
 * A pass left early (`break`) has no report: it did not read everything.
 */
export type Pass<T> = AsyncGenerator<T, PassReport, undefined>;

/**
 * A preference a system records about its subject, set by the rights that limit use without erasing:
 * `restriction` (GDPR Art. 18), `sale_sharing` (CCPA §1798.120 opt-out of sale/sharing), `marketing` (GDPR Art. 21(2)–(3),
 * CCPA opt-outs of marketing), `profiling` (Art. 21(1), Art. 22; CCPA §7200 ADMT opt-out), `limit_sensitive` (§1798.121),
 * and `consent:<purpose>` (Art. 7(3): consent withdrawn for that purpose).
 */
export type FlagName =
  | 'restriction'
  | 'sale_sharing'
  | 'marketing'
  | 'profiling'
  | 'limit_sensitive'
  | `consent:${string}`;

/** Set a flag (`on: true`: restricted, opted out, consent withdrawn) or clear it (a restriction lifted). */
export interface FlagChange {
  flag: FlagName;
  on: boolean;
}

/** One correction in the subject's terms: an attribute the configuration maps (`correctable`) and its new value. */
export interface AttributeChange {
  attribute: string;
  value: string;
}

/** How `correct` or `setFlags` fared in one system (counts and fixed words only: this reaches workflow state). */
export interface ChangeOutcome {
  /** the subject's records found */
  matched: number;
  /** records written (at least one field had another value) */
  changed: number;
  /** records that already held every value (a re-run, or nothing to change) */
  unchanged: number;
  /** records the store refuses to change (S3 Object Lock), with `retainedReason`; never counted as changed */
  retained: number;
  retainedReason?: string;
  /** records the pass could not read: never matched, never changed */
  unreadable: number;
  /**
   * Requested changes this system cannot make (an attribute or flag it has no field for, a read-only system), by
   * attribute or flag name, with why in fixed words: the answer to the subject says so per system.
   */
  refused: { name: string; reason: string }[];
}

/**
 * One check of a probe: what was checked, whether it passed, and (when not) what to fix. Details and fixes name
 * systems, tables, buckets, indexes and settings only: a probe reads no records and never echoes a value.
 */
export interface ProbeCheck {
  name: string;
  ok: boolean;
  detail?: string;
  fix?: string;
}

/** What `dsar check-systems` reports for a system: whether it answered at all, and each check made. */
export interface ProbeReport {
  reachable: boolean;
  checks: ProbeCheck[];
}

export interface Connector {
  readonly systemId: string;
  locate(identities: VerifiedIdentities): Pass<SourceRecord>;
  erase(identities: VerifiedIdentities): Promise<EraseOutcome>;
  /** Write the mapped fields of `changes` on the subject's records; idempotent, zero collateral. */
  correct(identities: VerifiedIdentities, changes: readonly AttributeChange[]): Promise<ChangeOutcome>;
  /** Write the configured flag fields on the subject's records; idempotent, zero collateral. */
  setFlags(identities: VerifiedIdentities, flags: readonly FlagChange[]): Promise<ChangeOutcome>;
  /**
   * Every value of this identity kind the system holds, as stored (not normalised), duplicates included; values that
   * are not strings are left out. Reads the identity field only, never whole records: the caller hashes each value
   * and must see nothing else of anybody.
   */
  identities(kind: IdentityKind): Pass<string>;
  /** Reachability, credentials, indexes, versioning and permissions, checked without reading or writing any record. */
  probe(): Promise<ProbeReport>;
}
