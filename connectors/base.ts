import { requireAnonymizationKey } from './anonymize';
import type { Erasure, SystemConfig } from './config';
import type { Connector, EraseOutcome, IdentityKind, Pass, SourceRecord, VerifiedIdentities } from './contract';
import { ConnectorConfigError } from './errors';
import { normalizedEmail } from './identity';
import { drain } from './pass';
import type { SdkErrorTranslator } from './sdk-errors';

/** What every connector is built with besides its system and its SDK client. */
export interface ConnectorOptions {
  /** key for `hash` anonymisation (HMAC-SHA-256); empty for connectors that only locate */
  anonymizationKey: string;
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
export abstract class BaseConnector<S extends SystemConfig> implements Connector {
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
  }

  public abstract locate(identities: VerifiedIdentities): Pass<SourceRecord>;
  public abstract identities(kind: IdentityKind): Pass<string>;

  /** Template: the checks every erasure needs, then the store's own `eraseSubject` (or a count for `retain`). */
  public async erase(identities: VerifiedIdentities): Promise<EraseOutcome> {
    const erasure = this.system.erasure;
    requireAnonymizationKey(this.systemId, erasure, this.anonymizationKey);
    const email = normalizedEmail(identities);
    if (email === undefined) return { deleted: 0, anonymized: 0, retained: 0, unreadable: 0 };
    if (erasure.strategy !== 'retain') return this.eraseSubject(email, erasure);
    let retained = 0;
    const { unreadable } = await drain(this.locate(identities), () => {
      retained += 1;
    });
    return { deleted: 0, anonymized: 0, retained, unreadable };
  }

  /** The field (attribute, property, column) holding this identity kind in this system's records. */
  protected abstract identityField(kind: IdentityKind): string;

  /**
   * Deletes or anonymises the records of the subject (`email` is normalised, never empty). Must be idempotent and
   * touch nothing else: see ./contract.
   */
  protected abstract eraseSubject(email: string, erasure: ChangingErasure): Promise<EraseOutcome>;

  /**
   * Anonymised records must stop matching, or Confirm would find them again: the field map must cover the identity
   * field. A subclass adds what its store cannot do (calling this first).
   */
  protected checkAnonymization(erasure: AnonymizeErasure): void {
    const field = this.identityField('email');
    if (!Object.hasOwn(erasure.fields, field)) {
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
