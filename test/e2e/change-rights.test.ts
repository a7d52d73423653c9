import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ChangeReceipt } from '../../functions/core/domain/receipt-format';
import { linkIn } from '../../infra/local/client';
import { DEMO_BUCKET, DEMO_TABLE } from '../../infra/local/demo-company';
import { runRequest, startTestTwin, type TestTwin } from './support';

/**
 * The rights that change records, through the twin against the demo company (infra/config/systems.json): submit →
 * verify (where required) → the stores changed exactly as asked and nothing else (every other customer item and every
 * other person's event line byte-identical; the subject's own item differs only in the asked fields) → the answer mail
 * names the right and what was done per system, with a change receipt behind its link.
 *
 * Against the connectors' contract (correct/setFlags through `updateSubject`): the DynamoDB and S3 stores implement it
 * in another branch; until that merges, these fail at the stores.
 */

type Item = Record<string, unknown>;

async function snapshot(dynamodb: DynamoDBDocumentClient, s3: S3Client) {
  const customers = new Map<string, Item>();
  for await (const page of paginateScan({ client: dynamodb }, { TableName: DEMO_TABLE })) {
    for (const item of page.Items ?? []) customers.set(String(item.email), item);
  }
  const lines: string[] = [];
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: DEMO_BUCKET }));
  for (const { Key } of listing.Contents ?? []) {
    const body = await (await s3.send(new GetObjectCommand({ Bucket: DEMO_BUCKET, Key }))).Body?.transformToString();
    lines.push(...(body ?? '').split('\n').filter((l) => l.trim() !== ''));
  }
  return { customers, lines };
}

const person = (local: string, name: string) => ({ email: `${local}@example.com`, name });

/** One case per right: its body, what the subject's customer item must become, and what each event line gets. */
const CASES = [
  {
    right: 'correction',
    subject: person('ada.hopper', 'Ada Hopper'),
    body: {
      corrections: [
        { attribute: 'name', value: 'Ada B. Hopper' },
        { attribute: 'phone', value: '+44 20 7946 1111' },
      ],
    },
    customer: { name: 'Ada B. Hopper', phone: '+44 20 7946 1111' },
    events: {},
    verified: true,
  },
  {
    right: 'restriction',
    subject: person('alan.hopper', 'Alan Hopper'),
    body: { ground: 'accuracy_contested' },
    customer: { restricted: true },
    // clickstream records a restriction flag too
    events: { restricted: true },
    verified: true,
  },
  {
    right: 'objection',
    subject: person('grace.hopper', 'Grace Hopper'),
    body: { scope: 'marketing' },
    customer: { marketingOptIn: false },
    events: {},
    verified: true,
  },
  {
    right: 'opt_out',
    subject: person('linus.hopper', 'Linus Hopper'),
    body: { scope: 'marketing' },
    customer: { marketingOptIn: false },
    events: {},
    verified: true,
  },
  {
    right: 'limit_sensitive',
    subject: person('margaret.hopper', 'Margaret Hopper'),
    body: {},
    customer: { limitSensitive: true },
    events: {},
    // CCPA §7027: no identity verification, bound to the identifier given
    verified: false,
  },
  {
    right: 'withdraw_consent',
    subject: person('barbara.hopper', 'Barbara Hopper'),
    body: { purpose: 'newsletter' },
    customer: { newsletterConsent: false },
    events: {},
    verified: true,
  },
] as const;

describe('End to end: the rights that change records', () => {
  let t: TestTwin;
  let dynamodb: DynamoDBDocumentClient;
  let s3: S3Client;

  beforeAll(async () => {
    t = await startTestTwin();
    dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.twin.endpoints.dynamodb }));
    s3 = new S3Client({ endpoint: t.twin.endpoints.s3, forcePathStyle: true });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  /** Submit; confirm from the mail where the right needs it; wait for the end and the answer mail. */
  async function exercise(c: (typeof CASES)[number]) {
    const body = {
      type: c.right,
      regulation: c.right === 'limit_sensitive' ? 'ccpa' : 'gdpr',
      subject: c.subject,
      ...c.body,
    };
    if (c.verified) return runRequest(t.client, body);
    const submitted = await t.client.submit(body);
    const { requestId, statusToken } = submitted.json as { requestId: string; statusToken: string };
    const ended = t.client.waitForStatus(requestId, statusToken, ['completed', 'partially_completed']);
    await t.client.answerNoticesUntil(requestId, ended);
    const final = await ended;
    const delivery = await t.client.waitForMail(c.subject.email, requestId, /request is/i);
    return { requestId, final, delivery };
  }

  it.each(CASES)('$right: changes exactly what was asked, nothing else, and says so per system', async (c) => {
    // Prepare
    const before = await snapshot(dynamodb, s3);
    const mine = (line: string) => (JSON.parse(line) as Item).email === c.subject.email;
    const ownBefore = before.customers.get(c.subject.email);
    expect(ownBefore).toBeDefined();

    // Act
    const run = await exercise(c);
    const receipt = ChangeReceipt.parse(JSON.parse((await t.client.download(linkIn(run.delivery, '/download'))).body));
    const after = await snapshot(dynamodb, s3);

    // Assess: the subject's item holds the asked values and nothing else changed in it
    expect(after.customers.get(c.subject.email)).toEqual({ ...ownBefore, ...c.customer });
    // every other customer is as it was
    for (const [email, item] of before.customers)
      if (email !== c.subject.email) expect(after.customers.get(email), email).toEqual(item);
    // every other person's event line is byte-identical; the subject's lines carry only the asked flag
    expect(after.lines.filter((l) => !mine(l)).sort()).toEqual(before.lines.filter((l) => !mine(l)).sort());
    const ownLines = (lines: string[]) =>
      lines
        .filter(mine)
        .map((l) => JSON.parse(l) as Item)
        .sort((a, b) => String(a.eventId).localeCompare(String(b.eventId)));
    expect(ownLines(after.lines)).toEqual(ownLines(before.lines).map((e) => ({ ...e, ...c.events })));

    // the answer: completed, a change receipt naming the right, and a mail saying what was done per system
    const changedFields = Object.keys(c.customer).filter((k) => ownBefore?.[k] !== (c.customer as Item)[k]);
    expect(run.final.status).toBe('completed');
    expect(receipt.request.type).toBe(c.right);
    expect(receipt.summary.complete).toBe(true);
    // the data map's recipient was told (GDPR Art. 19), and — where clickstream has no field for what was asked —
    // its owner, to make the change by hand; their answers are on the receipt
    const byHand = receipt.systems.find((s) => s.id === 'clickstream')?.outcome === 'not_recorded';
    expect(receipt.notices).toEqual([
      { recipient: 'Newsletter Mailer Ltd', answer: 'done', answeredAt: expect.any(String) },
      ...(byHand
        ? [{ recipient: 'Analytics team (owner of clickstream)', answer: 'done', answeredAt: expect.any(String) }]
        : []),
    ]);
    expect(byHand).toBe(c.right !== 'restriction');
    expect(receipt.systems.find((s) => s.id === 'customers')).toMatchObject({
      matched: 1,
      changed: changedFields.length > 0 ? 1 : 0,
      refused: [],
    });
    expect(run.delivery.text).toMatch(/- customers: (changed as asked \(1 records\)|already as asked)/);
    expect(run.delivery.text).toContain('- clickstream: ');
    // no corrected value is kept in the receipt
    for (const value of Object.values(c.customer))
      if (typeof value === 'string') expect(JSON.stringify(receipt)).not.toContain(value);
  });
});
