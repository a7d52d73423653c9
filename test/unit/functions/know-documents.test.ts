import { Readable } from 'node:stream';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { withheldLine } from '../../../connectors/export-filter';
import { AssembleExport } from '../../../functions/assemble-export/assemble-export';
import { csvCell } from '../../../functions/assemble-export/portability';
import { archiveKey, exportKey, htmlKey, partKey } from '../../../functions/core/domain/document-keys';
import { ExportDocument } from '../../../functions/core/domain/export-format';
import { PortabilityDocument } from '../../../functions/core/domain/portability-format';
import type { RequestType, SystemOutcome } from '../../../functions/core/domain/request';
import { CategoriesStatement, DisclosuresStatement } from '../../../functions/core/domain/statement-format';
import { Download } from '../../../functions/download/download';
import { rightsSystems } from '../../fixtures/rights-systems';
import { MemoryDocuments, MemoryRequests, MemoryTokens, aRequest } from '../../support/fakes';

const ID = aRequest().requestId;
const NOW = new Date('2026-11-02T12:00:00Z');

async function setUp(type: RequestType, receivedAt = '2026-11-01T10:00:00.000Z') {
  const requests = new MemoryRequests();
  const documents = new MemoryDocuments();
  await requests.create(
    aRequest({ type, status: 'locating', receivedAt, verified: { email: 'ada@example.com' }, verifiedAt: receivedAt }),
  );
  const assemble = new AssembleExport(requests, documents, rightsSystems(), () => NOW);
  return { requests, documents, assemble };
}

/** Parts as LocateSystem leaves them: one record per line, the withheld line last. */
async function parts(documents: MemoryDocuments): Promise<SystemOutcome[]> {
  await documents.write(
    partKey(ID, 'customers'),
    Readable.from([
      `${JSON.stringify({ customerId: 'c1', email: 'ada@example.com', name: 'Ada, "the Countess"', plan: 'gold', note: '<script>alert(1)</script>' })}\n`,
      // a number no JavaScript number holds: written with all its digits
      '{"customerId":"c2","email":"ada@example.com","name":"Ada L.","plan":"free","balance":12345678901234567890}\n',
      withheldLine([{ field: 'passwordHash', reason: 'secret' }]),
    ]),
    'application/x-ndjson',
  );
  await documents.write(
    partKey(ID, 'clickstream'),
    Readable.from([`${JSON.stringify({ email: 'ada@example.com', page: '/home' })}\n`]),
    'application/x-ndjson',
  );
  return [
    { systemId: 'customers', status: 'found', recordCount: 2, partKey: partKey(ID, 'customers') },
    { systemId: 'clickstream', status: 'found', recordCount: 1, partKey: partKey(ID, 'clickstream') },
  ];
}

