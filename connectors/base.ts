import { requireAnonymizationKey } from './anonymize';
import { canonicalJson } from './canonical';
import type { ConnectedSystemConfig, Erasure, FlagField as FlagFieldConfig } from './config';
import type {
  AttributeChange,
  ChangeOutcome,
  Connector,
  EraseOutcome,
  FlagChange,
  IdentityKind,
  Pass,
  ProbeReport,
  SourceRecord,
  VerifiedIdentities,
} from './contract';
import { ConnectorConfigError } from './errors';
import { normalizedIdentities } from './identity';
import { drain } from './pass';
import type { SdkErrorTranslator } from './sdk-errors';

/** What every connector is built with besides its system and its SDK client. */
export interface ConnectorOptions {
  /** key for `hash` anonymisation (HMAC-SHA-256); empty for connectors that only locate */
  anonymizationKey: string;
}

/**
 * The subject as a store searches for them: the verified identities of the kinds this system is searched by,
 * normalised (./identity), at least one of them present. A structural VerifiedIdentities, so `locate(subject)` works.
 */
export type Subject = Readonly<Partial<Record<IdentityKind, string>>>;

/** The fields to write on each of the subject's records: field → value (top-level fields only). */
export type FieldWrites = Readonly<Record<string, unknown>>;

/**
 * What a store reports after writing fields: everything of ChangeOutcome but the refusals, which are decided here from
 * the configuration; a store that finds at write time that it cannot hold a field (a CSV object without that column)
 * names the field in `refusedFields`, and the base turns it back into the attribute or flag that asked for it.
 */
export type WriteOutcome = Omit<ChangeOutcome, 'refused'> & {
  refusedFields?: readonly { field: string; reason: string }[];
};

/** Fixed reasons a change is refused (they reach the answer to the subject and the workflow state: no values). */
export const REFUSED = {
  notMapped: 'this system has no field for it',
  noFlag: 'this system records no such preference',
  noColumn: 'a file of this system has no column for it',
} as const;

/**
 * Whether a record already holds a value: the same JSON meaning (so a DynamoDB `NumberValue` "1" holds 1, and "1" does
 * not). `read` is how the store would read the value back once written (a CSV cell reads back as text).
 */
export function holdsValue(record: SourceRecord, field: string, value: unknown, read = (v: unknown) => v): boolean {
  return Object.hasOwn(record, field) && canonicalJson(record[field]) === canonicalJson(read(value));
}

/** Whether a record already holds every write (then it is `unchanged` and is not rewritten). */
export function holdsAll(record: SourceRecord, writes: FieldWrites, read?: (value: unknown) => unknown): boolean {
  return Object.entries(writes).every(([field, value]) => holdsValue(record, field, value, read));
}

export type AnonymizeErasure = Extract<Erasure, { strategy: 'anonymize' }>;
/** The strategies that change records; `retain` is handled here once, by counting. */
export type ChangingErasure = Exclude<Erasure, { strategy: 'retain' }>;

/**
 * What every connector does the same way, so that a new one only writes what its store needs: reading, deleting,
 * anonymising. Subclasses give the hooks below; the rules of ./contract that do not depend on the store are kept here:
 * - the erasure is checked when the connector is built (a bad configuration fails before any request is touched);
 * - erasing with a keyed-hash field needs the key; an identity that normalises to nothing erases nothing;
 * - `retain` counts the subject's records and writes nothing;
 * - SDK errors are translated at this edge (`call`, `translated`).
 */
export abstract class BaseConnector<S extends ConnectedSystemConfig> implements Connector {
  public readonly systemId: string;
  protected readonly system: S;
  protected readonly anonymizationKey: string;
  /** this store's SDK errors → connector errors (see ./sdk-errors) */
  protected abstract readonly translate: SdkErrorTranslator;

  protected constructor(system: S, options: ConnectorOptions) {
    this.systemId = system.id;
    this.system = system;
    this.anonymizationKey = options.anonymizationKey;
    // hooks called here may only read `system`: a subclass's own fields are not set until this constructor returns
    if (system.erasure.strategy === 'anonymize') this.checkAnonymization(system.erasure);
    this.checkChangeFields();
  }

  public abstract locate(identities: VerifiedIdentities): Pass<SourceRecord>;
  public abstract identities(kind: IdentityKind): Pass<string>;

