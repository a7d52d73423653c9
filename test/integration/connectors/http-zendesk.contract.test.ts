import { SystemsConfig } from '../../../connectors/config';
import type { SourceRecord } from '../../../connectors/contract';
import { HttpConnector } from '../../../connectors/http/http-connector';
import { ZendeskFake } from '../../../infra/local/saas/zendesk-fake';
import { connectorContract, type ContractHarness, renamedChanges } from '../../contract/connector-contract';

const KEY = 'contract-test-key';
/** The suite's record fields Zendesk has no field for: custom user fields. */
const CUSTOM = ['referrer', 'marketing', 'analytics', 'restricted'];

/**
 * The HTTP connector with the Zendesk preset against the local Zendesk fake: a fuzzy search (every look-alike address
 * comes back and must be dropped by the connector's own check), `next_page` links, and a deletion that is only done
 * once the soft-deleted user is deleted permanently. The suite's ids live in `external_id`.
 */
async function harness(): Promise<ContractHarness> {
  const fakes: ZendeskFake[] = [];
  return {
    async seed(records, erasure, options) {
      const fake = await ZendeskFake.start();
      fakes.push(fake);
      fake.seed(
        records.map(({ id, email, name, ...rest }) => ({
          external_id: id,
          email,
          name,
          user_fields: Object.fromEntries(CUSTOM.map((key) => [key, String(rest[key as keyof typeof rest])])),
        })),
      );
      const kind = options.identityKind ?? 'email';
      const config = SystemsConfig.parse({
        version: 1,
        systems: [
          {
            id: 'contract',
            type: 'http',
            preset: 'zendesk',
            baseUrl: { local: 'zendesk' },
            auth: { secret: 'zendesk-token' },
            identity: {
              [kind]: {
                lookup: { method: 'GET', path: '/api/v2/users/search.json', query: { query: 'email:{identity}' } },
              },
            },
            holds: { categories: ['identifiers'], purpose: 'contract tests' },
            erasure,
            ...renamedChanges(options.changes, (field) => (CUSTOM.includes(field) ? `user_fields.${field}` : field)),
          },
        ],
      });
      const [system] = config.systems;
      if (system?.type !== 'http') throw new TypeError('unexpected system type');
      return {
        connector: new HttpConnector(
          system,
          { secret: async () => fake.api.apiKey, localUrl: () => fake.api.url, sleep: async () => undefined },
          { anonymizationKey: KEY },
        ),
        // soft-deleted users are still held: only a permanent deletion takes one out
        async snapshot() {
          return new Map(fake.all().map((user) => [String(user.external_id), user]));
        },
      };
    },
    view(record: SourceRecord): SourceRecord {
      const user = record as SourceRecord & { user_fields: Record<string, string> };
      return { id: user.external_id, email: user.email, name: user.name, ...user.user_fields };
    },
    async close() {
      await Promise.all(fakes.map((fake) => fake.api.close()));
    },
  };
}

connectorContract('http (Zendesk preset, local fake)', harness);
