import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportDocument } from '../../functions/core/domain/export-format';
import { linkIn } from '../../infra/local/client';
import { DEMO_PERSON } from '../../infra/local/demo-company';
import { REPO_ROOT } from '../../infra/local/twin';
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

  it('expires a request nobody confirms within the window, and says so by mail', async () => {
    // Prepare
    const submitted = await t.client.submit({
      type: 'access',
      regulation: 'gdpr',
      subject: { email: 'frances.lovelace@example.com' },
    });
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const verification = await t.client.waitForMail('frances.lovelace@example.com', requestId, /confirm/i);

    // Act
    const final = await t.client.waitForStatus(requestId, statusToken, ['expired', 'completed'], 30_000);
    const late = (await t.client.confirm(linkIn(verification, '/verify'))).confirmed;

    // Assess
    expect(final.status).toBe('expired');
    await t.client.waitForMail('frances.lovelace@example.com', requestId, /expired/i, 5_000);
    expect(late.status).toBe(410);
  });
});
