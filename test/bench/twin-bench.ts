import { randomUUID } from 'node:crypto';
import { dynamoDocumentClient, s3Client, sesClient, sfnClient } from '../../functions/core/adapters/aws-clients';
import { ExportDocument } from '../../functions/core/domain/export-format';
import { API_ROUTES } from '../../infra/constructs/api-routes';
import { PipelineClient, linkIn } from '../../infra/local/client';
import { demoPeople, type DemoPerson } from '../../infra/local/demo-company';
import { startTwin, type Twin } from '../../infra/local/twin';
import { LAMBDA_USD_PER_GB_SECOND, MANUAL_USD_PER_REQUEST, costTable, scaleUsage, usageOf } from './cost';
import { fmtInt, fmtMs, fmtSeconds, fmtUsd, mean, percentile, print, table, timed, type Row } from './measure';
import { OperationCounter, OUTSIDE_HANDLERS, type HandlerTally, type Tally } from './operation-counter';

/**
 * Section 5: whole access requests through the local twin, as a data subject makes them (submit → verification
 * mail → link → wait → delivery mail → download), one after the other. Prints latency percentiles, then what one
 * request does in AWS terms — invocations, handler time, state transitions, DynamoDB units, S3 and SES calls, all
 * counted while it ran — and what that costs at list prices.
 */
const TERMINAL = ['completed', 'partially_completed', 'expired', 'rejected', 'cancelled'];
const handlerOf = (entry: string) => entry.split('/').at(-2) ?? entry;
const API_HANDLERS: ReadonlySet<string> = new Set(API_ROUTES.map((r) => handlerOf(r.handler)));
/** The benchmark polls the request's status to know when it is done; a data subject waits for the mail instead. */
const POLLING = 'get-request';
const ORDER = [
  'submit-request',
  'send-verification',
  'verify-identity',
  'plan-request',
  'locate-system',
  'assemble-export',
  'deliver',
  'download',
  POLLING,
];

interface RequestRun {
  seconds: number;
  records: number;
  tally: Tally;
}

async function accessRequest(client: PipelineClient, person: DemoPerson): Promise<{ records: number }> {
  const submitted = await client.submit(
    { type: 'access', regulation: 'gdpr', subject: { email: person.email, name: person.name } },
    randomUUID(),
  );
  if (submitted.status !== 202) throw new Error(`submit answered ${submitted.status}`);
  const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
  const verification = await client.waitForMail(person.email, requestId, /confirm/i);
  const { confirmed } = await client.confirm(linkIn(verification, '/verify'));
  if (confirmed.status !== 200) throw new Error(`confirming the verification answered ${confirmed.status}`);
  const final = await client.waitForStatus(requestId, statusToken, TERMINAL, 120_000);
  if (final.status !== 'completed') throw new Error(`request ended ${String(final.status)}, not completed`);
  const delivery = await client.waitForMail(person.email, requestId, /request is/i);
  const { body } = await client.download(linkIn(delivery, '/download'));
  const document = ExportDocument.parse(JSON.parse(body));
  if (document.summary.failed > 0) throw new Error(`${document.summary.failed} system(s) failed`);
  return { records: document.summary.records };
}

async function measuredRequest(
  twin: Twin,
  counter: OperationCounter,
  client: PipelineClient,
  person: DemoPerson,
): Promise<RequestRun> {
  const before = counter.snapshot();
  const { result, ms } = await timed(() => accessRequest(client, person));
  await twin.runner.idle();
  await counter.settled();
  return { seconds: ms / 1000, records: result.records, tally: OperationCounter.since(before, counter.snapshot()) };
}

/** Per-handler totals over all runs. */
function combined(runs: RequestRun[]): Tally {
  const handlers: Record<string, HandlerTally> = {};
  for (const run of runs) {
    for (const [name, h] of Object.entries(run.tally.handlers)) {
      const into = (handlers[name] ??= { invocations: 0, billedMs: 0, calls: {}, readUnits: 0, writeUnits: 0 });
      into.invocations += h.invocations;
      into.billedMs += h.billedMs;
      into.readUnits += h.readUnits;
      into.writeUnits += h.writeUnits;
      for (const [key, n] of Object.entries(h.calls)) into.calls[key] = (into.calls[key] ?? 0) + n;
    }
  }
  return { handlers, transitions: runs.reduce((n, r) => n + r.tally.transitions, 0) };
}

function operationRows(total: Tally, runs: number): Row[] {
  const per = (n: number) => (n / runs).toFixed(1).replace(/\.0$/, '');
  const sum = (h: HandlerTally, service: string) =>
    Object.entries(h.calls)
      .filter(([k]) => k.startsWith(`${service}:`))
      .reduce((n, [, v]) => n + v, 0);
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return Object.entries(total.handlers)
    .filter(([name]) => name !== OUTSIDE_HANDLERS)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([name, h]) => [
      name === POLLING ? `${name} (bench polling, excluded)` : name,
      per(h.invocations),
      fmtMs(h.billedMs / runs),
      per(h.readUnits),
      per(h.writeUnits),
      per(sum(h, 's3')),
      per(sum(h, 'ses')),
      per(sum(h, 'sfn')),
    ]);
}

