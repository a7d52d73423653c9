import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Erasure, ConnectedSystemConfig as SystemConfig, SystemsConfig } from '../../../connectors/config';
import type { SourceRecord } from '../../../connectors/contract';
import type { ConnectorFor } from '../../../functions/core/connectors';
import { identityHash } from '../../../functions/core/domain/keyed-hash';
import { logger } from '../../../functions/core/logger';
import { ReapplyDeletions } from '../../../functions/reapply-deletions/reapply-deletions';
import { MemorySuppression } from '../../support/fakes';
import { MemoryConnector, type MemoryConnectorOptions } from '../../support/memory-connector';

const KEY = 'unit-test-hash-key-0123456789abcdef';

function system(id: string, erasure: Erasure = { strategy: 'delete' }): SystemConfig {
  return {
    id,
    type: 's3-objects',
    bucket: 'unit-bucket',
    prefix: `${id}/`,
    format: 'jsonl',
    identity: { email: { field: 'email' } },
    holds: { categories: ['identifiers'], purpose: 'testing', recipients: [] },
    erasure,
  };
}

function config(...systems: SystemConfig[]): SystemsConfig {
  return { version: 1, systems };
}

/** A system's records in memory, with the system's erasure; matched like the real connectors (trimmed, case-insensitive). */
function memory(config: SystemConfig, records: SourceRecord[], options: MemoryConnectorOptions = {}): MemoryConnector {
  return new MemoryConnector(config, { ...options, records, anonymizationKey: KEY });
}

/** A system that answers a few identities and then becomes unreachable. */
function failing(id: string): MemoryConnector {
  return memory(system(id), [{ id: 1, email: 'ada@example.com' }], {
    fail: { identities: { error: 'unavailable', after: 1 } },
  });
}

function connectorsFor(...connectors: MemoryConnector[]): ConnectorFor {
  return (systemId, anonymizationKey) => {
    if (anonymizationKey !== KEY) throw new Error('erasure must use the hash key as anonymisation key');
    const connector = connectors.find((c) => c.systemId === systemId);
    if (!connector) throw new Error(`no fake for ${systemId}`);
    return connector;
  };
}

async function suppressing(...emails: string[]): Promise<MemorySuppression> {
  const suppression = new MemorySuppression();
  for (const [i, email] of emails.entries()) await suppression.add(identityHash(KEY, 'email', email), `request-${i}`);
  return suppression;
}

function people(): SourceRecord[] {
  return [
    { id: 1, email: 'ada@example.com', order: 'A-1' },
    { id: 2, email: 'bob@example.com', order: 'B-1' },
    { id: 3, email: 'ada@example.com', order: 'A-2' },
    { id: 4, email: 'cyd@example.com', order: 'C-1' },
    { id: 5, email: 'dee@example.com', order: 'D-1' },
  ];
}

