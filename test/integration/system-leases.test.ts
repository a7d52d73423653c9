import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSystemLeases, SYSTEM_LEASE_SECONDS } from '../../functions/core/adapters/dynamo-system-leases';
import type { SystemLease } from '../../functions/core/ports';
import { createTableAndWait, startDynamoDb, type RunningEmulator } from '../../infra/local/emulators';

const TABLE = 'DsarRequests';
const T0 = Date.parse('2026-11-02T10:00:00.000Z');

describe('Class: DynamoSystemLeases (dynalite)', () => {
  let dynalite: RunningEmulator;
  /** two clients, as two Lambda invocations would have */
  const clients: DynamoDBClient[] = [];
  const documents: DynamoDBDocumentClient[] = [];
  let systems = 0;

  /** A system id no other test has used. */
  const freshSystem = () => {
    systems += 1;
    return `system-${systems}`;
  };

  /** Leases seen through client `which`, at a clock the test sets (default: the real one). */
  const leasesAt = (at?: () => number, which = 0) =>
    new DynamoSystemLeases(
      documents[which] as DynamoDBDocumentClient,
      TABLE,
      SYSTEM_LEASE_SECONDS,
      at ? () => new Date(at()) : undefined,
    );

  const item = async (systemId: string, slot: number) =>
    (
      await (documents[0] as DynamoDBDocumentClient).send(
        new GetCommand({ TableName: TABLE, Key: { pk: `LEASE#${systemId}#${slot}` }, ConsistentRead: true }),
      )
    ).Item;

  beforeAll(async () => {
    dynalite = await startDynamoDb();
    for (let i = 0; i < 2; i += 1) {
      const client = new DynamoDBClient({
        endpoint: dynalite.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      clients.push(client);
      documents.push(DynamoDBDocumentClient.from(client));
    }
    await createTableAndWait(clients[0] as DynamoDBClient, {
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await dynalite.stop();
  });

  describe('Method: acquire', () => {
    it('gives out each of the slots once, then nothing, and records only the system, slot, holder and times', async () => {
      // Prepare
      const systemId = freshSystem();
      const leases = leasesAt(() => T0);

      // Act
      const taken: (SystemLease | undefined)[] = [];
      for (let i = 0; i < 5; i += 1) taken.push(await leases.acquire(systemId, 4));

      // Assess
      expect(
        taken
          .slice(0, 4)
          .map((lease) => lease?.slot)
          .sort(),
      ).toEqual([0, 1, 2, 3]);
      expect(taken[4]).toBeUndefined();
      const first = taken[0] as SystemLease;
      expect(await item(systemId, first.slot)).toEqual({
        pk: `LEASE#${systemId}#${first.slot}`,
        kind: 'lease',
        systemId,
        slot: first.slot,
        holder: first.holder,
        heldUntil: T0 + 900_000,
        ttl: T0 / 1000 + 900 + 3600,
      });
      expect(new Set(taken.slice(0, 4).map((lease) => lease?.holder)).size).toBe(4);
    });

    it('keeps the slots of each system apart', async () => {
      // Prepare
      const [busy, idle] = [freshSystem(), freshSystem()];
      const leases = leasesAt();
      expect(await leases.acquire(busy, 1)).toBeDefined();

      // Act
      const other = await leases.acquire(idle, 1);

      // Assess
      expect(other).toMatchObject({ systemId: idle, slot: 0 });
      expect(await leases.acquire(busy, 1)).toBeUndefined();
    });

    it('tries the slots in a random order, so steps arriving together do not all queue on slot 0', async () => {
      // Prepare
      const leases = leasesAt();

      // Act: the first lease of 40 empty systems
      const slots: number[] = [];
      for (let i = 0; i < 40; i += 1) slots.push(((await leases.acquire(freshSystem(), 4)) as SystemLease).slot);

      // Assess: (1/4)^39 odds that one slot is always chosen by chance
      expect(new Set(slots).size).toBeGreaterThan(1);
    });

    it('takes over a slot whose hold has passed, and not a moment before', async () => {
      // Prepare: the one slot, taken by a holder that died without giving it back
      const systemId = freshSystem();
      let now = T0;
      const leases = leasesAt(() => now);
      const dead = (await leases.acquire(systemId, 1)) as SystemLease;
      now = T0 + 899_999;
      const early = await leases.acquire(systemId, 1);

      // Act
      now = T0 + 900_000;
      const successor = await leases.acquire(systemId, 1);

      // Assess
      expect(early).toBeUndefined();
      expect(successor).toMatchObject({ systemId, slot: 0 });
      expect(successor?.holder).not.toBe(dead.holder);
      expect(await item(systemId, 0)).toMatchObject({ holder: successor?.holder, heldUntil: now + 900_000 });
    });

    it('lets exactly one of two concurrent acquirers have the last free slot, every time', async () => {
      // Prepare & Act: 25 rounds, each on a system with 3 slots of which 2 are already held
      const winners: number[] = [];
      for (let round = 0; round < 25; round += 1) {
        const systemId = freshSystem();
        await leasesAt().acquire(systemId, 3);
        await leasesAt().acquire(systemId, 3);
        const results = await Promise.all([
          leasesAt(undefined, 0).acquire(systemId, 3),
          leasesAt(undefined, 1).acquire(systemId, 3),
        ]);
        winners.push(results.filter((lease) => lease !== undefined).length);
      }

      // Assess
      expect(winners).toEqual(Array(25).fill(1));
    });

    it('gives a burst of concurrent acquirers exactly as many distinct slots as there are', async () => {
      // Prepare
      const systemId = freshSystem();

      // Act: 12 steps at once for 4 slots
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => leasesAt(undefined, i % 2).acquire(systemId, 4)),
      );

      // Assess
      const won = results.filter((lease): lease is SystemLease => lease !== undefined);
      expect(won).toHaveLength(4);
      expect(won.map((lease) => lease.slot).sort()).toEqual([0, 1, 2, 3]);
    });
  });

  describe('Method: release', () => {
    it('frees the slot for the next acquirer', async () => {
      // Prepare
      const systemId = freshSystem();
      const leases = leasesAt();
      const lease = (await leases.acquire(systemId, 1)) as SystemLease;

      // Act
      await leases.release(lease);

      // Assess
      expect(await item(systemId, 0)).toBeUndefined();
      expect(await leases.acquire(systemId, 1)).toMatchObject({ systemId, slot: 0 });
    });

    it("does not free a successor's lease when a holder that was taken over releases late", async () => {
      // Prepare: the first holder outlived its hold, and a successor took the slot over
      const systemId = freshSystem();
      let now = T0;
      const leases = leasesAt(() => now);
      const late = (await leases.acquire(systemId, 1)) as SystemLease;
      now = T0 + 900_000;
      const successor = (await leases.acquire(systemId, 1)) as SystemLease;

      // Act
      await leases.release(late);

      // Assess
      expect(await item(systemId, 0)).toMatchObject({ holder: successor.holder });
      expect(await leases.acquire(systemId, 1)).toBeUndefined();
    });

    it('is a no-op for a lease already released', async () => {
      // Prepare
      const systemId = freshSystem();
      const leases = leasesAt();
      const lease = (await leases.acquire(systemId, 1)) as SystemLease;
      await leases.release(lease);

      // Act
      const again = leases.release(lease);

      // Assess
      await expect(again).resolves.toBeUndefined();
    });
  });
});
