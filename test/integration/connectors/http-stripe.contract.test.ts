import { SystemsConfig } from '../../../connectors/config';
import type { SourceRecord } from '../../../connectors/contract';
import { HttpConnector } from '../../../connectors/http/http-connector';
import { StripeFake } from '../../../infra/local/saas/stripe-fake';
import { connectorContract, type ContractHarness, renamedChanges } from '../../contract/connector-contract';

const KEY = 'contract-test-key';
/** The suite's record fields Stripe has no top-level field for: kept in the customer's `metadata`. */
const IN_METADATA = ['referrer', 'marketing', 'analytics', 'restricted'];

/**
 * The declarative HTTP connector with the Stripe preset, against the local Stripe fake (documented shapes: list with
 * `has_more`/`starting_after`, an exact case-sensitive `email` filter, form-encoded updates, DELETE). Each seed gets a
 * fresh fake. Stripe finds only the address as stored: an exact-match store, like a DynamoDB index.
 */
async function harness(): Promise<ContractHarness> {
  const fakes: StripeFake[] = [];
  return {
    exactMatch: true,
    async seed(records, erasure, options) {
      const fake = await StripeFake.start();
      fakes.push(fake);
      fake.seed(
        records.map(({ id, email, name, ...rest }) => ({
          id,
          email,
          name,
          metadata: Object.fromEntries(IN_METADATA.map((key) => [key, String(rest[key as keyof typeof rest])])),
        })),
      );
      const kind = options.identityKind ?? 'email';
      const config = SystemsConfig.parse({
        version: 1,
        systems: [
          {
            id: 'contract',
            type: 'http',
            preset: 'stripe',
            baseUrl: { local: 'stripe' },
            auth: { secret: 'stripe-key' },
            // the suite keeps every kind's value in `email`: Stripe's email filter finds it
            identity: {
              [kind]: {
                lookup: { method: 'GET', path: '/v1/customers', query: { email: '{identity}', limit: '100' } },
              },
            },
            holds: { categories: ['identifiers'], purpose: 'contract tests' },
            erasure,
            // Stripe's own fields are top-level; the suite's others live in the customer's metadata
            ...renamedChanges(options.changes, (field) => (IN_METADATA.includes(field) ? `metadata.${field}` : field)),
          },
        ],
      });
      const [system] = config.systems;
      if (system?.type !== 'http') throw new TypeError('unexpected system type');
      const connector = new HttpConnector(
        system,
        { secret: async () => fake.api.apiKey, localUrl: () => fake.api.url, sleep: async () => undefined },
        { anonymizationKey: KEY },
      );
      return {
        connector,
        async snapshot() {
          return new Map(fake.all().map((customer) => [customer.id, customer]));
        },
      };
    },
    view(record: SourceRecord): SourceRecord {
      const {
        metadata,
        object: _object,
        created: _created,
        phone: _phone,
        ...top
      } = record as SourceRecord & {
        metadata: Record<string, string>;
      };
      return { ...top, ...metadata };
    },
    async close() {
      await Promise.all(fakes.map((fake) => fake.api.close()));
    },
  };
}

connectorContract('http (Stripe preset, local fake)', harness);
