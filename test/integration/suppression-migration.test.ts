import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSuppressionList, moveLegacySuppression } from '../../functions/core/adapters/dynamo-suppression-list';
import { createTableAndWait, type RunningEmulator, startDynamoDb } from '../../infra/local/emulators';

/**
 * A deployment made by the previous version keeps its suppression list in the requests table; the re-apply command
 * now reads the Suppression table only. Unmoved, those entries would let a restore bring erased people back unseen.
 */
describe('Function: moveLegacySuppression (dynalite)', () => {
  let dynamo: RunningEmulator;
  let doc: DynamoDBDocumentClient;
  const hash = (n: number) => String(n).repeat(64).slice(0, 64);

  beforeAll(async () => {
    dynamo = await startDynamoDb();
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint });
    doc = DynamoDBDocumentClient.from(client);
    for (const TableName of ['Requests', 'Suppression']) {
      await createTableAndWait(client, {
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      });
    }
  });
  afterAll(async () => dynamo?.stop());

  it('moves every legacy entry with its dates and requests, merges with one already moved, leaves requests alone, and is idempotent', async () => {
    // Prepare: two legacy entries and a request in the requests table; one of the hashes is also in the new table
    const legacy = (n: number, ids: string[]) => ({
      pk: `SUPPRESSION#${hash(n)}`,
      kind: 'suppression',
      firstErasedAt: `2026-01-0${n}T00:00:00Z`,
      lastErasedAt: `2026-02-0${n}T00:00:00Z`,
      requestIds: new Set(ids),
    });
    await doc.send(new PutCommand({ TableName: 'Requests', Item: legacy(1, ['r1']) }));
    await doc.send(new PutCommand({ TableName: 'Requests', Item: legacy(2, ['r2', 'r3']) }));
    await doc.send(
      new PutCommand({ TableName: 'Requests', Item: { pk: 'REQUEST#r9', kind: 'request', status: 'completed' } }),
    );
    await new DynamoSuppressionList(doc, 'Suppression').add(hash(2), 'r4');

    // Act
    const moved = await moveLegacySuppression(doc, 'Requests', 'Suppression');
    const again = await moveLegacySuppression(doc, 'Requests', 'Suppression');

    // Assess
    expect(moved).toBe(2);
    expect(again).toBe(0);
    const list = new DynamoSuppressionList(doc, 'Suppression');
    expect(await list.has(hash(1))).toBe(true);
    const all: string[] = [];
    for await (const h of list.all()) all.push(h);
    expect(all.sort()).toEqual([hash(1), hash(2)]);
    const first = (await doc.send(new GetCommand({ TableName: 'Suppression', Key: { pk: `SUPPRESSION#${hash(1)}` } })))
      .Item;
    expect(first).toMatchObject({ firstErasedAt: '2026-01-01T00:00:00Z', lastErasedAt: '2026-02-01T00:00:00Z' });
    const merged = (await doc.send(new GetCommand({ TableName: 'Suppression', Key: { pk: `SUPPRESSION#${hash(2)}` } })))
      .Item;
    expect([...((merged?.requestIds as Set<string> | undefined) ?? [])].sort()).toEqual(['r2', 'r3', 'r4']);
    const left = (await doc.send(new ScanCommand({ TableName: 'Requests' }))).Items ?? [];
    expect(left.map((i) => i.pk)).toEqual(['REQUEST#r9']);
  });
});
