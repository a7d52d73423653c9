import { describe, expect, it } from 'vitest';
import type { ConnectedSystemConfig as SystemConfig, SystemsConfig } from '../../../connectors/config';
import type { Connector, EraseOutcome, Pass, SourceRecord } from '../../../connectors/contract';
import { ConnectorUnavailableError } from '../../../connectors/errors';
import { SystemBusyError } from '../../../functions/core/domain/errors';
import { DependencyUnavailableError } from '../../../functions/core/errors';
import type { SystemLease } from '../../../functions/core/ports';
import { EraseSystem } from '../../../functions/erase-system/erase-system';
import { LocateSystem, type LocatePhase } from '../../../functions/locate-system/locate-system';
import { MemoryDocuments, MemoryRequests, MemorySuppression, MemorySystemLeases, aRequest } from '../../support/fakes';
import { MemoryConnector, type MemoryConnectorOptions } from '../../support/memory-connector';

const KEY = 'k'.repeat(64);
const SUBJECT = 'ada@example.com';
const base = {
  type: 's3-objects' as const,
  bucket: 'b',
  prefix: '',
  format: 'jsonl' as const,
  identity: { email: { field: 'email' } },
  holds: { categories: ['identifiers'], purpose: 'p', recipients: [] },
  erasure: { strategy: 'delete' as const },
};
/** no `concurrency`: the default of 4 slots */
const EVENTS: SystemConfig = { ...base, id: 'events' };
/** one search or erasure at a time */
const ARCHIVE: SystemConfig = { ...base, id: 'archive', concurrency: 1 };
const SYSTEMS: SystemsConfig = { version: 1, systems: [EVENTS, ARCHIVE] };

const T0 = new Date('2026-11-02T10:00:00.000Z');
const requestId = aRequest().requestId;

/** A clock the test moves. */
function clock(start = T0): { now: () => Date; advance: (seconds: number) => void } {
  let at = start.getTime();
  return { now: () => new Date(at), advance: (seconds) => (at += seconds * 1000) };
}

async function verifiedRequests(type: 'access' | 'deletion'): Promise<MemoryRequests> {
  const requests = new MemoryRequests();
  await requests.create(aRequest({ type, status: 'locating', verified: { email: SUBJECT } }));
  return requests;
}

function connectorOf(system: SystemConfig, options: MemoryConnectorOptions = {}): MemoryConnector {
  return new MemoryConnector(system, { records: [{ id: 1, email: SUBJECT }], ...options });
}

/** Take `count` slots of a system as other requests' steps would, and keep them. */
async function occupy(leases: MemorySystemLeases, systemId: string, slots: number, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) expect(await leases.acquire(systemId, slots)).toBeDefined();
}

/** A connector that records how many slots of its system were held while it searched or erased. */
function probe(system: SystemConfig, leases: MemorySystemLeases): Connector & { seen: number[] } {
  const inner = connectorOf(system);
  const seen: number[] = [];
  return {
    systemId: system.id,
    seen,
    locate: async function* (identities): Pass<SourceRecord> {
      seen.push(leases.heldCount(system.id));
      return yield* inner.locate(identities);
    },
    erase: async (identities): Promise<EraseOutcome> => {
      seen.push(leases.heldCount(system.id));
      return inner.erase(identities);
    },
    identities: (kind) => inner.identities(kind),
    correct: (identities, changes) => inner.correct(identities, changes),
    setFlags: (identities, flags) => inner.setFlags(identities, flags),
    probe: () => inner.probe(),
  };
}

