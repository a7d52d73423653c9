import type { ConnectedSystemConfig, SystemsConfig } from '../../connectors/config';
import { ExportFilter, withheldLine } from '../../connectors/export-filter';
import { NotVerifiedError } from '../core/domain/errors';
import { findConnectedSystem } from '../core/systems';
import type { Connector, PassReport, VerifiedIdentities } from '../../connectors/contract';
import { drain, mapPass } from '../../connectors/pass';
import type { RequestType, SystemOutcome } from '../core/domain/request';
import { toJsonLine } from '../core/domain/json-lines';
import { verifiedIdentities } from '../core/domain/request-record';
import type { DocumentStore, RequestRepository, SystemLeases } from '../core/ports';
import { logger } from '../core/logger';
import { withSystemSlot } from '../core/system-slots';

export type LocatePhase = 'locate' | 'confirm';

import { partKey } from '../core/domain/document-keys';

/**
 * Find the subject's records in one system, by verified identities only.
 * - `locate` for an access request: stream the records into a part object (JSON Lines) for the export, through the
 *   system's export filter (the default deny-list of secrets, and its include/exclude): secrets are withheld here,
 *   before anything is stored, and the part's last line lists the fields withheld (names and reasons, no values).
 * - `locate` for a deletion request: count only — the receipt needs what existed, not a copy of what is being erased.
 * - `confirm`: after erasure, count what is still found; nothing is stored.
 * The workflow state gets the outcome only: ids, counts and the S3 key. Re-running overwrites the same part.
 * The search runs holding one of the system's concurrency slots (SystemBusyError when all are taken).
 */
export class LocateSystem {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly documents: DocumentStore,
    private readonly connectorFor: (systemId: string) => Connector,
    private readonly systems: SystemsConfig,
    private readonly leases: SystemLeases,
  ) {}

  public async execute(requestId: string, systemId: string, phase: LocatePhase): Promise<SystemOutcome> {
    const record = await this.requests.load(requestId);
    if (!record.verified?.email) throw new NotVerifiedError(requestId);
    // the verified address and what resolution found in the systems of record (never anything merely typed)
    const identities: VerifiedIdentities = verifiedIdentities(record);
    if (phase === 'confirm') await this.requests.advance(requestId, 'confirming');
    const system = findConnectedSystem(this.systems, systemId);
    return withSystemSlot(this.leases, system, () => this.search(requestId, system, record.type, identities, phase));
  }

  private async search(
    requestId: string,
    system: ConnectedSystemConfig,
    type: RequestType,
    identities: VerifiedIdentities,
    phase: LocatePhase,
  ): Promise<SystemOutcome> {
    const systemId = system.id;
    const connector = this.connectorFor(systemId);
    let recordCount = 0;
    // what the pass could not read comes back with the pass, once it has read everything
    let report: PassReport = { unreadable: 0 };
    const filter = new ExportFilter(system.export);
    const lines = async function* () {
      // a generator, so the part streams into S3 as the connector yields
      report = yield* mapPass(connector.locate(identities), (found) => {
        recordCount += 1;
        return `${toJsonLine(filter.apply(found))}\n`;
      });
      const withheld = filter.withheld();
      if (withheld.length > 0) yield withheldLine(withheld);
    };
    let key: string | undefined;
    // the rights whose answer carries the records themselves: access (Art. 15) and portability (Art. 20)
    if (phase === 'locate' && (type === 'access' || type === 'portability')) {
      key = partKey(requestId, systemId);
      await this.documents.write(key, lines(), 'application/x-ndjson');
    } else {
      report = await drain(connector.locate(identities), () => {
        recordCount += 1;
      });
    }
    const { unreadable } = report;
    logger.info('system searched', { systemId, phase, recordCount, unreadable, withheld: filter.withheld().length });
    return {
      systemId,
      status: recordCount > 0 ? 'found' : 'not_found',
      recordCount,
      ...(key ? { partKey: key } : {}),
      ...(unreadable > 0 ? { unreadable } : {}),
    };
  }
}
