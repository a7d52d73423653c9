import type { SourceRecord } from '../../../connectors/contract';
import { ZendeskFake } from '../../../infra/local/saas/zendesk-fake';
import { connectorContract } from '../../contract/connector-contract';
import { customFields, httpHarness } from './http-harness';

/**
 * The HTTP connector with the Zendesk preset against the local Zendesk fake: a fuzzy search (every look-alike address
 * comes back and must be dropped by the connector's own check), `next_page` links, and a deletion that is only done
 * once the soft-deleted user is deleted permanently (soft-deleted users are still held: the snapshot keeps them). The
 * suite's ids live in `external_id`.
 */
connectorContract(
  'http (Zendesk preset, local fake)',
  httpHarness({
    preset: 'zendesk',
    start: () => ZendeskFake.start(),
    seed: (fake, records) =>
      fake.seed(
        records.map((record) => ({
          external_id: record.id,
          email: record.email,
          name: record.name,
          user_fields: customFields(record),
        })),
      ),
    lookup: { method: 'GET', path: '/api/v2/users/search.json', query: { query: 'email:{identity}' } },
    customPrefix: 'user_fields',
    snapshot: (fake) => new Map(fake.all().map((user) => [String(user.external_id), user])),
    view(record: SourceRecord): SourceRecord {
      const user = record as SourceRecord & { user_fields: Record<string, string> };
      return { id: user.external_id, email: user.email, name: user.name, ...user.user_fields };
    },
  }),
);