  /**
   * A store without its own probe is not checked: said as a passing check, so that `dsar check-systems` lists the
   * system without failing on what it cannot know.
   */
  public async probe(): Promise<ProbeReport> {
    return { reachable: true, checks: [{ name: 'probe', ok: true, detail: 'not checked for this type' }] };
  }

  /** Template: the checks every erasure needs, then the store's own `eraseSubject` (or a count for `retain`). */
  public async erase(identities: VerifiedIdentities): Promise<EraseOutcome> {
    const erasure = this.system.erasure;
    requireAnonymizationKey(this.systemId, erasure, this.anonymizationKey);
    const subject = this.subjectOf(identities);
    if (subject === undefined) return { deleted: 0, anonymized: 0, retained: 0, unreadable: 0 };
    if (erasure.strategy !== 'retain') return this.eraseSubject(subject, erasure);
    let retained = 0;
    const { unreadable } = await drain(this.locate(identities), () => {
      retained += 1;
    });
    return { deleted: 0, anonymized: 0, retained, unreadable };
  }

  /**
   * Template: corrections in the subject's terms → the mapped fields (CCPA §7023, GDPR Art. 16); an attribute the
   * system has no field for, or any attribute of a read-only system, is refused with why. Nothing is written when
   * nothing is mapped.
   */
  public async correct(identities: VerifiedIdentities, changes: readonly AttributeChange[]): Promise<ChangeOutcome> {
    const writes: Record<string, unknown> = {};
    const names = new Map<string, string>();
    const refused: ChangeOutcome['refused'] = [];
    for (const change of changes) {
      const correctable = this.system.correctable;
      const field =
        correctable && Object.hasOwn(correctable, change.attribute) ? correctable[change.attribute]?.field : undefined;
      if (this.system.readOnly) refused.push({ name: change.attribute, reason: this.system.readOnly.reason });
      else if (field === undefined) refused.push({ name: change.attribute, reason: REFUSED.notMapped });
      else {
        writes[field] = change.value;
        names.set(field, change.attribute);
      }
    }
    return this.writeFields(identities, writes, names, refused);
  }

  /** Template: flags → the configured preference fields and their `on`/`off` values; the rest refused with why. */
  public async setFlags(identities: VerifiedIdentities, flags: readonly FlagChange[]): Promise<ChangeOutcome> {
    const writes: Record<string, unknown> = {};
    const names = new Map<string, string>();
    const refused: ChangeOutcome['refused'] = [];
    for (const change of flags) {
      const field = this.flagField(change.flag);
      if (this.system.readOnly) refused.push({ name: change.flag, reason: this.system.readOnly.reason });
      else if (field === undefined) refused.push({ name: change.flag, reason: REFUSED.noFlag });
      else {
        writes[field.field] = change.on ? field.on : field.off;
        names.set(field.field, change.flag);
      }
    }
    return this.writeFields(identities, writes, names, refused);
  }

  /** The configured field of a flag (`consent:<purpose>` looks the purpose up in `flags.consent`). */
  protected flagField(flag: FlagChange['flag']): FlagFieldConfig | undefined {
    const flags = this.system.flags;
    if (!flags) return undefined;
    if (flag.startsWith('consent:')) {
      const purpose = flag.slice('consent:'.length);
      return flags.consent && Object.hasOwn(flags.consent, purpose) ? flags.consent[purpose] : undefined;
    }
    const named = flag as Exclude<FlagChange['flag'], `consent:${string}`>;
    // own keys only: a flag named like an Object.prototype member (or `consent` without a purpose) is refused
    if ((named as string) === 'consent' || !Object.hasOwn(flags, named)) return undefined;
    return flags[named];
  }

  private async writeFields(
    identities: VerifiedIdentities,
    writes: FieldWrites,
    names: ReadonlyMap<string, string>,
    refused: ChangeOutcome['refused'],
  ): Promise<ChangeOutcome> {
    const subject = this.subjectOf(identities);
    const none = { matched: 0, changed: 0, unchanged: 0, retained: 0, unreadable: 0 };
    if (subject === undefined) return { ...none, refused };
    if (Object.keys(writes).length === 0) {
      // nothing this system can write: still say how many of the subject's records the refusal concerns
      const { unreadable } = await drain(this.locate(identities), () => {
        none.matched += 1;
      });
      return { ...none, unreadable, refused };
    }
    const { refusedFields = [], ...outcome } = await this.updateSubject(subject, writes);
    const late = refusedFields.map(({ field, reason }) => ({ name: names.get(field) ?? field, reason }));
    return { ...outcome, refused: [...refused, ...late] };
  }

