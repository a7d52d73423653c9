/**
 * Global Privacy Control (https://privacycg.github.io/gpc-spec/): a browser sends `Sec-GPC: 1` when its user turned the
 * signal on. The CCPA regulations make it a valid opt-out of sale/sharing (11 CCR §7025(b)), to be honoured for the
 * browser and any consumer profile associated with it (§7025(c)(1)), and — as amended for 2026 — the business displays
 * whether it processed the signal as an opt-out (§7025(c)(6)). The specification's only valid value is "1".
 */
export function gpcSignal(headers: Record<string, string | undefined>): boolean {
  return headers['sec-gpc']?.trim() === '1';
}
