import { REFUSED } from '../../connectors/base';
import type { SystemConfig } from '../../connectors/config';
import type { ChangeResult } from '../core/domain/change-result';
import type { ChangeReceiptSystem } from '../core/domain/receipt-format';

/**
 * One system's line on a change receipt, judged from its ChangeSystem result (`asked`: how many attributes or flags
 * the request asked for). A system with no result (its step never ran) is `failed`. A system holding the subject that
 * refused every item is `not_recorded` when it simply has no field for any of them (it holds none of that data or
 * preference), and `refused` otherwise (it holds the data but cannot be changed, e.g. read-only). Where anything was
 * refused, its owner (if configured) is named as the one to be told to make the change by hand (the notice itself is
 * the notices step's business).
 */
const NOT_APPLICABLE: ReadonlySet<string> = new Set([REFUSED.notMapped, REFUSED.noFlag]);

export function changeLine(system: SystemConfig, result: ChangeResult | undefined, asked: number): ChangeReceiptSystem {
  const r = result ?? {
    systemId: system.id,
    status: 'failed' as const,
    matched: 0,
    changed: 0,
    unchanged: 0,
    retained: 0,
    unreadable: 0,
    refused: [],
    error: 'not run',
  };
  const refusedAll = r.status !== 'failed' && asked > 0 && r.refused.length >= asked;
  const outcome: ChangeReceiptSystem['outcome'] =
    r.status === 'failed'
      ? 'failed'
      : r.matched === 0
        ? 'nothing_found'
        : refusedAll
          ? r.refused.every((x) => NOT_APPLICABLE.has(x.reason))
            ? 'not_recorded'
            : 'refused'
          : r.changed > 0
            ? 'changed'
            : 'unchanged';
  const ownerToTell = system.owner && r.status !== 'failed' && r.refused.length > 0;
  return {
    id: system.id,
    outcome,
    matched: r.matched,
    changed: r.changed,
    unchanged: r.unchanged,
    retained: r.retained,
    ...(r.retainedReason ? { retainedReason: r.retainedReason } : {}),
    unreadable: r.unreadable,
    refused: r.refused,
    ...(ownerToTell && system.owner ? { owner: { name: system.owner.name, toBeTold: true as const } } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

/** Why a person must look before a change is called complete: records not read, or kept unchanged by a lock. */
export function changeReviewReasons(line: ChangeReceiptSystem): { system: string; reason: string }[] {
  const reasons: { system: string; reason: string }[] = [];
  if (line.unreadable > 0)
    reasons.push({ system: line.id, reason: `${line.unreadable} records could not be read, so they were not changed` });
  if (line.retained > 0)
    reasons.push({
      system: line.id,
      reason: `${line.retained} records were not changed: ${line.retainedReason ?? 'the store refused to change them'}`,
    });
  return reasons;
}
