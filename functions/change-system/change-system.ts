import type { SystemsConfig } from '../../connectors/config';
import type { ChangeOutcome } from '../../connectors/contract';
import type { ConnectorFor } from '../core/connectors';
import { type ChangeResult, changeIdentity, requestedFlags } from '../core/domain/change-result';
import { RequestIncompleteError, WrongRequestTypeError } from '../core/domain/errors';
import { type RequestRecord, verifiedIdentities } from '../core/domain/request-record';
import type { RequestRepository, SystemLeases } from '../core/ports';
import { logger } from '../core/logger';
import { withSystemSlot } from '../core/system-slots';
import { findConnectedSystem } from '../core/systems';

/**
 * Make one system's change for a correction (GDPR Art. 16, CCPA §1798.106: `connector.correct` with the record's
 * corrections) or a flag right (restriction, objection, opt-outs, limiting sensitive data, withdrawn consent:
 * `connector.setFlags` with the flag set on). The corrections are read from the request record here and never pass
 * through workflow state (they are personal data); the result is counts and fixed words.
 *
 * Idempotent as the connectors are (a re-run finds every value set: `unchanged`). Runs holding one of the system's
 * concurrency slots, like erasure (SystemBusyError when all are taken: retried by the workflow).
 */
export class ChangeSystem {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly connectorFor: ConnectorFor,
    private readonly systems: SystemsConfig,
    private readonly leases: SystemLeases,
  ) {}

  public async execute(requestId: string, systemId: string): Promise<ChangeResult> {
    const record = await this.requests.load(requestId);
    const identities = verifiedIdentities(record, changeIdentity(record));
    const change = this.changeFor(record);
    const connector = this.connectorFor(systemId);
    const outcome: ChangeOutcome = await withSystemSlot(this.leases, findConnectedSystem(this.systems, systemId), () =>
      change.kind === 'correct'
        ? connector.correct(identities, change.corrections)
        : connector.setFlags(
            identities,
            change.flags.map((flag) => ({ flag, on: true })),
          ),
    );
    logger.info('system changed', {
      systemId,
      kind: change.kind,
      matched: outcome.matched,
      changed: outcome.changed,
      unchanged: outcome.unchanged,
      retained: outcome.retained,
      unreadable: outcome.unreadable,
      refused: outcome.refused.length,
    });
    return {
      systemId,
      status: 'changed',
      matched: outcome.matched,
      changed: outcome.changed,
      unchanged: outcome.unchanged,
      retained: outcome.retained,
      ...(outcome.retainedReason ? { retainedReason: outcome.retainedReason } : {}),
      unreadable: outcome.unreadable,
      refused: outcome.refused,
    };
  }

  private changeFor(
    record: RequestRecord,
  ):
    | { kind: 'correct'; corrections: { attribute: string; value: string }[] }
    | { kind: 'flag'; flags: ReturnType<typeof requestedFlags> } {
    if (record.type === 'correction') {
      if (!record.corrections?.length) throw new RequestIncompleteError(record.requestId, 'corrections');
      // the note is for the people who review a contested correction, not for the systems
      return { kind: 'correct', corrections: record.corrections.map(({ attribute, value }) => ({ attribute, value })) };
    }
    const flags = requestedFlags(record);
    if (flags.length === 0) throw new WrongRequestTypeError(record.requestId, 'correction or preference');
    return { kind: 'flag', flags };
  }
}
