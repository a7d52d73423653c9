import { anonymizeRecord } from '../../connectors/anonymize';
import {
  BaseConnector,
  type ChangingErasure,
  type FieldWrites,
  holdsAll,
  type Subject,
  type WriteOutcome,
} from '../../connectors/base';
import { type ConnectedSystemConfig as SystemConfig, identityOf } from '../../connectors/config';
import type {
  AttributeChange,
  ChangeOutcome,
  EraseOutcome,
  FlagChange,
  IdentityKind,
  Pass,
  SourceRecord,
  VerifiedIdentities,
} from '../../connectors/contract';
import { ConnectorConfigError, ConnectorUnavailableError } from '../../connectors/errors';
import { isSameIdentity, normalizedIdentity } from '../../connectors/identity';
import { tableIdentity } from '../../connectors/postgres/sql';
import type { SdkErrorTranslator } from '../../connectors/sdk-errors';

/** The connector methods a failure can be injected into. */
export type ConnectorMethod = 'locate' | 'erase' | 'identities' | 'correct' | 'setFlags';

/** A failure to inject: which error, how many calls fail, and (for passes) how many items come first. */
export interface InjectedFailure {
  /** `unavailable`: ConnectorUnavailableError (the workflow retries); `config`: ConnectorConfigError (it does not) */
  error: 'unavailable' | 'config';
  /** only the first N calls fail; every call when absent */
  calls?: number;
  /** items a pass yields before it fails (0 when absent): a failure halfway through a walk */
  after?: number;
}

export interface MemoryConnectorOptions {
  /** the records the system holds; copied, so the caller's array is never changed */
  records?: readonly SourceRecord[];
  /** key for `hash` anonymisation; empty when absent (as for connectors built only to locate) */
  anonymizationKey?: string;
  /** records every pass reports it could not read (a store with malformed lines) */
  unreadable?: number;
  fail?: Partial<Record<ConnectorMethod, InjectedFailure>>;
}

/** SDK errors cannot happen in memory: anything thrown is passed on as it is. */
const untranslated: SdkErrorTranslator = (_systemId, _operation, error) => error;

/**
 * The one in-memory connector for unit tests: a system's records in an array, matched, erased and walked by the same
 * base as the real connectors (erasure checks, key check, identity normalisation, `retain` counting), and passing the
 * same contract suite (test/contract). Any `SystemConfig` will do: only its id, erasure and identity field are used.
 * It records what it was asked, so tests can check a connector only ever receives verified identities.
 */
export class MemoryConnector extends BaseConnector<SystemConfig> {
  /** every call's argument, in order */
  public readonly asked: {
    locate: VerifiedIdentities[];
    erase: VerifiedIdentities[];
    identities: IdentityKind[];
    correct: { identities: VerifiedIdentities; changes: readonly AttributeChange[] }[];
    setFlags: { identities: VerifiedIdentities; flags: readonly FlagChange[] }[];
  } = { locate: [], erase: [], identities: [], correct: [], setFlags: [] };
  protected readonly translate = untranslated;
  private store: SourceRecord[];
  private readonly unreadable: number;
  private readonly failures: Partial<Record<ConnectorMethod, InjectedFailure>>;
  private readonly failed: Record<ConnectorMethod, number> = {
    locate: 0,
    erase: 0,
    identities: 0,
    correct: 0,
    setFlags: 0,
  };

  public constructor(system: SystemConfig, options: MemoryConnectorOptions = {}) {
    super(system, { anonymizationKey: options.anonymizationKey ?? '' });
    this.store = structuredClone([...(options.records ?? [])]);
    this.unreadable = options.unreadable ?? 0;
    this.failures = options.fail ?? {};
  }

  /** What the system holds now (live: tests read it after erasing). */
  public get records(): readonly SourceRecord[] {
    return this.store;
  }

  public locate(identities: VerifiedIdentities): Pass<SourceRecord> {
    this.asked.locate.push(identities);
    const { kind } = this.identity;
    const value = normalizedIdentity(kind, identities[kind]);
    return this.pass('locate', value === undefined ? [] : this.matching(value));
  }

  public identities(kind: IdentityKind): Pass<string> {
    this.asked.identities.push(kind);
    const field = this.identityField(kind);
    return this.pass('identities', field === undefined ? [] : this.values(field));
  }

  public override async erase(identities: VerifiedIdentities): Promise<EraseOutcome> {
    this.asked.erase.push(identities);
    const failure = this.failure('erase');
    if (failure !== undefined) throw failure;
    return super.erase(identities);
  }

