import type { SystemConfig } from '../../../connectors/config';
import { connectorContract, type ContractHarness } from '../../contract/connector-contract';
import { MemoryConnector } from '../../support/memory-connector';

/**
 * The unit tests' fake keeps the same contract as the real connectors, so what the use-case tests prove with it
 * holds for them too.
 */
connectorContract(
  'in-memory fake',
  async (): Promise<ContractHarness> => ({
    canHoldUnreadable: true,
    async seed(records, erasure, options) {
      const system: SystemConfig = {
        id: 'memory',
        type: 's3-objects',
        bucket: 'unused',
        prefix: '',
        format: 'jsonl',
        identity: { [options.identityKind ?? 'email']: { field: 'email' } },
        holds: { categories: ['identifiers'], purpose: 'contract tests', recipients: [] },
        erasure,
        ...options.changes,
      };
      const connector = new MemoryConnector(system, {
        records,
        unreadable: options.unreadable,
        anonymizationKey: 'contract-test-key',
      });
      return {
        connector,
        snapshot: async () => new Map(connector.records.map((record) => [String(record.id), structuredClone(record)])),
      };
    },
  }),
);
