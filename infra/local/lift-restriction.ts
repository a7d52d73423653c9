import { resolve } from 'node:path';
import { FUNCTION_ENV } from '../../functions/core/env';
import { logger } from '../../functions/core/logger';
import { wiring } from '../../functions/core/wiring';
import { actingAs } from '../../functions/core/audit/actor';
import { AnnounceLift, LiftRestriction, type LiftResult } from '../../functions/lift-restriction/lift-restriction';
import { targetRunningTwin } from './running';
import { DEFAULT_DATA_DIR } from './twin';

/**
 * `npm run lift-restriction -- <requestId> [--at YYYY-MM-DD] [--now]`: lift a restriction of processing, telling its
 * subject first (GDPR Art. 18(3)).
 * - The first run mails the subject the date of the lift (`--at`, default 14 days from today) and records it.
 * - When the date comes, the sweeper lifts it (clears the `restriction` flag in every system that records it) and
 *   forgets the subject's address; or run this again with `--now` (on the first run, `--now` lifts right after the
 *   notice is sent: the notice is never skipped).
 * Against a running twin (`npm run dev`) if there is one on this data directory, otherwise against the environment (the
 * cloud deployment: DSAR_TABLE, DSAR_SYSTEMS_FILE, DSAR_SENDER and the caller's AWS credentials).
 * Exits 0 when announced or lifted, 1 when a system failed (re-run it: clearing a flag is idempotent), 2 on bad use.
 */
const DEFAULT_NOTICE_DAYS = 14;

async function chooseTarget(): Promise<string> {
  const twin = await targetRunningTwin(resolve(process.env.DSAR_DATA_DIR || DEFAULT_DATA_DIR));
  if (twin === undefined) return `the environment (table ${process.env[FUNCTION_ENV.TABLE] ?? '<unset>'})`;
  return `the local twin at ${twin.api}`;
}

function parseArgs(argv: string[]): { requestId: string; at?: Date; now: boolean } | undefined {
  const [requestId, ...rest] = argv;
  if (!requestId || requestId.startsWith('--')) return undefined;
  const now = rest.includes('--now');
  const atIndex = rest.indexOf('--at');
  const atText = atIndex >= 0 ? rest[atIndex + 1] : undefined;
  if (atIndex >= 0 && !/^\d{4}-\d{2}-\d{2}$/.test(atText ?? '')) return undefined;
  return { requestId, now, ...(atText ? { at: new Date(`${atText}T00:00:00.000Z`) } : {}) };
}

function describe(result: LiftResult): string {
  if (result.status === 'not_announced') return 'not announced yet';
  if (result.status === 'not_due') return `not due: the sweeper lifts it on ${result.liftAt.slice(0, 10)}`;
  const lines = result.systems.map(
    (s) =>
      `  - ${s.systemId.padEnd(12)} ${
        s.error
          ? `FAILED: ${s.error}`
          : s.refused
            ? 'records no restriction'
            : `cleared ${s.changed}, already clear ${s.unchanged}`
      }`,
  );
  return [
    result.status === 'lifted' ? 'lifted; the address is forgotten' : 'FAILED in a system: re-run',
    ...lines,
  ].join('\n');
}

async function main(): Promise<number> {
  if (process.env.POWERTOOLS_LOG_LEVEL === undefined) logger.setLogLevel('WARN');
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    process.stderr.write('usage: npm run lift-restriction -- <requestId> [--at YYYY-MM-DD] [--now]\n');
    return 2;
  }
  try {
    process.stderr.write(`Lifting a restriction against ${await chooseTarget()}.\n`);
    const requests = wiring.requests();
    const record = await requests.load(args.requestId);
    if (!record.lift) {
      const liftAt = args.now ? new Date() : (args.at ?? new Date(Date.now() + DEFAULT_NOTICE_DAYS * 86_400_000));
      const announced = await new AnnounceLift(requests, wiring.mailer()).execute(args.requestId, liftAt);
      process.stdout.write(`the subject was told: the restriction is lifted on ${announced.liftAt.slice(0, 10)}\n`);
      if (!args.now) return 0;
    }
    const result = await new LiftRestriction(requests, wiring.connectors(), wiring.systems()).execute(args.requestId, {
      now: args.now,
    });
    process.stdout.write(`${describe(result)}\n`);
    return result.status === 'failed' ? 1 : 0;
  } catch (error) {
    // error names and messages name ids and statuses, never the subject
    process.stderr.write(
      `lift-restriction: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    return 2;
  }
}

// the operator lifts (or the sweeper, on the announced date: infra/local/sweeper.ts)
process.exitCode = await actingAs('operator', main);
