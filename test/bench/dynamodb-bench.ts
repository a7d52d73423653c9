import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDbSystemConfig } from '../../connectors/config';
import { createConnector } from '../../connectors/registry';
import { createTableAndWait } from '../../infra/local/emulators';
import { customersTable } from '../../infra/local/demo-company';
import type { EmulatorProcess } from './emulator-process';
import { shippedSystem } from './systems';
import { fmtInt, fmtMs, fmtSeconds, mean, percentile, print, table, timed, type Row } from './measure';

/**
 * Section 3: the DynamoDB connector's two read paths on a 20k-customer table. With a GSI on the email (`index` in
 * the system's configuration) a locate is one Query; without one it is a Scan of the whole table. The ratio between
 * them is the argument for configuring an index on every big table.
 */
export interface DynamoShape {
  customers: number;
  queries: number;
  scans: number;
}

const TABLE = 'BenchCustomers';
const PLANS = ['free', 'pro', 'team'];
const COUNTRIES = ['GB', 'DE', 'FR', 'US', 'NL', 'ES'];

const emailOf = (i: number) => `customer${String(i).padStart(6, '0')}@example.com`;

async function seed(emulators: EmulatorProcess, customers: number): Promise<void> {
  await createTableAndWait(emulators.dynamodb, customersTable(TABLE));
  const item = (i: number) => ({
    customerId: `cus_${String(i).padStart(6, '0')}`,
    email: emailOf(i),
    name: `Customer ${i}`,
    plan: PLANS[i % PLANS.length],
    country: COUNTRIES[i % COUNTRIES.length],
    createdAt: new Date(Date.UTC(2024, 0, 1) + (i % 700) * 86_400_000).toISOString(),
    marketingOptIn: i % 2 === 0,
  });
  const batches = Math.ceil(customers / 25);
  const write = async (b: number) => {
    const items = Array.from({ length: Math.min(25, customers - b * 25) }, (_, k) => item(b * 25 + k));
    let pending: Record<string, unknown>[] = items.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const out = await emulators.documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
      pending = (out.UnprocessedItems?.[TABLE] ?? []) as Record<string, unknown>[];
    }
  };
  const inFlight = 8;
  for (let first = 0; first < batches; first += inFlight) {
    await Promise.all(Array.from({ length: Math.min(inFlight, batches - first) }, (_, k) => write(first + k)));
  }
}

/** The customers system of the shipped configuration on the benchmark's table, with or without its index. */
function customersSystem(withIndex: boolean): DynamoDbSystemConfig {
  const identity = withIndex ? { email: { attribute: 'email', index: 'byEmail' } } : { email: { attribute: 'email' } };
  return shippedSystem('customers', 'dynamodb', { table: TABLE, identity });
}

/** Locate `count` different customers one after the other; the duration of each, in ms. */
async function locateMany(
  emulators: EmulatorProcess,
  system: DynamoDbSystemConfig,
  count: number,
  customers: number,
): Promise<number[]> {
  const connector = createConnector(system, {
    dynamodb: emulators.documents,
    s3: emulators.s3,
    anonymizationKey: 'bench',
  });
  const durations: number[] = [];
  for (let n = 0; n < count; n += 1) {
    const email = emailOf((n * 7_919 + 13) % customers);
    const { result: found, ms } = await timed(async () => {
      let records = 0;
      for await (const record of connector.locate({ email })) if (record.email === email) records += 1;
      return records;
    });
    if (found !== 1) throw new Error(`locate found ${found} records for one customer, expected 1`);
    durations.push(ms);
  }
  return durations;
}

export async function benchDynamoDb(emulators: EmulatorProcess, shape: DynamoShape): Promise<{ summary: Row[] }> {
  const seeding = await timed(() => seed(emulators, shape.customers));
  print(`  seeded ${fmtInt(shape.customers)} customers (GSI byEmail) in ${fmtSeconds(seeding.ms / 1000)}`);

  // One throw-away locate per path, so neither pays for connection set-up.
  await locateMany(emulators, customersSystem(true), 1, shape.customers);
  const query = await locateMany(emulators, customersSystem(true), shape.queries, shape.customers);
  const scan = await locateMany(emulators, customersSystem(false), shape.scans, shape.customers);
  const ratio = mean(scan) / mean(query);
  const row = (label: string, values: number[]): Row => [
    label,
    String(values.length),
    fmtMs(mean(values)),
    fmtMs(percentile(values, 50)),
    fmtMs(percentile(values, 95)),
    `${fmtInt(1000 / mean(values))}/s`,
  ];
  print(
    table(
      `3. Locate — DynamoDB connector, ${fmtInt(shape.customers)} customers, one subject per locate`,
      ['read path', 'locates', 'mean', 'p50', 'p95', 'rate'],
      [row('Query on GSI byEmail', query), row('Scan (no index configured)', scan)],
    ),
  );
  print(
    `  Scan / Query time ratio: ${ratio.toFixed(0)}× — a Scan reads all ${fmtInt(shape.customers)} items to find one`,
  );
  return {
    summary: [
      ['DynamoDB locate by index (Query)', fmtMs(mean(query)), 'per locate'],
      ['DynamoDB locate by Scan', fmtMs(mean(scan)), `${ratio.toFixed(0)}× the Query`],
    ],
  };
}
