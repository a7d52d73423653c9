import type { SystemConfig } from '../../connectors/config';
import { OBJECT_LOCK_REASON } from '../../connectors/s3-objects/versions';
import type { ReceiptSystem } from '../core/domain/receipt-format';
import type { EraseResult, SystemOutcome } from '../core/domain/request';

/**
 * One system's line on the receipt, judged from the three workflow steps. A system passes only when the second
 * search finds exactly what is meant to remain (nothing, unless records are kept under an exemption);
 * anything else — a failed step, records left behind — is `failed`, never `erased`.
 */
export function receiptLine(
  system: SystemConfig,
  located?: SystemOutcome,
  erased?: EraseResult,
  confirmed?: SystemOutcome,
): ReceiptSystem {
  const strategy = system.erasure.strategy;
  const found = { status: located?.status ?? 'failed', records: located?.recordCount ?? 0 } as const;
  const erasure = erased ?? {
    systemId: system.id,
    status: 'failed' as const,
    deleted: 0,
    anonymized: 0,
    retained: 0,
    error: 'not run',
  };
  // a delete or anonymize that kept records did so because the store refused (S3 Object Lock): they stay, and are
  // expected to stay — reported as retained with the lock as the reason, never as erased
  const kept = strategy !== 'retain' && erasure.status !== 'failed' && erasure.retained > 0;
  // a Postgres system keeps the rows of tables retained by their own configured exemption (a table's `erasure`):
  // those are expected to remain, with the tables' reasons — an exemption, not a store refusing
  const exempt = kept && tableExemptions(system) !== undefined;
  const locked = kept && !exempt;
  const expected = strategy === 'retain' || kept ? erasure.retained : 0;
  const remaining = confirmed?.recordCount ?? 0;
  const confirmation = {
    status: confirmed?.status ?? 'failed',
    remaining,
    expected,
    ...(confirmed?.unreadable ? { unreadable: confirmed.unreadable } : {}),
  } as const;

  const failed = erasure.status === 'failed' || confirmation.status === 'failed' || remaining !== expected;
  const touched = erasure.deleted + erasure.anonymized + erasure.retained;
  const outcome: ReceiptSystem['outcome'] = failed
    ? 'failed'
    : touched === 0 && found.records === 0
      ? 'nothing_found'
      : locked
        ? 'retained'
        : ({ delete: 'erased', anonymize: 'anonymized', retain: 'retained' } as const)[strategy];

  return {
    id: system.id,
    strategy,
    outcome,
    found,
    erased: {
      status: erasure.status,
      deleted: erasure.deleted,
      anonymized: erasure.anonymized,
      retained: erasure.retained,
      ...(erasure.error ? { error: erasure.error } : {}),
    },
    confirmed: confirmation,
    ...(locked
      ? { retention: { reason: lockReason(system) } }
      : exempt
        ? { retention: { reason: tableExemptions(system) ?? '' } }
        : system.erasure.strategy === 'delete'
          ? {}
          : {
              retention: {
                reason: system.erasure.reason,
                ...('law' in system.erasure && system.erasure.law ? { law: system.erasure.law } : {}),
              },
            }),
    categories: system.holds.categories,
    recipients: system.holds.recipients,
  };
}

/**
 * The exemptions of a Postgres system's tables that retain their rows under a system that erases (e.g. invoices kept
 * for tax law while the customer row is deleted), as the receipt states them; undefined when there are none.
 */
function tableExemptions(system: SystemConfig): string | undefined {
  if (system.type !== 'postgres') return undefined;
  const reasons = system.tables.flatMap((table) =>
    table.erasure?.strategy === 'retain'
      ? [`table ${table.name}: ${table.erasure.reason}${table.erasure.law ? ` (${table.erasure.law})` : ''}`]
      : [],
  );
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** Why a store kept records its strategy changes: only S3 Object Lock does so today. */
function lockReason(system: SystemConfig): string {
  return system.type === 's3-objects' ? OBJECT_LOCK_REASON : 'the store refused to change them';
}

/**
 * Why a person must review this system's erasure before it is called complete: records that could not be read (so
 * were neither erased nor checked), or records a storage lock kept although the strategy erases them.
 */
export function reviewReasonsFor(
  system: SystemConfig,
  located?: SystemOutcome,
  erased?: EraseResult,
  confirmed?: SystemOutcome,
): { system: string; reason: string }[] {
  const reasons: { system: string; reason: string }[] = [];
  const unreadable = Math.max(located?.unreadable ?? 0, confirmed?.unreadable ?? 0);
  if (unreadable > 0)
    reasons.push({
      system: system.id,
      reason: `${unreadable} records could not be read, so they were neither erased nor checked`,
    });
  if (
    system.erasure.strategy !== 'retain' &&
    erased?.status === 'erased' &&
    erased.retained > 0 &&
    tableExemptions(system) === undefined
  )
    reasons.push({ system: system.id, reason: `${erased.retained} records ${lockReason(system)}` });
  return reasons;
}
