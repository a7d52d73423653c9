import type { SourceRecord } from '../../../connectors/contract';
import { StripeFake } from '../../../infra/local/saas/stripe-fake';
import { connectorContract } from '../../contract/connector-contract';
import { customFields, httpHarness } from './http-harness';

/**
 * The declarative HTTP connector with the Stripe preset, against the local Stripe fake (documented shapes: list with
 * `has_more`/`starting_after`, an exact case-sensitive `email` filter, form-encoded updates, DELETE). Each seed gets a
 * fresh fake. Stripe finds only the address as stored: an exact-match store, like a DynamoDB index. The suite's fields
 * Stripe has no field for live in the customer's `metadata`.
 */
connectorContract(
  'http (Stripe preset, local fake)',
  httpHarness({
    preset: 'stripe',
    exactMatch: true,
    start: () => StripeFake.start(),
    seed: (fake, records) =>
      fake.seed(
        records.map((record) => ({
          id: record.id,
          email: record.email,
          name: record.name,
          metadata: customFields(record),
        })),
      ),
    lookup: { method: 'GET', path: '/v1/customers', query: { email: '{identity}', limit: '100' } },
    customPrefix: 'metadata',
    snapshot: (fake) => new Map(fake.all().map((customer) => [customer.id, customer])),
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
  }),
);
