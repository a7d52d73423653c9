import {
  DescribeTableCommand,
  ResourceNotFoundException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createTableAndWait } from './emulators';

/**
 * A synthetic demo company, deterministic from a seed: a DynamoDB `DemoCustomers` table (GSI `byEmail`) and an
 * S3 bucket of JSON Lines clickstream events, several people per object. Names and addresses are invented.
 */
export const DEMO_PEOPLE = 300;
export const DEMO_TABLE = 'DemoCustomers';
export const DEMO_BUCKET = 'demo-clickstream';
/** The person the demo asks for: a customer with events in several objects. */
export const DEMO_PERSON = { email: 'ada.lovelace@example.com', name: 'Ada Lovelace' } as const;
/** The person whose details the demo corrects and who opts out of marketing (restored first, so each run changes). */
export const DEMO_CHANGED_PERSON = { email: 'alan.lovelace@example.com', name: 'Alan Lovelace' } as const;
/** The person the demo erases (restored first, so every run has something to erase). */
export const DEMO_ERASED_PERSON = { email: 'grace.lovelace@example.com', name: 'Grace Lovelace' } as const;

const FIRST = [
  'ada',
  'alan',
  'grace',
  'linus',
  'margaret',
  'dennis',
  'barbara',
  'ken',
  'frances',
  'edsger',
  'radia',
  'tim',
  'hedy',
  'john',
  'katherine',
];
const LAST = [
  'lovelace',
  'turing',
  'hopper',
  'torvalds',
  'hamilton',
  'ritchie',
  'liskov',
  'thompson',
  'allen',
  'dijkstra',
  'perlman',
  'berners-lee',
  'lamarr',
  'backus',
  'johnson',
];
const PAGES = ['/', '/pricing', '/docs', '/blog', '/account', '/checkout', '/support'];
const ACTIONS = ['view', 'click', 'scroll', 'search', 'purchase'];

/** mulberry32: a tiny seeded PRNG, so every run seeds the same people and events. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoPerson {
  customerId: string;
  email: string;
  name: string;
}

export function demoPeople(count = DEMO_PEOPLE): DemoPerson[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[i % FIRST.length] ?? 'alex';
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length] ?? 'smith';
    const n = Math.floor(i / (FIRST.length * LAST.length));
    const local = n === 0 ? `${first}.${last}` : `${first}.${last}${n + 1}`;
    const title = (s: string) => s.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase());
    return {
      customerId: `cus_${String(i + 1).padStart(4, '0')}`,
      email: `${local}@example.com`,
      name: `${title(first)} ${title(last)}`,
    };
  });
}

export function demoCustomers(people: DemoPerson[]): Record<string, unknown>[] {
  const random = prng(7);
  return people.map((p) => ({
    ...p,
    plan: random() < 0.3 ? 'pro' : 'free',
    country: ['GB', 'DE', 'FR', 'US', 'NL'][Math.floor(random() * 5)],
    createdAt: new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 600) * 86_400_000).toISOString(),
    marketingOptIn: random() < 0.5,
    // the fields the rights that change records write (infra/config/systems.json `correctable` and `flags`); derived
    // from the index, not drawn, so the seeded values above stay what they were
    ...demoPreferences(people.indexOf(p)),
  }));
}

/** Correctable details and preference flags of the i-th demo customer: invented, deterministic. */
function demoPreferences(i: number): Record<string, unknown> {
  return {
    postalAddress: `${(i % 90) + 10} Example Street, Demo Town`,
    phone: `+44 20 7946 ${String(i).padStart(4, '0')}`,
    doNotSell: false,
    restricted: false,
    limitSensitive: false,
    profilingOptOut: false,
    newsletterConsent: i % 2 === 0,
  };
}

/** Events spread over days; each day's object mixes many people. Returns object key → JSON Lines body. */
export function demoClickstream(people: DemoPerson[], days = 6): Map<string, string> {
  const random = prng(11);
  const objects = new Map<string, string>();
  for (let d = 0; d < days; d += 1) {
    const date = new Date(Date.UTC(2026, 9, 1 + d));
    const lines: string[] = [];
    for (const [i, person] of people.entries()) {
      const events = i === 0 ? 3 : Math.floor(random() * 3);
      for (let e = 0; e < events; e += 1) {
        const ts = new Date(date.getTime() + Math.floor(random() * 86_400_000)).toISOString();
        lines.push(
          JSON.stringify({
            eventId: `evt_${d}_${i}_${e}`,
            ts,
            email: person.email,
            page: PAGES[Math.floor(random() * PAGES.length)],
            action: ACTIONS[Math.floor(random() * ACTIONS.length)],
          }),
        );
      }
    }
    objects.set(`events/${date.toISOString().slice(0, 10)}/part-0000.jsonl`, `${lines.join('\n')}\n`);
  }
  return objects;
}