export async function benchTwin(
  dataDir: string,
  requests: number,
  onStop: (stop: () => Promise<void>) => void,
): Promise<{ summary: Row[] }> {
  const counter = new OperationCounter();
  counter.instrumentLoader();
  onStop(async () => counter.restore());
  const start = await timed(() => startTwin({ dataDir, apiPort: 0, inMemory: true }));
  const twin = start.result;
  onStop(() => twin.stop());
  print(`  twin started in ${fmtSeconds(start.ms / 1000)} (CDK synth, emulators, demo company)`);
  counter.instrumentRunner(twin.runner);
  counter.instrumentClient('dynamodb', dynamoDocumentClient().middlewareStack);
  counter.instrumentClient('s3', s3Client().middlewareStack);
  counter.instrumentClient('ses', sesClient().middlewareStack);
  counter.instrumentClient('sfn', sfnClient().middlewareStack);

  const client = new PipelineClient(twin.endpoints.api, twin.endpoints.mail);
  const people = demoPeople(requests + 1);
  // The first request loads every handler module (a cold start for each function): reported, not counted.
  const cold = await measuredRequest(twin, counter, client, people[requests] as DemoPerson);
  const runs: RequestRun[] = [];
  for (const person of people.slice(0, requests)) runs.push(await measuredRequest(twin, counter, client, person));

  const seconds = runs.map((r) => r.seconds);
  print(
    table(
      `5. Whole access requests through the local twin — ${requests} in a row, each submit → … → download`,
      ['metric', 'value'],
      [
        ['cold first request (not counted)', fmtSeconds(cold.seconds)],
        ['p50 per request', fmtSeconds(percentile(seconds, 50))],
        ['p95 per request', fmtSeconds(percentile(seconds, 95))],
        ['mean / max', `${fmtSeconds(mean(seconds))} / ${fmtSeconds(Math.max(...seconds))}`],
        ['records exported per request', `${fmtInt(mean(runs.map((r) => r.records)))} (mean)`],
      ],
    ),
  );
  print('  (the client polls the mail store and the status route every 100 ms, so each wait rounds up by up to 0.1 s)');

  const total = combined(runs);
  print(
    table(
      '   Operations per request, by function (mean; measured handler time, rounded up per invocation)',
      ['function', 'invocations', 'billed ms', 'DDB RRU', 'DDB WRU', 'S3 calls', 'SES', 'SFN API'],
      operationRows(total, requests),
    ),
  );
  print(
    `  state transitions per request: ${(total.transitions / requests).toFixed(1)} (StateEntered events, Map iterations included, + retries)`,
  );

  const usage = scaleUsage(usageOf(total, { apiHandlers: API_HANDLERS, excluded: new Set([POLLING]) }), 1 / requests);
  const cost = costTable(usage);
  print(
    table(
      '   Estimated AWS cost per access request (us-east-1 list prices; see cost.ts)',
      ['item', 'per request', 'list price', 'cost', 'share'],
      cost.rows,
    ),
  );
  const polls = total.handlers[POLLING];
  if (polls) {
    const pollCost = costTable(
      scaleUsage(
        usageOf({ handlers: { [POLLING]: polls }, transitions: 0 }, { apiHandlers: API_HANDLERS, excluded: new Set() }),
        1 / polls.invocations,
      ),
    ).total;
    print(
      `  left out: the benchmark's ${(polls.invocations / requests).toFixed(1)} status polls per request (≈ ${fmtUsd(pollCost)} each, a subject waits for mail instead)`,
    );
  }
  print(
    '  presigned download URLs count as one S3 GET each; not counted: KMS requests, CloudWatch Logs, data transfer out, free tiers',
  );
  // Handler time here is against local emulators (sub-millisecond calls); in the cloud every call takes longer.
  const slowCloud = cost.total + 9 * usage.lambdaGbSeconds * LAMBDA_USD_PER_GB_SECOND;
  print(
    `  handler times are local; were every handler 10× slower in the cloud, the total would be ${fmtUsd(slowCloud)}`,
  );
  const ratio = MANUAL_USD_PER_REQUEST / cost.total;
  print(
    `\n  cost per request ≈ ${fmtUsd(cost.total)} (${(cost.total * 100).toFixed(3)}¢) vs $1,400 manual (Gartner) → 1 : ${fmtInt(ratio)}`,
  );
  return {
    summary: [
      [
        'Access request end to end (twin)',
        `p50 ${fmtSeconds(percentile(seconds, 50))}`,
        `p95 ${fmtSeconds(percentile(seconds, 95))}`,
      ],
      ['AWS cost per access request', fmtUsd(cost.total), `1 : ${fmtInt(ratio)} vs $1,400 manual`],
    ],
  };
}