describe('Class: ReapplyDeletions', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('Method: execute', () => {
    it('erases only the identities on the suppression list, once per identity', async () => {
      // Prepare
      const customers = memory(system('customers'), people());
      const reapply = new ReapplyDeletions({
        suppression: await suppressing('ada@example.com', 'cyd@example.com', 'never-held@example.com'),
        systems: config(system('customers')),
        connectorFor: connectorsFor(customers),
        hashKey: async () => KEY,
      });

      // Act
      const report = await reapply.execute();

      // Assess
      expect(report).toEqual({
        suppressed: 3,
        systems: [{ systemId: 'customers', scanned: 5, matched: 2, deleted: 3, anonymized: 0, retained: 0 }],
      });
      expect(customers.asked.erase).toEqual([{ email: 'ada@example.com' }, { email: 'cyd@example.com' }]);
      expect(customers.records.map((r) => r.id)).toEqual([2, 5]);
    });

    it('matches a suppressed address however a system spells it (case, surrounding spaces)', async () => {
      // Prepare
      const events = memory(system('events'), [
        { id: 1, email: '  Ada@Example.COM ' },
        { id: 2, email: 'ADA@EXAMPLE.COM' },
        { id: 3, email: 'ada@example.com.au' },
        { id: 4, email: 'xada@example.com' },
      ]);
      const reapply = new ReapplyDeletions({
        suppression: await suppressing('ada@example.com'),
        systems: config(system('events')),
        connectorFor: connectorsFor(events),
        hashKey: async () => KEY,
      });

      // Act
      const report = await reapply.execute();

      // Assess
      expect(report.systems[0]).toMatchObject({ scanned: 4, matched: 1, deleted: 2 });
      expect(events.records.map((r) => r.id)).toEqual([3, 4]);
    });

    it('skips a system kept under an exemption without reading it, and still runs the others', async () => {
      // Prepare
      const invoices = memory(
        system('invoices', { strategy: 'retain', reason: 'tax records', law: 'HGB §257' }),
        people(),
      );
      const customers = memory(system('customers'), people());
      const reapply = new ReapplyDeletions({
        suppression: await suppressing('ada@example.com'),
        systems: config(
          system('invoices', { strategy: 'retain', reason: 'tax records', law: 'HGB §257' }),
          system('customers'),
        ),
        connectorFor: connectorsFor(invoices, customers),
        hashKey: async () => KEY,
      });

      // Act
      const report = await reapply.execute();

      // Assess
      expect(report.systems[0]).toEqual({
        systemId: 'invoices',
        scanned: 0,
        matched: 0,
        deleted: 0,
        anonymized: 0,
        retained: 0,
        skipped: 'exempt from erasure: tax records',
      });
      expect(invoices.asked.identities.length).toBe(0);
      expect(invoices.asked.erase).toEqual([]);
      expect(invoices.records).toHaveLength(5);
      expect(report.systems[1]).toMatchObject({ systemId: 'customers', matched: 1, deleted: 2 });
    });

    it('anonymises under an anonymize strategy, and a second run does not match the anonymised values', async () => {
      // Prepare
      const tickets = memory(
        system('tickets', {
          strategy: 'anonymize',
          fields: { email: { action: 'hash' } },
          reason: 'ticket statistics',
        }),
        people(),
      );
      const reapply = new ReapplyDeletions({
        suppression: await suppressing('bob@example.com'),
        systems: config(
          system('tickets', {
            strategy: 'anonymize',
            fields: { email: { action: 'hash' } },
            reason: 'ticket statistics',
          }),
        ),
        connectorFor: connectorsFor(tickets),
        hashKey: async () => KEY,
      });

      // Act
      const first = await reapply.execute();
      const second = await reapply.execute();

      // Assess
      expect(first.systems[0]).toMatchObject({ matched: 1, deleted: 0, anonymized: 1 });
      expect(second.systems[0]).toMatchObject({ scanned: 5, matched: 0, anonymized: 0 });
      expect(tickets.asked.erase).toHaveLength(1);
    });

    it('reports a failing system by its error name and carries on with the next', async () => {
      // Prepare
      const crm = failing('crm');
      const customers = memory(system('customers'), people());
      const reapply = new ReapplyDeletions({
        suppression: await suppressing('ada@example.com'),
        systems: config(system('crm'), system('unknown'), system('customers')),
        connectorFor: connectorsFor(crm, customers),
        hashKey: async () => KEY,
      });

      // Act
      const report = await reapply.execute();

      // Assess
      expect(report.systems).toEqual([
        {
          systemId: 'crm',
          scanned: 1,
          matched: 1,
          deleted: 0,
          anonymized: 0,
          retained: 0,
          error: 'ConnectorUnavailableError',
        },
        { systemId: 'unknown', scanned: 0, matched: 0, deleted: 0, anonymized: 0, retained: 0, error: 'Error' },
        { systemId: 'customers', scanned: 5, matched: 1, deleted: 2, anonymized: 0, retained: 0 },
      ]);
      expect(crm.asked.erase).toEqual([]);
    });

    it('puts no identity in the report or in the logs', async () => {
      // Prepare
      const logged: unknown[] = [];
      for (const level of ['debug', 'info', 'warn', 'error'] as const) {
        vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
          logged.push(args);
        });
      }
      const reapply = new ReapplyDeletions({
        suppression: await suppressing('ada@example.com', 'cyd@example.com'),
        systems: config(system('customers'), system('crm')),
        connectorFor: connectorsFor(memory(system('customers'), people()), failing('crm')),
        hashKey: async () => KEY,
      });

      // Act
      const report = await reapply.execute();

      // Assess
      expect(logged.length).toBeGreaterThan(0);
      for (const text of [JSON.stringify(report), JSON.stringify(logged)]) {
        expect(text).not.toContain('@');
        expect(text).not.toMatch(/ada|cyd/i);
      }
    });

    it('is idempotent: a second run erases nothing', async () => {
      // Prepare
      const customers = memory(system('customers'), people());
      const events = memory(system('events'), people());
      const reapply = new ReapplyDeletions({
        suppression: await suppressing('ada@example.com', 'dee@example.com'),
        systems: config(system('customers'), system('events')),
        connectorFor: connectorsFor(customers, events),
        hashKey: async () => KEY,
      });
      await reapply.execute();
      const erasedBefore = customers.asked.erase.length + events.asked.erase.length;
      const remaining = structuredClone([customers.records, events.records]);

      // Act
      const second = await reapply.execute();

      // Assess
      expect(erasedBefore).toBe(4);
      expect(customers.asked.erase.length + events.asked.erase.length).toBe(erasedBefore);
      expect(second.systems.map((s) => [s.systemId, s.scanned, s.matched, s.deleted])).toEqual([
        ['customers', 2, 0, 0],
        ['events', 2, 0, 0],
      ]);
      expect([customers.records, events.records]).toEqual(remaining);
    });

    it('reads no system when the suppression list is empty', async () => {
      // Prepare
      const customers = memory(system('customers'), people());
      const reapply = new ReapplyDeletions({
        suppression: new MemorySuppression(),
        systems: config(system('customers')),
        connectorFor: connectorsFor(customers),
        hashKey: async () => KEY,
      });

      // Act
      const report = await reapply.execute();

      // Assess
      expect(report).toEqual({
        suppressed: 0,
        systems: [
          {
            systemId: 'customers',
            scanned: 0,
            matched: 0,
            deleted: 0,
            anonymized: 0,
            retained: 0,
            skipped: 'the suppression list is empty',
          },
        ],
      });
      expect(customers.asked.identities.length).toBe(0);
    });
  });
});
