import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILES_DIR } from '../../infra/config';
import { REPO_ROOT, startTwin, type Twin, type TwinOptions } from '../../infra/local/twin';
import { PipelineClient, linkIn } from '../../infra/local/client';
import { main } from '../../infra/cli/commands';

export interface TestTwin {
  twin: Twin;
  client: PipelineClient;
  dataDir: string;
  stop(): Promise<void>;
}

/** A local twin on a fresh temp directory and random ports, with short retry waits; removed on stop. */
export async function startTestTwin(options: TwinOptions = {}): Promise<TestTwin> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'dsar-e2e-'));
  const twin = await startTwin({ apiPort: 0, retryIntervalMs: 20, ...options, dataDir });
  return {
    twin,
    dataDir,
    client: new PipelineClient(twin.endpoints.api, twin.endpoints.mail),
    stop: async () => {
      await twin.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A systems file as JSON (what a test edits before the twin reads it). */
export type SystemsJson = { systems: Record<string, unknown>[] } & Record<string, unknown>;

/**
 * A test twin on the default systems file as `edit` changes it (a system added, a field set), written to a temp
 * directory that goes with the twin.
 */
export async function startTestTwinWithSystems(edit: (systems: SystemsJson) => void): Promise<TestTwin> {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-systems-'));
  const systems = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/config/systems.json'), 'utf8')) as SystemsJson;
  edit(systems);
  const systemsFile = join(dir, 'systems.json');
  writeFileSync(systemsFile, JSON.stringify(systems));
  const t = await startTestTwin({ systemsFile });
  return {
    ...t,
    stop: async () => {
      await t.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Submit, confirm from the mail, and wait for the request to end; returns what a subject would see. */
export async function runRequest(
  client: PipelineClient,
  body: { type: string; regulation: string; subject: { email: string; name?: string } },
  /**
   * answer every recipient notice `done` as it arrives (default); off for a test that answers them itself; `except`:
   * leave the notices to these addresses unanswered
   */
  options: { answerNotices?: boolean; except?: readonly string[]; until?: readonly string[] } = {},
) {
  const submitted = await client.submit(body);
  const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
  const verification = await client.waitForMail(body.subject.email, requestId, /confirm/i);
  const { confirmed: verified } = await client.confirm(linkIn(verification, '/verify'));
  const ended = client.waitForStatus(requestId, statusToken, [
    'completed',
    'partially_completed',
    'expired',
    'rejected',
    // e.g. `retrying`: a deletion answered for now, whose unconfirmed systems are tried again later
    ...(options.until ?? []),
  ]);
  // a right that changes records tells the data map's recipients and waits for them: they answer `done`
  const notices =
    options.answerNotices === false ? [] : await client.answerNoticesUntil(requestId, ended, 'done', options.except);
  const final = await ended;
  const delivery = await client.waitForMail(body.subject.email, requestId, /request is/i);
  return { requestId, statusToken, verifyStatus: verified.status, final, delivery, notices };
}

/**
 * A test twin an operator acts on with `npx dsar …` in this process: the CLI finds it through DSAR_DATA_DIR, as it finds
 * a twin started with `npm run dev`; `dsar(...)` runs one command and returns its exit code and output.
 */
export async function startOperatorTwin(options: TwinOptions = {}) {
  const t = await startTestTwin(options);
  process.env.DSAR_DATA_DIR = t.dataDir;
  const dsar = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  return {
    ...t,
    dsar,
    stop: async () => {
      delete process.env.DSAR_DATA_DIR;
      await t.stop();
    },
  };
}
export type OperatorTwin = Awaited<ReturnType<typeof startOperatorTwin>>;

/**
 * Softpire's profile with every access request held for an operator's review (`softpire-reviewed`), written to a file
 * in `dir`: how the operator tests get a held request. Returns the file's path.
 */
export function reviewedProfileFile(dir: string, operator: string): string {
  const profile = JSON.parse(readFileSync(join(PROFILES_DIR, 'softpire.json'), 'utf8'));
  profile.id = 'softpire-reviewed';
  profile.operators = [operator];
  profile.review = { rights: ['access'], source: 'a person checks every copy before it goes out' };
  const file = join(dir, 'softpire-reviewed.json');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}
