import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportDocument } from '../../functions/core/domain/export-format';
import { linkIn } from '../../infra/local/client';
import { DEMO_PERSON } from '../../infra/local/demo-company';
import { REPO_ROOT, REQUESTS_TABLE } from '../../infra/local/twin';
import { runRequest, startTestTwin, type TestTwin } from './support';

/** What must hold when things go wrong: a failing system, a subject who never confirms. */
describe('End to end: failures and restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-resilience-'));
  let t: TestTwin;

  beforeAll(async () => {
    // Prepare: the demo systems plus one whose bucket does not exist
    const config = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/config/systems.json'), 'utf8')) as {
      systems: object[];
    };
    config.systems.push({
      id: 'archive',
      type: 's3-objects',
      bucket: 'no-such-bucket',
      prefix: '',
      format: 'jsonl',
      identity: { email: { field: 'email' } },
      holds: { categories: ['identifiers'], purpose: 'archive' },
      erasure: { strategy: 'delete' },
    });
    const systemsFile = join(dir, 'systems.json');
    writeFileSync(systemsFile, JSON.stringify(config));
    // An 8-second verification window: ample for the other test to confirm even on a loaded machine, short enough
    // to watch a request expire.
    t = await startTestTwin({
      dataDir: join(dir, 'data'),
      systemsFile,
      context: { verificationWindowHours: 8 / 3600 },
      sweep: { intervalMs: 500 },
    });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a system that cannot be searched, and delivers partially_completed — never complete', async () => {
    // Act
    const run = await runRequest(t.client, { type: 'access', regulation: 'gdpr', subject: DEMO_PERSON });
    const document = ExportDocument.parse(
      JSON.parse((await t.client.download(linkIn(run.delivery, '/download'))).body),
    );

    // Assess
    expect(run.final).toMatchObject({ status: 'partially_completed', systems: { searched: 3, failed: 1 } });
    expect(document.summary.complete).toBe(false);
    expect(document.systems.find((s) => s.id === 'archive')).toMatchObject({
      status: 'failed',
      error: 'ConnectorConfigError',
      records: [],
    });
    expect(document.systems.find((s) => s.id === 'customers')?.status).toBe('found');
    expect(run.delivery.subject).toMatch(/partly complete/);
  });

  it('expires a request nobody confirms within the window, without a second mail, and forgets its address', async () => {
    // Prepare
    const email = 'frances.lovelace@example.com';
    const submitted = await t.client.submit({ type: 'access', regulation: 'gdpr', subject: { email } });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const verification = await t.client.waitForMail(email, requestId, /confirm/i);

    // Act: the sweeper (every half second here) ends it once the 8-second window has passed
    const final = await t.client.waitForStatus(requestId, statusToken, ['expired', 'completed'], 30_000);
    const late = await t.client.open(linkIn(verification, '/verify'));

    // Assess: no "expired" mail (the intake must not mail an address twice for a request nobody confirmed), the link
    // is dead, and the record keeps the keyed hash and dates, not the address
    expect(final.status).toBe('expired');
    expect(late.status).toBe(410);
    expect((await t.client.mails()).filter((m) => m.text.includes(requestId))).toHaveLength(1);
    const stored = await requestItem(t, requestId);
    expect(stored).toMatchObject({ status: 'expired', subjectHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(stored)).not.toContain('@');
  });
});

/** The request's item as stored in the twin's requests table. */
async function requestItem(t: TestTwin, requestId: string): Promise<Record<string, unknown> | undefined> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.twin.endpoints.dynamodb }));
  const { Item } = await client.send(
    new GetCommand({ TableName: REQUESTS_TABLE, Key: { pk: `REQUEST#${requestId}` } }),
  );
  return Item;
}
