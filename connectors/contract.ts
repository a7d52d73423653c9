/**
 * The connector contract. A connector knows one kind of system (a DynamoDB table, JSON Lines objects in S3, …)
 * and is configured for one system by a `SystemConfig`. It is split like the rights it serves:
 * `locate` for access (and to prove what existed before an erasure, and that nothing is left after one),
 * `erase` for deletion, and `identities` to walk a system without knowing whom to look for (re-applying erasures
 * after a restore from backup: each value is hashed and compared with the suppression list).
 *
 * Rules every connector keeps:
 * - it searches only by the identities it is given, and it is given only identities that were verified
 *   (`identities` is the one walk without a subject: its values only ever feed a keyed hash, never an answer);
 * - `locate` and `identities` stream: they never hold a whole table or object in memory;
 * - `erase` is idempotent: run twice, the second run changes nothing (it finds nothing left: zero deleted or
 *   anonymised; records kept under an exemption are counted again);
 * - `erase` touches nothing that is not the subject's;
 * - SDK errors are translated at this edge into the errors of ./errors;
 * - what a pass could not read is returned with that pass (its `PassReport`), never kept on the connector: a
 *   connector may serve several passes at once, and a count left in a field would belong to whichever ran last.
 */

/** Identity kinds a system can be searched by. Only verified values ever reach a connector. */
export type IdentityKind = 'email';
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

export interface Connector {
  readonly systemId: string;
  locate(identities: VerifiedIdentities): Pass<SourceRecord>;
  erase(identities: VerifiedIdentities): Promise<EraseOutcome>;
  /**
   * Every value of this identity kind the system holds, as stored (not normalised), duplicates included; values that
   * are not strings are left out. Reads the identity field only, never whole records: the caller hashes each value
   * and must see nothing else of anybody.
   */
  identities(kind: IdentityKind): Pass<string>;
}