describe('Class: LocateSystem (per-system concurrency)', () => {
  const locate = (
    requests: MemoryRequests,
    connector: Connector,
    leases: MemorySystemLeases,
    phase: LocatePhase = 'locate',
  ) =>
    new LocateSystem(requests, new MemoryDocuments(), () => connector, SYSTEMS, leases).execute(
      requestId,
      connector.systemId,
      phase,
    );

  it.each([
    ['locate', 'access'],
    ['locate', 'deletion'],
    ['confirm', 'deletion'],
  ] as const)('%s (%s request) holds one slot while it searches, and gives it back', async (phase, type) => {
    // Prepare
    const requests = await verifiedRequests(type);
    const leases = new MemorySystemLeases();
    const connector = probe(EVENTS, leases);

    // Act
    const outcome = await locate(requests, connector, leases, phase);

    // Assess
    expect(outcome).toMatchObject({ systemId: 'events', status: 'found', recordCount: 1 });
    expect(connector.seen).toEqual([1]);
    expect(leases.acquired).toHaveLength(1);
    expect(leases.released).toEqual(leases.acquired);
    expect(leases.heldCount('events')).toBe(0);
  });

  it('refuses with SystemBusyError, before touching the system, when the default 4 slots are all held', async () => {
    // Prepare
    const requests = await verifiedRequests('access');
    const leases = new MemorySystemLeases();
    await occupy(leases, 'events', 4, 4);
    const connector = connectorOf(EVENTS);

    // Act
    const result = locate(requests, connector, leases);

    // Assess: the name the workflow retries, a message naming the system only
    await expect(result).rejects.toBeInstanceOf(SystemBusyError);
    await expect(result).rejects.toThrow(/^system events is at its concurrency limit$/);
    await expect(result).rejects.not.toThrow(new RegExp(SUBJECT));
    expect(connector.asked.locate).toEqual([]);
    expect(leases.heldCount('events')).toBe(4);
  });

  it('goes ahead while one of the default 4 slots is free', async () => {
    // Prepare
    const requests = await verifiedRequests('access');
    const leases = new MemorySystemLeases();
    await occupy(leases, 'events', 4, 3);
    const connector = connectorOf(EVENTS);

    // Act
    const outcome = await locate(requests, connector, leases);

    // Assess
    expect(outcome.recordCount).toBe(1);
    expect(leases.heldCount('events')).toBe(3);
  });

  it("honours the system's configured concurrency", async () => {
    // Prepare: `archive` allows one at a time, and another request holds it
    const requests = await verifiedRequests('access');
    const leases = new MemorySystemLeases();
    await occupy(leases, 'archive', 1, 1);
    const connector = connectorOf(ARCHIVE);

    // Act
    const result = locate(requests, connector, leases);

    // Assess
    await expect(result).rejects.toBeInstanceOf(SystemBusyError);
    expect(connector.asked.locate).toEqual([]);
  });

  it('gives the slot back when the connector fails', async () => {
    // Prepare
    const requests = await verifiedRequests('access');
    const leases = new MemorySystemLeases();
    const connector = connectorOf(EVENTS, { fail: { locate: { error: 'unavailable', after: 1 } } });

    // Act
    const result = locate(requests, connector, leases);

    // Assess: the connector's error reaches the workflow unchanged, and the slot is free
    await expect(result).rejects.toBeInstanceOf(ConnectorUnavailableError);
    expect(leases.acquired).toHaveLength(1);
    expect(leases.released).toEqual(leases.acquired);
    expect(leases.heldCount('events')).toBe(0);
  });

  it('takes over a slot whose holder died, once its hold has passed', async () => {
    // Prepare: every slot taken by invocations that never gave them back, 900 s ago
    const requests = await verifiedRequests('access');
    const time = clock();
    const leases = new MemorySystemLeases(time.now);
    await occupy(leases, 'events', 4, 4);
    const connector = connectorOf(EVENTS);
    await expect(locate(requests, connector, leases)).rejects.toBeInstanceOf(SystemBusyError);
    time.advance(900);

    // Act
    const outcome = await locate(requests, connector, leases);

    // Assess
    expect(outcome.recordCount).toBe(1);
    expect(connector.asked.locate).toHaveLength(1);
  });

  it("does not let a failed release hide the search's outcome", async () => {
    // Prepare
    const requests = await verifiedRequests('access');
    const leases = new MemorySystemLeases();
    leases.release = async (_lease: SystemLease) => {
      throw new DependencyUnavailableError('DynamoDB', 'DeleteItem');
    };

    // Act
    const outcome = await locate(requests, connectorOf(EVENTS), leases);

    // Assess
    expect(outcome).toMatchObject({ systemId: 'events', status: 'found', recordCount: 1 });
  });
});

describe('Class: EraseSystem (per-system concurrency)', () => {
  const erase = (requests: MemoryRequests, connector: Connector, leases: MemorySystemLeases) =>
    new EraseSystem(
      requests,
      new MemorySuppression(),
      () => connector,
      async () => KEY,
      SYSTEMS,
      leases,
    ).execute(requestId, connector.systemId);

  it('holds one slot while it erases, and gives it back', async () => {
    // Prepare
    const requests = await verifiedRequests('deletion');
    const leases = new MemorySystemLeases();
    const connector = probe(EVENTS, leases);

    // Act
    const result = await erase(requests, connector, leases);

    // Assess
    expect(result).toMatchObject({ systemId: 'events', status: 'erased', deleted: 1 });
    expect(connector.seen).toEqual([1]);
    expect(leases.released).toEqual(leases.acquired);
    expect(leases.heldCount('events')).toBe(0);
  });

  it('refuses with SystemBusyError, erasing nothing, when every slot is held', async () => {
    // Prepare
    const requests = await verifiedRequests('deletion');
    const leases = new MemorySystemLeases();
    await occupy(leases, 'archive', 1, 1);
    const connector = connectorOf(ARCHIVE);

    // Act
    const result = erase(requests, connector, leases);

    // Assess
    await expect(result).rejects.toBeInstanceOf(SystemBusyError);
    expect(connector.asked.erase).toEqual([]);
    expect(connector.records).toHaveLength(1);
  });

  it('gives the slot back when the connector fails', async () => {
    // Prepare
    const requests = await verifiedRequests('deletion');
    const leases = new MemorySystemLeases();
    const connector = connectorOf(ARCHIVE, { fail: { erase: { error: 'unavailable' } } });

    // Act
    const result = erase(requests, connector, leases);

    // Assess
    await expect(result).rejects.toBeInstanceOf(ConnectorUnavailableError);
    expect(leases.released).toEqual(leases.acquired);
    expect(leases.heldCount('archive')).toBe(0);
  });

  it('takes over a slot whose holder died, once its hold has passed', async () => {
    // Prepare
    const requests = await verifiedRequests('deletion');
    const time = clock();
    const leases = new MemorySystemLeases(time.now);
    await occupy(leases, 'archive', 1, 1);
    time.advance(899);
    await expect(erase(requests, connectorOf(ARCHIVE), leases)).rejects.toBeInstanceOf(SystemBusyError);
    time.advance(1);
    const connector = connectorOf(ARCHIVE);

    // Act
    const result = await erase(requests, connector, leases);

    // Assess
    expect(result).toMatchObject({ systemId: 'archive', status: 'erased', deleted: 1 });
    expect(connector.records).toEqual([]);
  });
});