  public override async correct(
    identities: VerifiedIdentities,
    changes: readonly AttributeChange[],
  ): Promise<ChangeOutcome> {
    this.asked.correct.push({ identities, changes });
    const failure = this.failure('correct');
    if (failure !== undefined) throw failure;
    return super.correct(identities, changes);
  }

  public override async setFlags(identities: VerifiedIdentities, flags: readonly FlagChange[]): Promise<ChangeOutcome> {
    this.asked.setFlags.push({ identities, flags });
    const failure = this.failure('setFlags');
    if (failure !== undefined) throw failure;
    return super.setFlags(identities, flags);
  }

  protected identityField(kind: IdentityKind): string | undefined {
    const identity = this.identity;
    return identity.kind === kind ? identity.field : undefined;
  }

  protected searchedKinds(): readonly IdentityKind[] {
    return [this.identity.kind];
  }

  /** The one kind this store is searched by, and its field (a Postgres system: its first searched table's). */
  private get identity(): { kind: IdentityKind; field: string } {
    if (this.system.type === 'dynamodb') {
      const { kind, entry } = identityOf(this.system.identity);
      return { kind, field: entry.attribute };
    }
    if (this.system.type === 's3-objects') {
      const { kind, entry } = identityOf(this.system.identity);
      return { kind, field: entry.field };
    }
    if (this.system.type === 'http') {
      const { kind } = identityOf(this.system.identity);
      return { kind, field: this.system.records.identity };
    }
    const table = this.system.tables.find((candidate) => candidate.identity);
    const found = table && tableIdentity(table);
    return found ? { kind: found.kind, field: found.column } : { kind: 'email', field: 'email' };
  }

  /** Whether a record is the subject's (normalised like the real connectors, ../../connectors/identity). */
  private isSubjects(record: SourceRecord, subject: Subject): boolean {
    const { kind, field } = this.identity;
    const value = subject[kind];
    return value !== undefined && isSameIdentity(kind, record[field], value);
  }

  protected async eraseSubject(subject: Subject, erasure: ChangingErasure): Promise<EraseOutcome> {
    const outcome: EraseOutcome = { deleted: 0, anonymized: 0, retained: 0, unreadable: this.unreadable };
    this.store = this.store.flatMap((record) => {
      if (!this.isSubjects(record, subject)) return [record];
      if (erasure.strategy === 'delete') {
        outcome.deleted += 1;
        return [];
      }
      outcome.anonymized += 1;
      return [anonymizeRecord(record, erasure.fields, this.anonymizationKey)];
    });
    return outcome;
  }

  /**
   * Writes each field on the subject's records (a missing field is added, as JSON Lines and DynamoDB do); a record
   * already holding every value (compared like the real connectors: `holdsAll`) is left as it is.
   */
  protected async updateSubject(subject: Subject, writes: FieldWrites): Promise<WriteOutcome> {
    const outcome: WriteOutcome = { matched: 0, changed: 0, unchanged: 0, retained: 0, unreadable: this.unreadable };
    this.store = this.store.map((record) => {
      if (!this.isSubjects(record, subject)) return record;
      outcome.matched += 1;
      if (holdsAll(record, writes)) {
        outcome.unchanged += 1;
        return record;
      }
      outcome.changed += 1;
      return { ...record, ...writes };
    });
    return outcome;
  }

  /** Copies of the subject's records, so a caller cannot change the store through them. */
  private *matching(value: string): Generator<SourceRecord> {
    const { kind, field } = this.identity;
    for (const record of this.store) if (isSameIdentity(kind, record[field], value)) yield structuredClone(record);
  }

  private *values(field: string): Generator<string> {
    for (const record of this.store) {
      const value: unknown = record[field];
      if (typeof value === 'string') yield value;
    }
  }

  /** Streams `items`, failing as injected, and reports the configured unreadable count at the end. */
  private async *pass<T>(method: ConnectorMethod, items: Iterable<T>): Pass<T> {
    const failure = this.failure(method);
    const before = this.failures[method]?.after ?? 0;
    let yielded = 0;
    for (const item of items) {
      if (failure !== undefined && yielded >= before) throw failure;
      yield item;
      yielded += 1;
    }
    if (failure !== undefined) throw failure;
    return { unreadable: this.unreadable };
  }

  /** The error this call must fail with, if any (counting the calls that failed). */
  private failure(method: ConnectorMethod): Error | undefined {
    const injected = this.failures[method];
    if (injected === undefined || (injected.calls !== undefined && this.failed[method] >= injected.calls))
      return undefined;
    this.failed[method] += 1;
    const message = `injected failure of ${method}`;
    return injected.error === 'unavailable'
      ? new ConnectorUnavailableError(this.systemId, message)
      : new ConnectorConfigError(this.systemId, message);
  }
}
