import {
  type ConnectedSystemConfig,
  connectedSystems,
  systemIdentityKinds,
  type SystemsConfig,
} from '../../connectors/config';
import type { Connector, EraseOutcome, IdentityKind, VerifiedIdentities } from '../../connectors/contract';
import type { ConnectorFor } from '../core/connectors';
import { identityHash } from '../core/domain/keyed-hash';
import { logger } from '../core/logger';
import type { SuppressionList } from '../core/ports';

/** What re-applying did in one system: counts and names only, never an identity. */
export interface SystemReapplyResult {
  systemId: string;
  /** identity values read from the system (duplicates and every spelling counted) */
  scanned: number;
  /** distinct suppressed identities found (spellings of one address that differ in case or spaces count once) */
  matched: number;
  deleted: number;
  anonymized: number;
  retained: number;
  /** why the system was not walked (an exemption, or nothing on the list) */
  skipped?: string;
  /** the error's name when the system failed; the other systems still ran */
  error?: string;
}

export interface ReapplyReport {
  /** hashes on the suppression list */
  suppressed: number;
  systems: SystemReapplyResult[];
}

export interface ReapplyDeletionsDeps {
  suppression: SuppressionList;
  systems: SystemsConfig;
  connectorFor: ConnectorFor;
  /** the deployment's key for identity hashes; also the anonymisation key the erasure uses, as in EraseSystem */
  hashKey: () => Promise<string>;
}

/**
 * Re-apply every erasure after a restore from backup. A restored system holds again the people erased since the backup
 * was taken; the suppression list remembers them only as keyed hashes (no plain identity is kept), so each system is
 * walked, every identity it holds is hashed, and those on the list are erased again with the system's configured
 * strategy.
 *
 * Per system, two passes: first the walk, collecting the matches, then one erase per match. Erasing during the walk
 * would rewrite the very S3 object being read, and delete items under a Scan's cursor. The matches are held in memory
 * for that moment only; they are never written, returned or logged.
 *
 * Systems kept under an exemption (`retain`) are not walked: their records stay, whoever's they are.
 * A failing system is reported by its error's name and the others still run; re-running finishes the job.
 * Idempotent: a second run finds no suppressed identity left and erases nothing.
 */
export class ReapplyDeletions {
  public constructor(private readonly deps: ReapplyDeletionsDeps) {}

  public async execute(): Promise<ReapplyReport> {
    const suppressed = new Set<string>();
    for await (const hash of this.deps.suppression.all()) suppressed.add(hash);
    const key = await this.deps.hashKey();
    logger.info('re-applying deletions', { suppressed: suppressed.size, systems: this.deps.systems.systems.length });

    const systems: SystemReapplyResult[] = [];
    // manual systems restore their own backups: their owners were told of each deletion, this walk cannot reach them
    for (const system of connectedSystems(this.deps.systems)) systems.push(await this.reapply(system, suppressed, key));
    return { suppressed: suppressed.size, systems };
  }

  private async reapply(
    system: ConnectedSystemConfig,
    suppressed: ReadonlySet<string>,
    key: string,
  ): Promise<SystemReapplyResult> {
    const result: SystemReapplyResult = {
      systemId: system.id,
      scanned: 0,
      matched: 0,
      deleted: 0,
      anonymized: 0,
      retained: 0,
    };
    if (system.erasure.strategy === 'retain') {
      result.skipped = `exempt from erasure: ${system.erasure.reason}`;
      logger.info('system skipped', { systemId: system.id, reason: 'retain' });
      return result;
    }
    if (suppressed.size === 0) {
      result.skipped = 'the suppression list is empty';
      return result;
    }
    try {
      const connector = this.deps.connectorFor(system.id, key);
      const matches: VerifiedIdentities[] = [];
      // each kind the system is searched by: a system keyed by customer id is re-erased by the suppressed ids
      for (const kind of systemIdentityKinds(system))
        for (const value of await this.walk(connector, kind, suppressed, key, result)) matches.push({ [kind]: value });
      let unchanged = 0;
      for (const identities of matches) {
        const outcome = await connector.erase(identities);
        add(result, outcome);
        if (outcome.deleted + outcome.anonymized + outcome.retained === 0) unchanged += 1;
      }
      if (unchanged > 0) {
        // the walk saw these identities but erase found nothing of theirs: gone meanwhile, or a lookup that cannot see
        // the stored spelling (a DynamoDB index matches exactly and only finds lower-cased addresses)
        logger.warn('suppressed identities found but not erased', { systemId: system.id, count: unchanged });
      }
      logger.info('system re-applied', { ...result });
    } catch (error) {
      result.error = error instanceof Error ? error.name : 'Error';
      logger.error('system failed', { systemId: system.id, errorName: result.error });
    }
    return result;
  }

  /** One value per suppressed identity the system holds (the first spelling seen: connectors normalise it anyway). */
  private async walk(
    connector: Connector,
    kind: IdentityKind,
    suppressed: ReadonlySet<string>,
    key: string,
    result: SystemReapplyResult,
  ): Promise<string[]> {
    const matches = new Map<string, string>();
    for await (const value of connector.identities(kind)) {
      result.scanned += 1;
      if (value.trim() === '') continue;
      const hash = identityHash(key, kind, value);
      if (!suppressed.has(hash) || matches.has(hash)) continue;
      matches.set(hash, value);
      result.matched = matches.size;
    }
    return [...matches.values()];
  }
}

function add(result: SystemReapplyResult, outcome: EraseOutcome): void {
  result.deleted += outcome.deleted;
  result.anonymized += outcome.anonymized;
  result.retained += outcome.retained;
}
