import './env';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDynamoDb } from './dynamodb-bench';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process';
import { benchExportAssembly } from './export-bench';
import { print, table, type Row } from './measure';
import { benchS3Objects } from './s3-bench';

/**
 * `npm run bench`: speed, memory and cost figures of the pipeline, printed with their ratios (the project keeps such
 * targets here, not in timed unit tests). About a minute on 2 cores.
 *
 *  1. Locate, S3 JSON Lines (s3-bench.ts): lines/s and MB/s over ~1M lines, and peak memory / data scanned —
 *     connectors promise to stream, so memory must stay flat however large the bucket.
 *  2. Erase, S3 JSON Lines (s3-bench.ts): census + rewrite MB/s and memory; the locate after it (Confirm) finds 0.
 *  3. Locate, DynamoDB (dynamodb-bench.ts): ms per locate through a GSI Query vs a full Scan — why big tables need `index`.
 *  4. Export assembly (export-bench.ts): a 200k-record export written from its part; memory vs document size, at two sizes.
 *  5. Whole requests through the local twin (twin-bench.ts): p50/p95 seconds end to end, then every Lambda invocation,
 *     state transition, DynamoDB unit, S3 and SES call counted per request and priced (cost.ts) — "cents per request".
 *
 * Sections 1–4 run against emulators in a child process, so this process's memory is the code under test; section 5
 * runs the twin in this process (it must, to count its operations). Everything lives in a temporary directory that is
 * removed at the end, also on failure or Ctrl-C (and by the emulator child if this process is killed outright).
 */
const SHAPE = {
  clickstream: { objects: 50, linesPerObject: 20_000 },
  dynamodb: { customers: 20_000, queries: 200, scans: 20 },
  exportRecords: 200_000,
  requests: 10,
};

const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

async function main(): Promise<void> {
  const started = performance.now();
  const root = mkdtempSync(join(tmpdir(), 'dsar-bench-'));
  cleanups.push(async () => rmSync(root, { recursive: true, force: true }));
  print(`DSAR pipeline benchmark — Node ${process.version}, ${cpus().length} CPUs, ${new Date().toISOString()}`);

  const summary: Row[] = [];
  print('\nStarting S3 (s3rver) and DynamoDB (dynalite) emulators in a child process…');
  // The child stays up (idle) until the end: when this process goes, however it goes, it removes `root`.
  const emulators: EmulatorProcess = await startEmulatorProcess(root);
  cleanups.push(() => emulators.stop());
  summary.push(...(await benchS3Objects(emulators, SHAPE.clickstream)).summary);
  summary.push(...(await benchDynamoDb(emulators, SHAPE.dynamodb)).summary);
  summary.push(...(await benchExportAssembly(emulators, SHAPE.exportRecords)).summary);

  print('\nStarting the local twin (in this process) for whole requests…');
  const { benchTwin } = await import('./twin-bench');
  summary.push(...(await benchTwin(join(root, 'twin'), SHAPE.requests, (stop) => cleanups.push(stop))).summary);

  print(table('Summary', ['figure', 'value', 'ratio / context'], summary));
  print(`\nTotal benchmark time: ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main()
  .then(cleanUp)
  .then(
    () => process.exit(0),
    async (error: unknown) => {
      await cleanUp();
      process.stderr.write(
        `Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