  /**
   * The verified identities this system can be searched by, normalised; undefined when none is usable (an identity that
   * normalises to nothing, or only kinds the system does not hold): then nothing is read, erased or written.
   */
  protected subjectOf(identities: VerifiedIdentities): Subject | undefined {
    const all = normalizedIdentities(identities);
    const subject: Partial<Record<IdentityKind, string>> = {};
    for (const kind of this.searchedKinds()) if (all[kind] !== undefined) subject[kind] = all[kind];
    return Object.keys(subject).length > 0 ? subject : undefined;
  }

  /**
   * Sets `writes` (field → value) on every record of the subject (see Subject), leaving every other field and every
   * other record as it was. Idempotent: a record already holding every value is `unchanged` and is not rewritten. Must
   * check the identity still matches at write time, like `eraseSubject`.
   */
  protected abstract updateSubject(subject: Subject, writes: FieldWrites): Promise<WriteOutcome>;

  /**
   * Corrections and flags may not write the identity field (a changed address must be verified on its own, CCPA
   * §7060; and a record whose identity changed would no longer be found), and no two of them may share a field.
   */
  private checkChangeFields(): void {
    const identities = this.searchedKinds().map((kind) => this.identityField(kind));
    const owners = new Map<string, string>();
    const claim = (field: string, by: string) => {
      if (identities.includes(field))
        throw new ConnectorConfigError(this.systemId, `${by} may not write the identity field '${field}'`);
      this.checkChangeField(field, by);
      const other = owners.get(field);
      if (other !== undefined)
        throw new ConnectorConfigError(this.systemId, `${by} and ${other} both write '${field}'`);
      owners.set(field, by);
    };
    for (const [attribute, { field }] of Object.entries(this.system.correctable ?? {}))
      claim(field, `correctable.${attribute}`);
    const { consent, ...named } = this.system.flags ?? {};
    for (const [flag, config] of Object.entries(named)) if (config) claim(config.field, `flags.${flag}`);
    for (const [purpose, config] of Object.entries(consent ?? {})) claim(config.field, `flags.consent.${purpose}`);
  }

  /**
   * What a store adds to the checks of a correctable or flag field (`by` names it in the configuration): throw a
   * ConnectorConfigError for a field the store could never write. Called from the constructor: read only `system`.
   */
  protected checkChangeField(_field: string, _by: string): void {}

  /**
   * The field (attribute, property, column) holding this identity kind in this system's records; undefined for a kind
   * the system is not searched by. Called from the constructor: read only `system`.
   */
  protected abstract identityField(kind: IdentityKind): string | undefined;

  /** The identity kinds this system is searched by (its configuration's `identity`). Read only `system`. */
  protected abstract searchedKinds(): readonly IdentityKind[];

  /**
   * Deletes or anonymises the records of the subject (see Subject). Must be idempotent and touch nothing else: see
   * ./contract.
   */
  protected abstract eraseSubject(subject: Subject, erasure: ChangingErasure): Promise<EraseOutcome>;

  /**
   * Anonymised records must stop matching, or Confirm would find them again: the field map must cover the identity
   * field. A subclass adds what its store cannot do (calling this first).
   */
  protected checkAnonymization(erasure: AnonymizeErasure): void {
    for (const kind of this.searchedKinds()) {
      const field = this.identityField(kind);
      if (field !== undefined && !Object.hasOwn(erasure.fields, field))
        throw new ConnectorConfigError(this.systemId, `anonymize must cover the identity field '${field}'`);
    }
  }

  /** One SDK call, its errors translated and named by `operation` (never by a key or value: they may be personal data). */
  protected async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.translate(this.systemId, operation, error);
    }
  }

  /** A streamed read (a paginator, a body), its errors translated like `call`'s; items pass one at a time. */
  protected async *translated<T>(operation: string, source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
    try {
      yield* source;
    } catch (error) {
      throw this.translate(this.systemId, operation, error);
    }
  }
}
