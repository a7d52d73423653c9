import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DeletionReceipt } from '../../functions/core/domain/receipt-format';
import { ExportDocument } from '../../functions/core/domain/export-format';
import { linkIn } from '../../infra/local/client';
import { DEMO_BUCKET, DEMO_TABLE } from '../../infra/local/demo-company';
import { AUDIT_TABLE, REQUESTS_TABLE, SUPPRESSION_TABLE } from '../../infra/local/twin';
import { verifyChain } from '../../functions/core/audit/chain';
import { runRequest, startTestTwin, type TestTwin } from './support';

const SUBJECT = { email: 'margaret.turing@example.com', name: 'Margaret Turing' };

/** Everything in the demo systems: customer items by id, clickstream objects by key. */
async function snapshot(dynamodb: DynamoDBDocumentClient, s3: S3Client) {
  const customers = new Map<string, string>();
  for await (const page of paginateScan({ client: dynamodb }, { TableName: DEMO_TABLE })) {
    for (const item of page.Items ?? [])
      customers.set(String(item.customerId), JSON.stringify(item, Object.keys(item).sort()));
  }
  const objects = new Map<string, string>();
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: DEMO_BUCKET }));
  for (const { Key } of listing.Contents ?? []) {
    const body = await (await s3.send(new GetObjectCommand({ Bucket: DEMO_BUCKET, Key }))).Body?.transformToString();
    objects.set(Key ?? '', body ?? '');
  }
  return { customers, objects };
}

describe('End to end: a deletion request', () => {
  let t: TestTwin;
  let dynamodb: DynamoDBDocumentClient;
  let s3: S3Client;

  beforeAll(async () => {
    t = await startTestTwin();
    dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.twin.endpoints.dynamodb }));
    s3 = new S3Client({ endpoint: t.twin.endpoints.s3, forcePathStyle: true });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('erases exactly the subject, proves it with a receipt, and leaves everyone else byte-identical', async () => {
    // Prepare
    const before = await snapshot(dynamodb, s3);
    const subjectLine = (line: string) => line.includes(`"email":"${SUBJECT.email}"`);
    const subjectEvents = [...before.objects.values()].flatMap((b) => b.split('\n')).filter(subjectLine).length;
    const subjectCustomers = [...before.customers.values()].filter((c) => c.includes(`"${SUBJECT.email}"`)).length;
    expect(subjectEvents).toBeGreaterThan(0);

    // Act
    const run = await runRequest(t.client, { type: 'deletion', regulation: 'gdpr', subject: SUBJECT });
    const receipt = DeletionReceipt.parse(
      JSON.parse((await t.client.download(linkIn(run.delivery, '/download'))).body),
    );
    const after = await snapshot(dynamodb, s3);

    // Assess: the receipt
    expect(run.final.status).toBe('completed');
    expect(receipt.summary).toMatchObject({ systems: 2, erased: 2, failed: 0, complete: true });
    expect(receipt.notices).toEqual([
      { recipient: 'Newsletter Mailer Ltd', answer: 'done', answeredAt: expect.any(String) },
    ]);
    expect(receipt.summary.records).toEqual({
      found: subjectCustomers + subjectEvents,
      deleted: subjectCustomers + subjectEvents,
      anonymized: 0,
      retained: 0,
      remaining: 0,
    });
    expect(receipt.systems.find((s) => s.id === 'customers')).toMatchObject({
      outcome: 'erased',
      found: { records: subjectCustomers },
      confirmed: { remaining: 0, expected: 0 },
    });
    expect(receipt.systems.find((s) => s.id === 'clickstream')).toMatchObject({
      outcome: 'erased',
      found: { records: subjectEvents },
      confirmed: { remaining: 0 },
    });
    expect(receipt.backups).toMatchObject({ retentionDays: 35 });
    expect(receipt.backups.statement).toContain('35 days');
    expect(JSON.stringify(receipt)).not.toContain(SUBJECT.email);
    expect(receipt.subject.keyedHash).toMatch(/^[0-9a-f]{64}$/);

    // Assess: the stores
    for (const [id, item] of before.customers) {
      if (item.includes(`"${SUBJECT.email}"`)) expect(after.customers.has(id)).toBe(false);
      else expect(after.customers.get(id)).toBe(item);
    }
    for (const [key, body] of before.objects) {
      const expected = body
        .split('\n')
        .filter((line) => !subjectLine(line))
        .join('\n');
      expect(after.objects.get(key), key).toBe(expected);
    }
  });

  it('keeps the erased identity on the suppression list as a keyed hash only', async () => {
    // Act
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateScan(
      { client: dynamodb },
      {
        TableName: SUPPRESSION_TABLE,
        FilterExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': 'suppression' },
      },
    )) {
      items.push(...(page.Items ?? []));
    }

    // Assess
    expect(items).toHaveLength(1);
    expect(String(items[0]?.pk)).toMatch(/^SUPPRESSION#[0-9a-f]{64}$/);
    expect(JSON.stringify(items, (_, v: unknown) => (v instanceof Set ? [...v] : v))).not.toContain('@');
  });

  it('leaves no trace of the erased address in the pipeline’s own table', async () => {
    // Act
    const everything: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client: dynamodb }, { TableName: REQUESTS_TABLE }))
      everything.push(...(page.Items ?? []));

    // Assess
    const deletion = everything.find((item) => item.kind === 'request' && item.type === 'deletion');
    expect(deletion).toMatchObject({ status: 'completed', subjectForgottenAt: expect.any(String) });
    expect(JSON.stringify(everything, (_, v: unknown) => (v instanceof Set ? [...v] : v))).not.toContain(SUBJECT.email);
  });

  it('records the request in an audit trail whose chain verifies, with who acted and no personal data', async () => {
    // Prepare
    const events: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client: dynamodb }, { TableName: AUDIT_TABLE, ConsistentRead: true }))
      events.push(...(page.Items ?? []));
    const byRequest = new Map<string, Record<string, unknown>[]>();
    for (const event of events)
      byRequest.set(String(event.requestId), [...(byRequest.get(String(event.requestId)) ?? []), event]);

    // Act
    const reports = [...byRequest].map(([id, items]) =>
      verifyChain(
        id,
        items.sort((a, b) => Number(a.seq) - Number(b.seq)),
      ),
    );

    // Assess
    expect(reports.length).toBeGreaterThan(0);
    for (const report of reports) expect(report.problems).toEqual([]);
    const trail = reports.find((r) => r.events.some((e) => e.kind === 'forgotten'))?.events ?? [];
    expect(trail[0]).toMatchObject({ kind: 'created', actor: 'intake' });
    expect(trail.some((e) => e.actor === 'subject' && e.to === 'verified')).toBe(true);
    expect(trail.some((e) => e.actor === 'workflow' && e.to === 'completed')).toBe(true);
    const text = JSON.stringify(events);
    expect(text).not.toContain('@');
    expect(text).not.toContain(SUBJECT.name);
  });

  it('finds nothing left when the same person then asks for their data', async () => {
    // Act
    const run = await runRequest(t.client, { type: 'access', regulation: 'gdpr', subject: SUBJECT });
    const document = ExportDocument.parse(
      JSON.parse((await t.client.download(linkIn(run.delivery, '/download'))).body),
    );

    // Assess
    expect(document.summary).toMatchObject({ records: 0, withRecords: 0, complete: true });
  });
});
