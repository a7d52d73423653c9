import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FUNCTION_ENV } from '../../functions/core/env';
import { targetRunningTwin } from './running';
import { DEFAULT_DATA_DIR, SUPPRESSION_TABLE } from './twin';
import { logger } from '../../functions/core/logger';
import { wiring } from '../../functions/core/wiring';
import { dynamoDocumentClient } from '../../functions/core/adapters/aws-clients';
import { moveLegacySuppression } from '../../functions/core/adapters/dynamo-suppression-list';
import {
  ReapplyDeletions,
  type ReapplyReport,
  type SystemReapplyResult,
} from '../../functions/reapply-deletions/reapply-deletions';

/**
 * `npm run reapply-deletions`: the one command an operator runs after restoring systems from a backup. It erases again
 * everybody on the suppression list from every configured system, and prints what it did per system (counts only).
 *
 * Where it runs:
 * - a local twin is running on this data (`$DSAR_DATA_DIR/local.json`, default `.dsar/local.json`): against that twin,
 *   with its table, its hash key and the systems file `DSAR_SYSTEMS_FILE` (default infra/config/systems.json — pass
 *   the same file the twin was started with);
 * - otherwise: against whatever the environment names, e.g. the cloud deployment with DSAR_TABLE, DSAR_SYSTEMS_FILE,
 *   DSAR_HASH_KEY_SECRET_ARN and the caller's AWS credentials.
 *
 * Exits 1 when a system failed (re-run it: erasing is idempotent), 2 when nothing could run at all.
 */

/** Points this process at a running twin, or says why the environment is used as given. */
async function chooseTarget(): Promise<string> {
  const dataDir = resolve(process.env.DSAR_DATA_DIR || DEFAULT_DATA_DIR);
  const keyFile = join(dataDir, 'hash-key');
  const twin = await targetRunningTwin(dataDir);
  if (twin === undefined)
    return `the environment (table ${process.env[FUNCTION_ENV.TABLE] ?? '<unset>'}, region ${process.env.AWS_REGION ?? 'from the AWS config'})`;
  if (!existsSync(keyFile)) throw new Error(`the running twin has no hash key at ${keyFile}`);
  Object.assign(process.env, {
    [FUNCTION_ENV.SUPPRESSION_TABLE]: SUPPRESSION_TABLE,
    [FUNCTION_ENV.HASH_KEY]: readFileSync(keyFile, 'utf8').trim(),
  });
  return `the local twin at ${twin.api} (data in ${dataDir})`;
}

function status(result: SystemReapplyResult): string {
  if (result.error !== undefined) return `FAILED: ${result.error}`;
  if (result.skipped !== undefined) return `skipped: ${result.skipped}`;
  return 'ok';
}

/** The report as an aligned text table: numbers right-aligned, one row per system. */
function formatReport(report: ReapplyReport): string {
  const header = ['system', 'scanned', 'matched', 'deleted', 'anonymized', 'retained', 'status'];
  const rows = report.systems.map((s) =>
    [s.systemId, s.scanned, s.matched, s.deleted, s.anonymized, s.retained, status(s)].map(String),
  );
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const failed = report.systems.filter((s) => s.error !== undefined).length;
  const summary =
    failed === 0
      ? `${report.suppressed} identities on the suppression list; every system done.`
      : `${report.suppressed} identities on the suppression list; ${failed} system(s) FAILED: fix and re-run (re-applying is idempotent).`;
  return [line(header), ...rows.map(line), '', summary, ''].join('\n');
}

async function main(): Promise<number> {
  // the table is the output; structured logs only for warnings, unless asked for
  if (process.env.POWERTOOLS_LOG_LEVEL === undefined) logger.setLogLevel('WARN');
  let report: ReapplyReport;
  try {
    const target = await chooseTarget();
    process.stderr.write(`Re-applying deletions against ${target}.\n`);
    // a deployment made by an earlier version kept its suppression list in the requests table: move it first
    const requestsTable = process.env[FUNCTION_ENV.TABLE];
    const suppressionTable = process.env[FUNCTION_ENV.SUPPRESSION_TABLE];
    if (requestsTable && suppressionTable) {
      const moved = await moveLegacySuppression(dynamoDocumentClient(), requestsTable, suppressionTable);
      if (moved > 0)
        process.stderr.write(
          `Moved ${moved} suppression-list entries from ${requestsTable} into ${suppressionTable}.\n`,
        );
    }
    // the same composition as the cloud function's handler, on the environment chosen above
    report = await new ReapplyDeletions({
      suppression: wiring.suppression(),
      systems: wiring.systems(),
      connectorFor: wiring.connectors(),
      hashKey: wiring.hashKey,
    }).execute();
  } catch (error) {
    // configuration and suppression-list errors name settings and tables, never an identity
    process.stderr.write(
      `reapply-deletions: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    return 2;
  }
  process.stdout.write(formatReport(report));
  return report.systems.some((s) => s.error !== undefined) ? 1 : 0;
}

process.exitCode = await main();
