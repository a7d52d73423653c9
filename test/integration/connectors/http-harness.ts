import { type HttpRequest, SystemsConfig } from '../../../connectors/config';
import type { SourceRecord } from '../../../connectors/contract';
import { HttpConnector } from '../../../connectors/http/http-connector';
import type { FakeApi } from '../../../infra/local/saas/fake-server';
import { type ContractHarness, type ContractRecord, renamedChanges } from '../../contract/connector-contract';

/** The suite's record fields an API has no top-level field for: they go into its nested custom fields. */
export const CUSTOM_FIELDS = ['referrer', 'marketing', 'analytics', 'restricted'];

/** What differs between two SaaS APIs under the contract suite; the rest of the harness is shared. */
export interface HttpFakeHarness<F extends { api: FakeApi }> {
  preset: 'stripe' | 'zendesk' | 'mailchimp';
  start(): Promise<F>;
  /** puts the suite's records into a fresh fake, in the vendor's shape */
  seed(fake: F, records: readonly ContractRecord[]): void;
  /** the lookup the system searches with (the suite keeps every kind's value in `email`) */
  lookup: HttpRequest;
  /** where the custom fields nest (`metadata`, `user_fields`) */
  customPrefix: string;
  /** every record the fake holds, by the suite's id */
  snapshot(fake: F): Map<string, unknown>;
  view(record: SourceRecord): SourceRecord;
  exactMatch?: boolean;
}

/**
 * A contract-suite harness for the HTTP connector with a preset, against a fresh local fake per seed: the system is
 * the preset with the suite's erasure, identity kind and change rules (custom fields renamed into the vendor's nesting).
 */
export function httpHarness<F extends { api: FakeApi }>(spec: HttpFakeHarness<F>): () => Promise<ContractHarness> {
  return async () => {
    const fakes: F[] = [];
    return {
      exactMatch: spec.exactMatch,
      async seed(records, erasure, options) {
        const fake = await spec.start();
        fakes.push(fake);
        spec.seed(fake, records);
        const config = SystemsConfig.parse({
          version: 1,
          systems: [
            {
              id: 'contract',
              type: 'http',
              preset: spec.preset,
              baseUrl: { local: spec.preset },
              auth: { secret: `${spec.preset}-key` },
              identity: { [options.identityKind ?? 'email']: { lookup: spec.lookup } },
              holds: { categories: ['identifiers'], purpose: 'contract tests' },
              erasure,
              ...renamedChanges(options.changes, (field) =>
                CUSTOM_FIELDS.includes(field) ? `${spec.customPrefix}.${field}` : field,
              ),
            },
          ],
        });
        const [system] = config.systems;
        if (system?.type !== 'http') throw new TypeError('unexpected system type');
        return {
          connector: new HttpConnector(
            system,
            { secret: async () => fake.api.apiKey, localUrl: () => fake.api.url, sleep: async () => undefined },
            { anonymizationKey: 'contract-test-key' },
          ),
          snapshot: async () => spec.snapshot(fake),
        };
      },
      view: spec.view,
      async close() {
        await Promise.all(fakes.map((fake) => fake.api.close()));
      },
    };
  };
}

/** The suite's custom fields of a record, as text. */
export function customFields(record: ContractRecord): Record<string, string> {
  return Object.fromEntries(CUSTOM_FIELDS.map((key) => [key, String(record[key as keyof ContractRecord])]));
}
