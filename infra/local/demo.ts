import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DEFAULT_DATA_DIR, localJsonPath, startTwin, type TwinEndpoints } from './twin';
import { runningTwin } from './running';
import { PipelineClient, linkIn } from './client';
import { DEMO_PERSON } from './demo-company';
import { ExportDocument } from '../../functions/core/domain/export-format';

/**
 * `npm run demo`: a real access request, end to end, through the local twin — submit over the HTTP API, confirm from
 * the verification mail, wait for the workflow, download the export from the delivery mail, and summarise it.
 * Uses a running twin (`npm run dev`) if there is one, otherwise starts one and stops it afterwards.
 * Exits 0 only when the request really completed.
 */
const out = (line = '') => process.stdout.write(`${line}\n`);
const dataDir = process.env.DSAR_DATA_DIR ?? DEFAULT_DATA_DIR;
// The demo prints its own story; the functions' INFO lines would drown it (npm run dev shows them).
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

async function accessRequest(endpoints: TwinEndpoints): Promise<boolean> {
  const client = new PipelineClient(endpoints.api, endpoints.mail);
  const started = Date.now();
  out(`→ POST ${endpoints.api}/requests  (access, GDPR, for ${DEMO_PERSON.email})`);
  const submitted = await client.submit({ type: 'access', regulation: 'gdpr', subject: DEMO_PERSON }, randomUUID());
  const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
  out(`  ${submitted.status} — request ${requestId}`);

  const verification = await client.waitForMail(DEMO_PERSON.email, requestId, /confirm/i);
  const verifyLink = linkIn(verification, '/verify');
  out(`→ verification mail "${verification.subject}"; following its link`);
  const verified = await client.open(verifyLink);
  out(`  ${verified.status} — identity confirmed`);

  const final = await client.waitForStatus(requestId, statusToken, ['completed', 'partially_completed', 'expired', 'rejected'], 120_000);
  out(`→ request ${String(final.status)}; due ${String(final.dueDate)}`);
  if (final.status !== 'completed' && final.status !== 'partially_completed') return false;

  const delivery = await client.waitForMail(DEMO_PERSON.email, requestId, /request is/i);
  const { body } = await client.download(linkIn(delivery, '/download'));
  const document = ExportDocument.parse(JSON.parse(body));
  const file = join(dataDir, 'downloads', `export-${requestId}.json`);
  mkdirSync(join(dataDir, 'downloads'), { recursive: true });
  writeFileSync(file, body);

  out(`→ export downloaded through a 5-minute presigned link: ${file}`);
  out(`  systems searched: ${document.summary.systems}, with records: ${document.summary.withRecords}, failed: ${document.summary.failed}`);
  for (const system of document.systems) {
    out(`  - ${system.id.padEnd(12)} ${system.status.padEnd(10)} ${String(system.recordCount).padStart(4)} record(s)  [${system.categories.join(', ')}]`);
  }
  out(`  total records: ${document.summary.records}; time taken: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return final.status === 'completed';
}

async function main(): Promise<number> {
  const running = await runningTwin(localJsonPath(dataDir));
  const twin = running ? undefined : await startTwin({ dataDir });
  const endpoints = running ?? twin?.endpoints;
  if (!endpoints) throw new Error('no twin');
  out(running ? `Using the local twin already running at ${endpoints.api}` : `Started the local twin (API ${endpoints.api}, data in ${dataDir})`);
  try {
    const ok = await accessRequest(endpoints);
    out(ok ? '\nDemo complete: the access request was answered end to end.' : '\nDemo FAILED: the request did not complete.');
    return ok ? 0 : 1;
  } finally {
    if (twin) await twin.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
