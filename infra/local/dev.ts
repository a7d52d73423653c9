import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR, DEMO_ESTATE_FILE, localJsonPath, startTwin } from './twin';
import { runningTwin } from './running';

/**
 * `npm run dev`: start the local twin and keep it running until Ctrl-C.
 * Settings: DSAR_DATA_DIR (default .dsar), DSAR_API_PORT (default: the port of the last start on this data, 8787 the
 * first time; a port given wins and is remembered), DSAR_SYSTEMS_FILE (default: the demo company's estate,
 * infra/config/demo-estate.json), the company profile: `npm run dev -- --profile softpire` or DSAR_PROFILE (a shipped
 * profile's id, infra/config/profiles/<id>.json, or a path to your own; none: the open profile).
 */

/** DSAR_API_PORT as a port number; a value that is not one stops here with a message, not a stack trace. */
function apiPortFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    process.stderr.write(`DSAR_API_PORT must be a whole number from 1 to 65535 (got ${JSON.stringify(value)}).\n`);
    process.exit(2);
  }
  return port;
}

/** `--profile <id or file>`, or DSAR_PROFILE; anything else on the command line is refused with the usage. */
function profileFromArgs(): string | undefined {
  try {
    const { values } = parseArgs({ options: { profile: { type: 'string' } }, strict: true });
    return values.profile ?? (process.env.DSAR_PROFILE || undefined);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nUsage: npm run dev [-- --profile <id or file>]\n`);
    process.exit(2);
  }
}

const apiPort = apiPortFromEnv(process.env.DSAR_API_PORT);
const profile = profileFromArgs();
// an empty DSAR_DATA_DIR is unset (it would put the data in the working directory)
const dataDir = process.env.DSAR_DATA_DIR || DEFAULT_DATA_DIR;
const already = await runningTwin(localJsonPath(dataDir));
if (already) {
  process.stderr.write(`A local twin is already running on this data (API ${already.api}).\n`);
  process.exit(1);
}

const twin = await startTwin({
  dataDir,
  apiPort,
  systemsFile: process.env.DSAR_SYSTEMS_FILE ?? DEMO_ESTATE_FILE,
  profile,
});
const lines = Object.entries(twin.endpoints).map(([name, url]) => `  ${name.padEnd(14)} ${url}`);
process.stdout.write(
  [
    `DSAR local twin is running (loopback only), deciding by the ${profile ? `"${profile}"` : 'open'} profile. Endpoints:`,
    ...lines,
    `Endpoints are also in ${localJsonPath(dataDir)}. Mail sent: ${twin.endpoints.mail}/store (or open ${twin.endpoints.mail} in a browser).`,
    `Privacy center: ${twin.endpoints.api}/privacy   API description: ${twin.endpoints.api}/openapi.json`,
    twin.console.credential
      ? `Operator console: ${twin.console.url}\n  credential (shown this once, stored only hashed): ${twin.console.credential}`
      : `Operator console: ${twin.console.url} (the credential was shown at the first start on this data; to make a new one, delete ${join(dataDir, 'console', 'credential.json')} and restart)`,
    twin.resumed.length ? `Resumed ${twin.resumed.length} unfinished request(s).` : 'No unfinished requests to resume.',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping the twin…\n`);
  await twin.stop();
  process.stdout.write('Stopped. Data is kept; unfinished requests resume at the next start.\n');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
