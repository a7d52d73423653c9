import './demo-env';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DEFAULT_DATA_DIR, DEMO_ESTATE_FILE, localJsonPath, startTwin, type TwinEndpoints } from './twin';
import type { LocalCredentials } from './http';
import { credentialsOf, runningTwin } from './running';
import { NOTICE_SUBJECT, PipelineClient, linkIn } from './client';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DEMO_CHANGED_PERSON, DEMO_ERASED_PERSON, DEMO_PERSON, restoreDemoPerson } from './demo-company';
import { ExportDocument } from '../../functions/core/domain/export-format';
import { ChangeReceipt, DeletionReceipt } from '../../functions/core/domain/receipt-format';

/**
 * `npm run demo`: real requests, end to end, through the local twin — submit over the HTTP API, confirm from the
 * verification mail, wait for the workflow, download the document from the delivery mail, and summarise it.
 * First an access request (the export), then a deletion request (the receipt), then a correction and a marketing
 * opt-out (change receipts: what changed in each system, what a system does not record, whom to tell). The demo
 * company's estate (infra/config/demo-estate.json): customers in DynamoDB (the system of record), clickstream and app
 * sessions in S3 (sessions keyed by customer id, reached through identity resolution), orders in Postgres (PGlite),
 * payments in Stripe (the twin's fake) and paper forms only the records office can search (a manual system).
 * Uses a running twin (`npm run dev`) if there is one, otherwise starts one and stops it afterwards.
 * Exits 0 only when every request really completed.
 */
const out = (line = '') => process.stdout.write(`${line}\n`);
// an empty DSAR_DATA_DIR is unset (it would put the data in the working directory)
const dataDir = process.env.DSAR_DATA_DIR || DEFAULT_DATA_DIR;
/** The demo company's manual system: its owner is asked by mail, and the demo answers for them. */
const RECORDS_OFFICE = 'records-office@demo-company.example';
/** What the records office finds in the filing cabinet for the access request (one signed form). */
const PAPER_FORMS = (email: string) => `form,signed_on,email,branch\nM-1042,2019-03-02,${email},Brighton\n`;

