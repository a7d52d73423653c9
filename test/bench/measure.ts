import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Measuring tools for the benchmark: wall time, peak memory sampled every 50 ms against a baseline taken after a
 * full GC, percentiles, and the aligned tables the report is printed as.
 */

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** A full, synchronous garbage collection (so a baseline is live memory, not yesterday's garbage). */
export function fullGc(): void {
  collect();
  collect();
}

export interface MemoryPeak {
  /** peak `heapUsed` above the baseline, as sampled: live objects plus garbage not yet collected */
  heap: number;
  /** peak `heapUsed` above the baseline right after a forced full GC: what the work really holds */
  liveHeap: number;
  /** peak `external` (Buffers, stream chunks) above the baseline right after a forced full GC */
  liveExternal: number;
  /** peak resident set size of the whole process (absolute, not a growth: RSS rarely shrinks back) */
  rss: number;
}

/**
 * Samples `process.memoryUsage()` every `intervalMs`; every `liveEvery`-th sample first forces a full GC, so that
 * sample shows live memory only (every 500 ms at the defaults). The time those forced collections take is kept, so the
 * report can say how much of a timed run they account for.
 */
export class MemorySampler {
  private readonly baseline = process.memoryUsage();
  private readonly peak: MemoryPeak = { heap: 0, liveHeap: 0, liveExternal: 0, rss: 0 };
  private readonly timer: NodeJS.Timeout;
  private samples = 0;
  private gcMs = 0;

  public constructor(
    intervalMs = 50,
    private readonly liveEvery = 10,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  public stop(): MemoryPeak {
    clearInterval(this.timer);
    return { ...this.peak };
  }

  /** Milliseconds spent in the forced collections so far. */
  public get forcedGcMs(): number {
    return this.gcMs;
  }

  private sample(): void {
    this.samples += 1;
    const live = this.samples % this.liveEvery === 0;
    if (live) {
      const started = performance.now();
      fullGc();
      this.gcMs += performance.now() - started;
    }
    const now = process.memoryUsage();
    this.peak.heap = Math.max(this.peak.heap, now.heapUsed - this.baseline.heapUsed);
    this.peak.rss = Math.max(this.peak.rss, now.rss);
    if (live) {
      this.peak.liveHeap = Math.max(this.peak.liveHeap, now.heapUsed - this.baseline.heapUsed);
      this.peak.liveExternal = Math.max(this.peak.liveExternal, now.external - this.baseline.external);
    }
  }
}

export interface Measured<T> {
  result: T;
  /** wall time minus the sampler's forced collections (work that only the measurement adds) */
  seconds: number;
  memory: MemoryPeak;
  /** share of the wall time spent in the sampler's forced collections (left out of `seconds`) */
  gcShare: number;
}

/** Run `work` after a full GC, timing it and sampling memory while it runs. */
export async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
  fullGc();
  const sampler = new MemorySampler();
  const started = performance.now();
  try {
    const result = await work();
    const memory = sampler.stop();
    const wallMs = performance.now() - started;
    return { result, seconds: (wallMs - sampler.forcedGcMs) / 1000, memory, gcShare: sampler.forcedGcMs / wallMs };
  } finally {
    sampler.stop();
  }
}

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

/** Nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

export const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

// ── formatting ────────────────────────────────────────────────────────────────────────────────────────────────

const MB = 1024 * 1024;
export const mb = (bytes: number) => bytes / MB;
export const fmtMB = (bytes: number) => `${mb(bytes).toFixed(1)} MB`;
export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtPct = (ratio: number) => `${(ratio * 100).toFixed(ratio < 0.01 ? 3 : 1)}%`;
export const fmtSeconds = (s: number) => `${s.toFixed(2)} s`;
export const fmtMs = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
export const fmtUsd = (usd: number) => (usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(3)}`);

export type Row = readonly string[];

/** The memory rows of a section's table: each peak, and its ratio to the data the work went through. */
export function memoryRows({ memory, gcShare }: Measured<unknown>, dataBytes: number, what: string): Row[] {
  return [
    ['peak live heap growth (after GC)', fmtMB(memory.liveHeap), `${fmtPct(memory.liveHeap / dataBytes)} of ${what}`],
    [
      'peak live Buffers growth (after GC)',
      fmtMB(memory.liveExternal),
      `${fmtPct(memory.liveExternal / dataBytes)} of ${what}`,
    ],
    ['peak heap growth incl. garbage', fmtMB(memory.heap), `${fmtPct(memory.heap / dataBytes)} of ${what}`],
    ['peak RSS of the process', fmtMB(memory.rss), 'absolute'],
    ['forced GCs of the sampler', fmtPct(gcShare), 'of wall time, left out of the time'],
  ];
}

/** An aligned table: first column left-aligned, the others right-aligned (they hold figures). */
export function table(title: string, header: Row, rows: readonly Row[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row: Row) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [`\n${title}`, `  ${line(header)}`, `  ${rule}`, ...rows.map((row) => `  ${line(row)}`)].join('\n');
}

export const print = (text = '') => process.stdout.write(`${text}\n`);
