import type { SystemConfig } from '../../connectors/config';
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
  const expected = strategy === 'retain' ? erasure.retained : 0;
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
    ...(system.erasure.strategy === 'delete'
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
