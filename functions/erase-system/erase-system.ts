import type { SystemsConfig } from '../../connectors/config';
import type { ConnectorFor } from '../core/connectors';
import { NotVerifiedError, WrongRequestTypeError } from '../core/domain/errors';
import { IDENTITY_KINDS, normalizedIdentity } from '../../connectors/identity';
import { identityHash } from '../core/domain/keyed-hash';
import { verifiedIdentities } from '../core/domain/request-record';
import type { EraseResult } from '../core/domain/request';
import type { RequestRepository, SuppressionList, SystemLeases } from '../core/ports';
import { logger } from '../core/logger';
import { withSystemSlot } from '../core/system-slots';
import { findConnectedSystem } from '../core/systems';

/**
 * Erase the subject from one system with its configured strategy (delete, anonymise, or keep under an exemption).
 * The identity goes on the suppression list first, so even an erasure cut short is re-applied after a restore.
 * Idempotent: the connectors' erase is, and re-adding a hash to the list changes nothing.
 * The erasure runs holding one of the system's concurrency slots (SystemBusyError when all are taken; the identity is
 * on the suppression list by then, which is harmless: the retry adds it again).
 */
export class EraseSystem {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly suppression: SuppressionList,
    private readonly connectorFor: ConnectorFor,
    private readonly hashKey: () => Promise<string>,
    private readonly systems: SystemsConfig,
    private readonly leases: SystemLeases,
  ) {}

  public async execute(requestId: string, systemId: string): Promise<EraseResult> {
    const record = await this.requests.load(requestId);
    const email = record.verified?.email;
    if (!email) throw new NotVerifiedError(requestId);
    if (record.type !== 'deletion') throw new WrongRequestTypeError(requestId, 'deletion');
    await this.requests.advance(requestId, 'erasing');

    const key = await this.hashKey();
    // every identity the erasure searches by goes on the suppression list first, as its keyed hash: a restore of any
    // system, whatever kind it is keyed by, is re-erased (reapply-deletions hashes each kind the same way)
    const identities = verifiedIdentities(record);
    for (const kind of IDENTITY_KINDS) {
      const value = normalizedIdentity(kind, identities[kind]);
      if (value !== undefined) await this.suppression.add(identityHash(key, kind, value), requestId);
    }
    const connector = this.connectorFor(systemId, key);
    const { unreadable, ...outcome } = await withSystemSlot(
      this.leases,
      findConnectedSystem(this.systems, systemId),
      () => connector.erase(identities),
    );
    logger.info('system erased', { systemId, ...outcome, unreadable });
    // the workflow state keeps its shape: what could not be read is reported by the confirming search
    return { systemId, status: 'erased', ...outcome };
  }
}
