import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortabilityDocument } from '../../functions/core/domain/portability-format';
import { CategoriesStatement, DisclosuresStatement } from '../../functions/core/domain/statement-format';
import { linkIn } from '../../infra/local/client';
import { DEMO_PERSON, demoCustomers, demoPeople } from '../../infra/local/demo-company';
import { rightsSystemsJson } from '../fixtures/rights-systems';
import { runRequest, startTestTwin, type TestTwin } from './support';

/**
 * The "know" rights beyond access, through the twin's HTTP API as a subject uses it: submit → verify → download →
 * contents. The demo company's systems, configured with a portability marking on `customers` and a data map.
 */
describe('End to end: portability, categories and disclosures', () => {
  let t: TestTwin;
  let configDir: string;

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'dsar-know-'));
    const systemsFile = join(configDir, 'systems.json');
    writeFileSync(systemsFile, JSON.stringify(rightsSystemsJson()));
    t = await startTestTwin({ systemsFile });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('portability: one zip with JSON and a CSV of the marked system, provided fields only', async () => {
    // Act
    const run = await runRequest(t.client, { type: 'portability', regulation: 'gdpr', subject: DEMO_PERSON });
    const { bytes, redirectedTo } = await t.client.download(linkIn(run.delivery, '/download'));

    // Assess
    expect(run.final).toMatchObject({ status: 'completed' });
    expect(redirectedTo).toMatch(/\.zip\?/);
    const files = unzipSync(new Uint8Array(bytes));
    expect(Object.keys(files).sort()).toEqual(['customers.csv', 'portability.json']);
    const document = PortabilityDocument.parse(JSON.parse(strFromU8(files['portability.json'] ?? new Uint8Array())));
    const expected = demoCustomers(demoPeople())
      .filter((c) => c.email === DEMO_PERSON.email)
      .map((c) => ({ customerId: c.customerId, email: c.email, name: c.name }));
    expect(document.systems.map((s) => s.id)).toEqual(['customers']);
    expect(document.systems[0], JSON.stringify(document)).toMatchObject({ records: expected });
    const csv = strFromU8(files['customers.csv'] ?? new Uint8Array())
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toBe('customerId,email,name');
    expect(csv).toHaveLength(expected.length + 1);
    // nothing of the unmarked system, nothing beyond the provided fields
    expect(strFromU8(files['portability.json'] ?? new Uint8Array())).not.toMatch(/clickstream|plan|country/);
  });

  it('categories: the data map as JSON and readable HTML', async () => {
    // Act
    const run = await runRequest(t.client, { type: 'categories', regulation: 'ccpa', subject: DEMO_PERSON });
    const files = await t.client.downloadFiles(linkIn(run.delivery, '/download'));

    // Assess
    expect(run.final).toMatchObject({ status: 'completed' });
    expect([...files.keys()]).toEqual(['json', 'html']);
    const statement = CategoriesStatement.parse(JSON.parse(files.get('json')?.body ?? ''));
    expect(statement.request).toMatchObject({ id: run.requestId, type: 'categories' });
    expect(statement.collected).toEqual(['commercial_information', 'identifiers', 'internet_activity']);
    expect(statement.sold).toEqual(['internet_activity']);
    expect(files.get('html')?.body).toMatch(/^<!DOCTYPE html>/);
    expect(files.get('html')?.body).toContain('advertising networks');
    expect(files.get('html')?.body).not.toMatch(/<script/i);
  });

  it('disclosures: last calendar year’s direct-marketing recipients, names and addresses, escaped in HTML', async () => {
    // Act
    const run = await runRequest(t.client, { type: 'disclosures', regulation: 'ccpa', subject: DEMO_PERSON });
    const files = await t.client.downloadFiles(linkIn(run.delivery, '/download'));

    // Assess
    const statement = DisclosuresStatement.parse(JSON.parse(files.get('json')?.body ?? ''));
    expect(statement.year).toBe(new Date().getUTCFullYear() - 1);
    const expected = rightsSystems2025Names(statement.year);
    expect(statement.recipients.map((r) => r.name)).toEqual(expected);
    if (expected.length) expect(files.get('html')?.body).toContain('AdNet &lt;Partners&gt; &amp; Co');
    expect(files.get('html')?.body).not.toContain('<Partners>');
  });
});

/** Which of the fixture's recipients did direct marketing in `year` (AdNet from March 2025; Catalogs until mid-2024). */
function rightsSystems2025Names(year: number): string[] {
  const names: string[] = [];
  if (year >= 2025) names.push('AdNet <Partners> & Co');
  if (year >= 2020 && year <= 2024) names.push('Catalog Mailers Inc');
  return names;
}