/** A customers table keyed by `customerId` with a `byEmail` GSI projecting every attribute (as connectors need). */
export function customersTable(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'customerId', AttributeType: 'S' },
      { AttributeName: 'email', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byEmail',
        KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/**
 * App sessions, one object per month, keyed by customer id only (no address): found for a subject only once resolution
 * has read their customer id from the customers table (the system of record). Returns object key → JSON Lines body.
 */
export function demoSessions(people: DemoPerson[], months = 2): Map<string, string> {
  const random = prng(13);
  const objects = new Map<string, string>();
  for (let m = 0; m < months; m += 1) {
    const lines: string[] = [];
    for (const [i, person] of people.entries()) {
      const sessions = i < 3 ? 2 : Math.floor(random() * 2);
      for (let n = 0; n < sessions; n += 1)
        lines.push(
          JSON.stringify({
            sessionId: `ses_${m}_${i}_${n}`,
            customerId: person.customerId,
            device: ['ios', 'android', 'web'][Math.floor(random() * 3)],
            startedAt: new Date(Date.UTC(2026, 8 + m, 1 + Math.floor(random() * 28))).toISOString(),
          }),
        );
    }
    objects.set(`sessions/2026-${String(9 + m).padStart(2, '0')}.jsonl`, `${lines.join('\n')}\n`);
  }
  return objects;
}

/** Every demo object of the bucket: the clickstream (by address) and the sessions (by customer id). */
function demoObjects(people: DemoPerson[]): Map<string, string> {
  return new Map([...demoClickstream(people), ...demoSessions(people)]);
}

/** Create and fill the demo systems, once: a twin restarted on the same data keeps what it has. */
export async function seedDemoCompany(dynamodb: DynamoDBClient, s3: S3Client): Promise<{ seeded: boolean }> {
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: DEMO_TABLE }));
    // data seeded by an earlier version has no app sessions: add them, once
    await s3
      .send(new HeadObjectCommand({ Bucket: DEMO_BUCKET, Key: [...demoSessions(demoPeople()).keys()][0] }))
      .catch(async () => {
        for (const [key, body] of demoSessions(demoPeople()))
          await s3.send(
            new PutObjectCommand({ Bucket: DEMO_BUCKET, Key: key, Body: body, ContentType: 'application/x-ndjson' }),
          );
      });
    return { seeded: false };
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const people = demoPeople();
  await createBucket(s3, DEMO_BUCKET);
  for (const [key, body] of demoObjects(people)) {
    await s3.send(
      new PutObjectCommand({ Bucket: DEMO_BUCKET, Key: key, Body: body, ContentType: 'application/x-ndjson' }),
    );
  }
  await createTableAndWait(dynamodb, customersTable(DEMO_TABLE));
  const doc = DynamoDBDocumentClient.from(dynamodb);
  const items = demoCustomers(people);
  for (let i = 0; i < items.length; i += 25) {
    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [DEMO_TABLE]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
  return { seeded: true };
}

export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

/**
 * Put one demo person's records back (their customer item, and the clickstream objects that held their events),
 * so the demo's deletion always has something to erase. Demo data only: the objects are rewritten with their
 * seeded content.
 */
export async function restoreDemoPerson(dynamodb: DynamoDBClient, s3: S3Client, email: string): Promise<void> {
  const people = demoPeople();
  const customer = demoCustomers(people).find((c) => c.email === email);
  if (customer)
    await DynamoDBDocumentClient.from(dynamodb).send(new PutCommand({ TableName: DEMO_TABLE, Item: customer }));
  for (const [key, body] of demoObjects(people)) {
    if (body.includes(`"email":"${email}"`) || (customer && body.includes(`"customerId":"${customer.customerId}"`)))
      await s3.send(
        new PutObjectCommand({ Bucket: DEMO_BUCKET, Key: key, Body: body, ContentType: 'application/x-ndjson' }),
      );
  }
}