describe('Class: AssembleExport', () => {
  describe('Method: execute (access)', () => {
    it('writes the JSON export and a static, escaped HTML rendering of the same records', async () => {
      // Prepare
      const { documents, assemble } = await setUp('access');
      const outcomes = await parts(documents);

      // Act
      const result = await assemble.execute(ID, outcomes);

      // Assess
      expect(result).toEqual({ documentKey: exportKey(ID), complete: true });
      const json = ExportDocument.parse(JSON.parse(documents.objects.get(exportKey(ID))?.body ?? ''));
      expect(json.systems.map((s) => s.records.length)).toEqual([2, 1]);
      const html = documents.objects.get(htmlKey(ID));
      expect(html?.contentType).toMatch(/^text\/html/);
      expect(html?.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html?.body).toContain('Ada, &quot;the Countess&quot;');
      expect(html?.body).toContain('12345678901234567890');
      expect(html?.body).toContain('passwordHash (secret)');
      expect(html?.body).not.toMatch(/<script|src=|href=|https?:\/\//i);
      expect(html?.body).toContain("default-src 'none'");
      // the parts were copies for these documents: gone once both are written
      expect(documents.objects.has(partKey(ID, 'customers'))).toBe(false);
    });
  });

  describe('Method: execute (portability)', () => {
    it('zips JSON and one CSV per marked system, with the provided fields only; unmarked systems never appear', async () => {
      // Prepare
      const { documents, assemble } = await setUp('portability');
      const outcomes = await parts(documents);

      // Act
      const result = await assemble.execute(ID, outcomes);

      // Assess
      expect(result).toEqual({ documentKey: archiveKey(ID), complete: true });
      const zip = documents.objects.get(archiveKey(ID));
      expect(zip?.contentType).toBe('application/zip');
      const files = unzipSync(new Uint8Array(zip?.bytes ?? Buffer.alloc(0)));
      expect(Object.keys(files).sort()).toEqual(['customers.csv', 'portability.json']);
      const document = PortabilityDocument.parse(JSON.parse(strFromU8(files['portability.json'] ?? new Uint8Array())));
      expect(document.systems).toHaveLength(1);
      expect(document.systems[0]?.records).toEqual([
        { customerId: 'c1', email: 'ada@example.com', name: 'Ada, "the Countess"' },
        { customerId: 'c2', email: 'ada@example.com', name: 'Ada L.' },
      ]);
      expect(document.summary).toEqual({ systems: 1, records: 2, complete: true });
      expect(strFromU8(files['customers.csv'] ?? new Uint8Array())).toBe(
        'customerId,email,name\r\nc1,ada@example.com,"Ada, ""the Countess"""\r\nc2,ada@example.com,Ada L.\r\n',
      );
      expect(strFromU8(files['portability.json'] ?? new Uint8Array())).not.toMatch(/page|plan|balance/);
      expect(documents.objects.has(partKey(ID, 'clickstream'))).toBe(false);
    });

    it('is incomplete when a marked system found records that were not handed over (no part)', async () => {
      // Prepare
      const { assemble } = await setUp('portability');

      // Act
      const result = await assemble.execute(ID, [{ systemId: 'customers', status: 'found', recordCount: 3 }]);

      // Assess
      expect(result.complete).toBe(false);
    });

    it('is incomplete when a marked system failed', async () => {
      // Prepare
      const { assemble } = await setUp('portability');

      // Act
      const result = await assemble.execute(ID, [
        { systemId: 'customers', status: 'failed', recordCount: 0, error: 'ConnectorUnavailableError' },
      ]);

      // Assess
      expect(result.complete).toBe(false);
    });
  });

  describe('Method: execute (categories)', () => {
    it('answers from the data map alone, with no outcomes: categories, sources, purposes, recipients, sold, shared', async () => {
      // Prepare
      const { documents, assemble } = await setUp('categories');

      // Act
      const result = await assemble.execute(ID, []);

      // Assess
      expect(result).toEqual({ documentKey: exportKey(ID), complete: true });
      const statement = CategoriesStatement.parse(JSON.parse(documents.objects.get(exportKey(ID))?.body ?? ''));
      expect(statement.collected).toEqual(['commercial_information', 'identifiers', 'internet_activity']);
      expect(statement.sources).toEqual(['the data subject, at sign-up']);
      expect(statement.purposes).toEqual([
        { purpose: 'account management and billing', categories: ['commercial_information', 'identifiers'] },
        { purpose: 'product analytics', categories: ['internet_activity'] },
      ]);
      expect(statement.recipients.map((r) => r.category)).toEqual([
        'payment processors',
        'advertising networks',
        'catalog mailers',
      ]);
      expect(statement.sold).toEqual(['internet_activity']);
      expect(statement.shared).toEqual(['internet_activity']);
      expect(statement.disclosedForBusinessPurpose).toEqual(['commercial_information', 'identifiers']);
      const html = documents.objects.get(htmlKey(ID))?.body ?? '';
      expect(html).toContain('payment processors');
      expect(html).not.toMatch(/<script/i);
    });
  });

  describe('Method: execute (disclosures)', () => {
    it.each([
      ['2026-11-01T10:00:00.000Z', 2025, ['AdNet <Partners> & Co']],
      ['2025-01-10T10:00:00.000Z', 2024, ['Catalog Mailers Inc']],
      ['2021-05-01T10:00:00.000Z', 2020, ['Catalog Mailers Inc']],
    ])('received %s: lists the direct-marketing recipients of %i', async (receivedAt, year, names) => {
      // Prepare
      const { documents, assemble } = await setUp('disclosures', receivedAt);

      // Act
      await assemble.execute(ID, []);

      // Assess
      const statement = DisclosuresStatement.parse(JSON.parse(documents.objects.get(exportKey(ID))?.body ?? ''));
      expect(statement.year).toBe(year);
      expect(statement.recipients.map((r) => r.name)).toEqual(names);
      expect(statement.recipients.every((r) => r.address)).toBe(true);
      const html = documents.objects.get(htmlKey(ID))?.body ?? '';
      if (names.includes('AdNet <Partners> & Co')) expect(html).toContain('AdNet &lt;Partners&gt; &amp; Co');
      expect(html).not.toContain('<Partners>');
    });
  });

  describe('Method: execute (rights without a document)', () => {
    it.each(['opt_out', 'correction', 'deletion'] as const)('refuses %s and writes nothing', async (type) => {
      // Prepare
      const { documents, assemble, requests } = await setUp(type);
      const outcomes = await parts(documents);
      const before = documents.objects.size;

      // Act
      const refused = assemble.execute(ID, outcomes);

      // Assess
      await expect(refused).rejects.toMatchObject({ name: 'WrongRequestTypeError' });
      expect(documents.objects.size).toBe(before);
      expect((await requests.load(ID)).status).toBe('locating');
    });
  });
});

describe('Function: csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' edge', '" edge"'],
    [null, ''],
    [42, '42'],
    [{ a: 1 }, '"{""a"":1}"'],
  ])('writes %j as %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe('Class: Download (documents of several files)', () => {
  async function delivered(type: RequestType, documentKey: string) {
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    await requests.create(aRequest({ type, status: 'completed', documentKey }));
    const token = await tokens.issue('download', ID, 60);
    return { download: new Download(requests, tokens, new MemoryDocuments()), token };
  }

  it.each([
    ['access', 'data-export'],
    ['categories', 'categories-statement'],
    ['disclosures', 'disclosures-statement'],
  ] as const)(
    'offers the JSON and the HTML of %s, each once through its own presigned redirect',
    async (type, stem) => {
      // Prepare
      const { download, token } = await delivered(type, exportKey(ID));

      // Act
      const page = await download.execute(token);
      const files = 'files' in page ? page.files : [];
      const json = await download.execute(files[0]?.token, 'json');
      const html = await download.execute(files[1]?.token, 'html');
      const again = download.execute(files[1]?.token, 'html');

      // Assess
      expect(files.map((f) => [f.format, f.fileName])).toEqual([
        ['json', `${stem}-${ID}.json`],
        ['html', `${stem}-${ID}.html`],
      ]);
      expect('redirect' in json && json.redirect).toContain(`${exportKey(ID)}?expires=300`);
      expect('redirect' in html && html.redirect).toContain(`${htmlKey(ID)}?expires=300`);
      await expect(again).rejects.toMatchObject({ name: 'InvalidTokenError' });
      await expect(download.execute(token)).rejects.toMatchObject({ name: 'InvalidTokenError' });
    },
  );

  it('redirects a portability download straight to its archive', async () => {
    // Prepare
    const { download, token } = await delivered('portability', archiveKey(ID));

    // Act
    const answer = await download.execute(token);

    // Assess
    expect(answer).toEqual({
      redirect: expect.stringContaining(`${archiveKey(ID)}?expires=300&name=portable-data-${ID}.zip`),
    });
  });
});