async function accessRequest(endpoints: TwinEndpoints): Promise<boolean> {
  const client = new PipelineClient(endpoints.api, endpoints.mail);
  const started = Date.now();
  const { requestId, final, delivery } = await submitAndConfirm(client, {
    type: 'access',
    regulation: 'gdpr',
    subject: DEMO_PERSON,
  });
  if (!delivery) return false;
  const { body } = await client.download(linkIn(delivery, '/download'));
  const document = ExportDocument.parse(JSON.parse(body));
  const file = join(dataDir, 'downloads', `export-${requestId}.json`);
  mkdirSync(join(dataDir, 'downloads'), { recursive: true });
  writeFileSync(file, body);

  out(`→ export downloaded through a 5-minute presigned link: ${file}`);
  for (const identity of document.subject.identities ?? [])
    out(`  also searched by ${identity.kind} ${identity.value} (found in ${identity.from}: identity resolution)`);
  out(
    `  systems searched: ${document.summary.systems}, with records: ${document.summary.withRecords}, failed: ${document.summary.failed}`,
  );
  for (const system of document.systems) {
    out(
      `  - ${system.id.padEnd(12)} ${system.status.padEnd(10)} ${String(system.recordCount).padStart(4)} record(s)  [${system.categories.join(', ')}]`,
    );
  }
  out(`  total records: ${document.summary.records}; time taken: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return final.status === 'completed';
}

/** Verify and wait as the subject would; returns the final status view and the delivery mail, if any. */
async function submitAndConfirm(
  client: PipelineClient,
  body: { type: string; regulation: string; subject: { email: string; name: string } } & Record<string, unknown>,
) {
  out(`→ POST /requests  (${body.type}, ${body.regulation.toUpperCase()}, for ${body.subject.email})`);
  const submitted = await client.submit(body, randomUUID());
  const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
  out(`  ${submitted.status} — request ${requestId}`);
  const verification = await client.waitForMail(body.subject.email, requestId, /confirm/i);
  const { page, confirmed } = await client.confirm(linkIn(verification, '/verify'));
  out(
    `→ verification mail "${verification.subject}"; its link opens a page (${page.status}); pressed "confirm": ${confirmed.status}`,
  );
  // a right that changes records tells the data map's recipients (GDPR Art. 19): the demo's one recipient answers;
  // the records office (a manual system) is asked for every right, and answers an access request with the records
  const ended = client.waitForStatus(
    requestId,
    statusToken,
    ['completed', 'partially_completed', 'expired', 'rejected'],
    120_000,
  );
  const office = body.type === 'access' ? answerWithRecords(client, requestId, body.subject.email, ended) : undefined;
  const except = office ? [RECORDS_OFFICE] : [];
  for (const notice of await client.answerNoticesUntil(requestId, ended, 'done', except))
    out(`→ notice mailed to ${notice.to.join(', ')} ("${notice.subject}"); answered "done" through its link`);
  if (office && (await office))
    out(`→ the records office was asked to search by hand; it sent the records (CSV) through its link`);
  const final = await ended;
  out(`→ request ${String(final.status)}; due ${String(final.dueDate)}`);
  const done = final.status === 'completed' || final.status === 'partially_completed';
  const delivery = done ? await client.waitForMail(body.subject.email, requestId, /request is/i) : undefined;
  return { requestId, final, delivery };
}

/** As the records office would: open the notice's link and send the forms found as a CSV file; false if not asked. */
async function answerWithRecords(
  client: PipelineClient,
  requestId: string,
  email: string,
  ended: Promise<unknown>,
): Promise<boolean> {
  let over = false;
  void ended.finally(() => {
    over = true;
  });
  while (!over) {
    const notice = (await client.mails()).find(
      (mail) => mail.to.includes(RECORDS_OFFICE) && mail.text.includes(requestId) && NOTICE_SUBJECT.test(mail.subject),
    );
    if (notice) {
      const answer = await client.answerNoticeWithRecords(linkIn(notice, '/notices'), {
        name: 'forms.csv',
        type: 'text/csv',
        content: PAPER_FORMS(email),
      });
      return answer.status === 200;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function deletionRequest(endpoints: TwinEndpoints, credentials: LocalCredentials): Promise<boolean> {
  // the emulators accept only the credentials the twin made at its start
  const local = { region: 'us-east-1', credentials };
  out(`\n(demo data) restoring ${DEMO_ERASED_PERSON.email}'s records so there is something to erase`);
  await restoreDemoPerson(
    new DynamoDBClient({ ...local, endpoint: endpoints.dynamodb }),
    new S3Client({ ...local, endpoint: endpoints.s3, forcePathStyle: true }),
    DEMO_ERASED_PERSON.email,
  );
  const client = new PipelineClient(endpoints.api, endpoints.mail);
  const started = Date.now();
  const { requestId, final, delivery } = await submitAndConfirm(client, {
    type: 'deletion',
    regulation: 'gdpr',
    subject: DEMO_ERASED_PERSON,
  });
  if (!delivery) return false;
  const { body } = await client.download(linkIn(delivery, '/download'));
  const receipt = DeletionReceipt.parse(JSON.parse(body));
  const file = join(dataDir, 'downloads', `deletion-receipt-${requestId}.json`);
  writeFileSync(file, body);
  out(`→ deletion receipt downloaded: ${file}`);
  for (const s of receipt.systems) {
    out(
      `  - ${s.id.padEnd(12)} ${s.outcome.padEnd(13)} found ${String(s.found.records).padStart(3)}, deleted ${String(s.erased.deleted).padStart(3)}, anonymised ${s.erased.anonymized}, kept ${s.erased.retained}; second search: ${s.confirmed.remaining} left`,
    );
  }
  for (const n of receipt.notices ?? [])
    out(`  recipient ${n.recipient}: ${n.answer}${n.reason ? ` (${n.reason})` : ''}`);
  out(`  ${receipt.backups.statement}`);
  out(`  complete: ${receipt.summary.complete}; time taken: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return final.status === 'completed' && receipt.summary.complete;
}

/**
 * A change right end to end: submit, confirm, wait, download the change receipt and print, per system, what was
 * matched, changed or already so, and what the system does not record (with why, and the owner to tell).
 */
async function changeRequest(
  endpoints: TwinEndpoints,
  body: { type: string; regulation: string; subject: { email: string; name: string } } & Record<string, unknown>,
): Promise<boolean> {
  const client = new PipelineClient(endpoints.api, endpoints.mail);
  const started = Date.now();
  const { requestId, final, delivery } = await submitAndConfirm(client, body);
  if (!delivery) return false;
  const { body: text } = await client.download(linkIn(delivery, '/download'));
  const receipt = ChangeReceipt.parse(JSON.parse(text));
  const file = join(dataDir, 'downloads', `${body.type}-receipt-${requestId}.json`);
  writeFileSync(file, text);
  const asked = [...receipt.right.attributes, ...receipt.right.flags].join(', ');
  out(`→ change receipt downloaded: ${file}`);
  out(`  asked: ${asked} (names only: the receipt keeps no values)`);
  for (const s of receipt.systems) {
    const refused = s.refused.map((r) => `${r.name}: ${r.reason}`).join('; ');
    out(
      `  - ${s.id.padEnd(12)} ${s.outcome.padEnd(13)} matched ${String(s.matched).padStart(3)}, changed ${s.changed}, already so ${s.unchanged}${refused ? `; not changed — ${refused}` : ''}${s.owner ? ` (owner to tell: ${s.owner.name})` : ''}`,
    );
  }
  for (const n of receipt.notices) out(`  recipient ${n.recipient}: ${n.answer}${n.reason ? ` (${n.reason})` : ''}`);
  out(`  complete: ${receipt.summary.complete}; time taken: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return final.status === 'completed' && receipt.summary.complete;
}

async function changeRequests(endpoints: TwinEndpoints, credentials: LocalCredentials): Promise<boolean> {
  const local = { region: 'us-east-1', credentials };
  out(`\n(demo data) restoring ${DEMO_CHANGED_PERSON.email}'s records so there is something to change`);
  await restoreDemoPerson(
    new DynamoDBClient({ ...local, endpoint: endpoints.dynamodb }),
    new S3Client({ ...local, endpoint: endpoints.s3, forcePathStyle: true }),
    DEMO_CHANGED_PERSON.email,
  );
  const correction = await changeRequest(endpoints, {
    type: 'correction',
    regulation: 'gdpr',
    subject: DEMO_CHANGED_PERSON,
    corrections: [
      { attribute: 'name', value: 'Alan M. Lovelace', note: 'my middle initial was missing' },
      { attribute: 'phone', value: '+44 20 7946 0999' },
    ],
  });
  out('');
  const optOut = await changeRequest(endpoints, {
    type: 'opt_out',
    regulation: 'gdpr',
    subject: DEMO_CHANGED_PERSON,
    scope: 'marketing',
  });
  return correction && optOut;
}

async function main(): Promise<number> {
  const localJson = localJsonPath(dataDir);
  const running = await runningTwin(localJson);
  const twin = running
    ? undefined
    : await startTwin({
        dataDir,
        systemsFile: process.env.DSAR_SYSTEMS_FILE ?? DEMO_ESTATE_FILE,
        profile: process.env.DSAR_PROFILE || undefined,
      });
  const endpoints = running ?? twin?.endpoints;
  if (!endpoints) throw new Error('no twin');
  const credentials = running ? credentialsOf(running, localJson) : twin?.credentials;
  if (!credentials) throw new Error('no twin credentials');
  out(
    running
      ? `Using the local twin already running at ${endpoints.api}`
      : `Started the local twin (API ${endpoints.api}, data in ${dataDir})`,
  );
  try {
    const access = await accessRequest(endpoints);
    const deletion = access && (await deletionRequest(endpoints, credentials));
    const changes = deletion && (await changeRequests(endpoints, credentials));
    out(
      changes
        ? '\nDemo complete: an access, a deletion, a correction and a marketing opt-out were answered end to end, across DynamoDB, S3, Postgres, a SaaS API and a system only a person can reach.'
        : '\nDemo FAILED: a request did not complete.',
    );
    return changes ? 0 : 1;
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
