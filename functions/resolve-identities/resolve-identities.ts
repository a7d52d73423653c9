import {
  connectedSystems,
  type ConnectedSystemConfig,
  systemIdentityKinds,
  type SystemsConfig,
} from '../../connectors/config';
import type { Connector, IdentityKind, SourceRecord, VerifiedIdentities } from '../../connectors/contract';
import { normalizedIdentity } from '../../connectors/identity';
import { drain } from '../../connectors/pass';
import { changeIdentity, CHANGE_TYPES } from '../core/domain/change-result';
import { NotVerifiedError } from '../core/domain/errors';
import { verifiedIdentities, type RequestRecord } from '../core/domain/request-record';
import { logger } from '../core/logger';
import type { RequestRepository, SystemLeases } from '../core/ports';
import { withSystemSlot } from '../core/system-slots';

/** What the workflow state gets: kinds and counts, never a value. */
export interface ResolveOutcome {
  /** the kinds now known for the subject besides the address */
  kinds: IdentityKind[];
  /** kinds a system of record held more than one value of: not used */
  ambiguous: IdentityKind[];
  /** systems of record searched */
  searched: number;
}

/** Resolution chains (a customer id found by email can find a device id): at most this many rounds. */
const MAX_ROUNDS = 3;

/** The rights answered from the data map alone: no system is searched, nothing to resolve. */
const STATEMENTS: ReadonlySet<RequestRecord['type']> = new Set(['categories', 'disclosures']);

/**
 * Before any system is searched or changed: find the subject's other identities in the systems of record (`resolves`
 * in the systems configuration). A system of record is searched with the identities already verified — at first the
 * address proven by its link — and the configured fields of the subject's own records give a phone number, a customer
 * id or a device id, which then count as verified and reach the systems searched by that kind (clickstream keyed by
 * customer id). Only values from the subject's records, and only one distinct value per kind: two customer ids for one
 * address are ambiguous and neither is used (a wrong id would disclose or erase somebody else's records).
 *
 * Nothing the requester typed is used beyond the address (a phone number they give is not verified by this), and the
 * values stay on the request record (forgotten with it); the workflow gets kinds and counts only. A system of record
 * that cannot be searched fails this step after its retries, and the request needs attention: searching the other
 * systems without the identities it holds would answer "nothing found" where the truth is "not searched".
 * Re-entrant: a re-run resolves again from the same records and writes the same fields.
 */
export class ResolveIdentities {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly connectorFor: (systemId: string) => Connector,
    private readonly systems: SystemsConfig,
    private readonly leases: SystemLeases,
  ) {}

  public async execute(requestId: string): Promise<ResolveOutcome> {
    const record = await this.requests.load(requestId);
    const none: ResolveOutcome = { kinds: [], ambiguous: [], searched: 0 };
    const resolvers = connectedSystems(this.systems).filter((s) => s.resolves !== undefined);
    if (STATEMENTS.has(record.type) || resolvers.length === 0) return none;
    const known: Partial<Record<IdentityKind, string>> = { ...this.startingIdentities(record) };
    // a re-run (a deletion retried after its system of record was erased) keeps what the first run found
    const sources = (record.identitySources ?? []).filter(({ kind }) => known[kind] !== undefined);
    const ambiguous = new Set<IdentityKind>();
    const searched = new Set<string>();
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const ready = resolvers.filter(
        (system) => !searched.has(system.id) && systemIdentityKinds(system).some((kind) => known[kind] !== undefined),
      );
      if (ready.length === 0) break;
      for (const system of ready) {
        searched.add(system.id);
        const found = await this.valuesIn(system, known);
        for (const [kind, values] of found) {
          if (known[kind] !== undefined || ambiguous.has(kind)) continue;
          if (values.size > 1) {
            ambiguous.add(kind);
            continue;
          }
          const [value] = values;
          if (value === undefined) continue;
          known[kind] = value;
          sources.push({ kind, from: system.id });
        }
      }
    }
    const resolved = Object.fromEntries(sources.map(({ kind }) => [kind, known[kind]]));
    await this.requests.update(requestId, {
      verified: { ...record.verified, ...resolved },
      identitySources: sources,
      ...(ambiguous.size > 0 ? { ambiguousIdentities: [...ambiguous] } : {}),
    });
    const outcome = { kinds: sources.map((s) => s.kind), ambiguous: [...ambiguous], searched: searched.size };
    logger.info('identities resolved', { ...outcome });
    return outcome;
  }

  /**
   * Where resolution starts: the link-verified identities; for a change that needs no verification (an opt-out of
   * sale/sharing), the identifier it is bound to.
   */
  private startingIdentities(record: RequestRecord): VerifiedIdentities {
    if (CHANGE_TYPES.has(record.type)) return verifiedIdentities(record, changeIdentity(record));
    if (!record.verified?.email) throw new NotVerifiedError(record.requestId);
    return verifiedIdentities(record);
  }

  /** The distinct normalised values of each resolvable kind on the subject's records in `system`. */
  private async valuesIn(
    system: ConnectedSystemConfig,
    identities: VerifiedIdentities,
  ): Promise<Map<IdentityKind, Set<string>>> {
    const fields = Object.entries(system.resolves ?? {}).flatMap(([kind, rule]) =>
      rule ? [{ kind: kind as IdentityKind, ...fieldOf(system, rule.field) }] : [],
    );
    const found = new Map<IdentityKind, Set<string>>(fields.map(({ kind }) => [kind, new Set<string>()]));
    const connector = this.connectorFor(system.id);
    await withSystemSlot(this.leases, system, () =>
      drain(connector.locate(identities), (record: SourceRecord) => {
        for (const { kind, table, field } of fields) {
          if (table !== undefined && record._table !== table) continue;
          const value = normalizedIdentity(kind, record[field]);
          if (value !== undefined) found.get(kind)?.add(value);
        }
      }),
    );
    return found;
  }
}

/** A resolving field: a top-level field, or for Postgres `table.column` (records carry their table in `_table`). */
function fieldOf(system: ConnectedSystemConfig, field: string): { table?: string; field: string } {
  if (system.type !== 'postgres') return { field };
  const [table = '', column = ''] = field.split('.');
  return { table, field: column };
}
