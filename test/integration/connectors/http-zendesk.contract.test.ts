import { SystemsConfig } from '../../../connectors/config';
import type { SourceRecord } from '../../../connectors/contract';
import { HttpConnector } from '../../../connectors/http/http-connector';
import { ZendeskFake } from '../../../infra/local/saas/zendesk-fake';
import { type ChangeRules, connectorContract, type ContractHarness } from '../../contract/connector-contract';

const KEY = 'contract-test-key';
/** The suite's record fields Zendesk has no field for: custom user fields. */
const CUSTOM = ['referrer', 'marketing', 'analytics', 'restricted'];

function zendeskFields(changes: ChangeRules | undefined): ChangeRules {
  if (!changes) return {};
  const at = <T extends { field: string }>(rule: T): T => ({
    ...rule,
    field: CUSTOM.includes(rule.field) ? `user_fields.${rule.field}` : rule.field,
  });
  const map = <T extends { field: string }>(rules: Record<string, T> | undefined) =>
    rules && Object.fromEntries(Object.entries(rules).map(([k, v]) => [k, at(v)]));
  const { consent, ...named } = changes.flags ?? {};
  return {
    ...(changes.readOnly ? { readOnly: changes.readOnly } : {}),
    ...(changes.correctable ? { correctable: map(changes.correctable) } : {}),
    ...(changes.flags
      ? {
          flags: {
            ...map(named as Record<string, { field: string; on: unknown; off: unknown }>),
            ...(consent ? { consent: map(consent) } : {}),
          },
        }
      : {}),
  } as ChangeRules;
}

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
            ...zendeskFields(options.changes),
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
