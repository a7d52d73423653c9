import { describe, expect, it } from 'vitest';
import { connectedSystems, SystemsConfig } from '../../../connectors/config';
import { LocateSystem } from '../../../functions/locate-system/locate-system';
import { ResolveIdentities } from '../../../functions/resolve-identities/resolve-identities';
import { NotVerifiedError } from '../../../functions/core/domain/errors';
import { aRequest, MemoryDocuments, MemoryRequests, MemorySystemLeases } from '../../support/fakes';
import { MemoryConnector } from '../../support/memory-connector';

const REQUEST_ID = '0b9a3c52-6a8e-4f43-9d2c-3c1e2f4a5b6c';
const ADA = 'ada@example.com';

const s3 = (id: string, identity: Record<string, { field: string }>, extra: Record<string, unknown> = {}) => ({
  id,
  type: 's3-objects',
  bucket: id,
  format: 'jsonl',
  identity,
  holds: { categories: ['identifiers'], purpose: 'p' },
  erasure: { strategy: 'delete' },
  ...extra,
});

/** customers (by email) resolves the customer id and phone; devices (by customer id) the device id; events by device. */
const SYSTEMS = SystemsConfig.parse({
  version: 1,
  systems: [
    s3(
      'customers',
      { email: { field: 'email' } },
      {
        resolves: { customer_id: { field: 'customerId' }, phone: { field: 'phone' } },
      },
    ),
    s3('devices', { customer_id: { field: 'customerId' } }, { resolves: { device_id: { field: 'deviceId' } } }),
    s3('clickstream', { customer_id: { field: 'customerId' } }),
    s3('events', { device_id: { field: 'deviceId' } }),
  ],
});

const RECORDS: Record<string, Record<string, unknown>[]> = {
  customers: [
    { email: 'ADA@example.com', customerId: 'C-1', phone: '+44 20 7946 0958' },
    { email: 'bob@example.com', customerId: 'C-2', phone: '+44 20 7946 0000' },
  ],
  devices: [
    { customerId: 'C-1', deviceId: 'D-9' },
    { customerId: 'C-2', deviceId: 'D-8' },
  ],
  clickstream: [
    { customerId: 'C-1', page: '/a' },
    { customerId: 'c-1', page: '/b' },
    { customerId: 'C-2', page: '/c' },
  ],
  events: [
    { deviceId: 'D-9', at: 1 },
    { deviceId: 'D-8', at: 2 },
  ],
};

function setup(records = RECORDS, systems = SYSTEMS) {
  const requests = new MemoryRequests();
  const connectors = new Map(
    connectedSystems(systems).map((system) => [
      system.id,
      new MemoryConnector(system, { records: records[system.id] ?? [] }),
    ]),
  );
  const connectorFor = (id: string) => {
    const connector = connectors.get(id);
    if (!connector) throw new TypeError(`no connector ${id}`);
    return connector;
  };
  const leases = new MemorySystemLeases();
  const resolve = new ResolveIdentities(requests, connectorFor, systems, leases);
  return { requests, connectors, connectorFor, leases, resolve };
}

describe('Class: ResolveIdentities', () => {
  describe('Method: execute', () => {
    it('finds the customer id and phone by the verified address, then the device id by the customer id', async () => {
      // Prepare
      const { requests, resolve } = setup();
      await requests.create(aRequest({ type: 'access', status: 'locating', verified: { email: ADA } }));

      // Act
      const outcome = await resolve.execute(REQUEST_ID);

      // Assess: the workflow gets kinds only; the values are on the request record, with their source
      expect(outcome).toEqual({ kinds: ['phone', 'customer_id', 'device_id'], ambiguous: [], searched: 2 });
      expect(JSON.stringify(outcome)).not.toMatch(/C-1|D-9|7946/);
      const record = await requests.load(REQUEST_ID);
      expect(record.verified).toEqual({ email: ADA, customer_id: 'C-1', phone: '+442079460958', device_id: 'D-9' });
      expect(record.identitySources).toEqual([
        { kind: 'phone', from: 'customers' },
        { kind: 'customer_id', from: 'customers' },
        { kind: 'device_id', from: 'devices' },
      ]);
    });

    it('then the systems keyed by those ids are searched by them: exactly her records, never a look-alike id', async () => {
      // Prepare
      const { requests, resolve, connectorFor, leases } = setup();
      await requests.create(aRequest({ type: 'access', status: 'locating', verified: { email: ADA } }));
      await resolve.execute(REQUEST_ID);
      const documents = new MemoryDocuments();
      const locate = new LocateSystem(requests, documents, connectorFor, SYSTEMS, leases);

      // Act
      const clicks = await locate.execute(REQUEST_ID, 'clickstream', 'locate');
      const events = await locate.execute(REQUEST_ID, 'events', 'locate');

      // Assess: `c-1` is another customer's id (ids are exact)
      expect(clicks).toMatchObject({ status: 'found', recordCount: 1 });
      expect(events).toMatchObject({ status: 'found', recordCount: 1 });
      expect(documents.objects.get(`parts/${REQUEST_ID}/clickstream.jsonl`)?.body).toContain('"/a"');
      expect(documents.objects.get(`parts/${REQUEST_ID}/clickstream.jsonl`)?.body).not.toContain('"/b"');
    });

    it('uses no id a system of record holds two of for the subject, and says so', async () => {
      // Prepare
      const records = {
        ...RECORDS,
        customers: [
          { email: ADA, customerId: 'C-1', phone: '+442079460958' },
          { email: ADA, customerId: 'C-7', phone: '+44 (20) 7946-0958' },
        ],
      };
      const { requests, resolve } = setup(records);
      await requests.create(aRequest({ type: 'deletion', status: 'locating', verified: { email: ADA } }));

      // Act
      const outcome = await resolve.execute(REQUEST_ID);

      // Assess: the two phones are one number; the two customer ids are ambiguous (and nothing chains from them)
      expect(outcome).toEqual({ kinds: ['phone'], ambiguous: ['customer_id'], searched: 1 });
      const record = await requests.load(REQUEST_ID);
      expect(record.verified).toEqual({ email: ADA, phone: '+442079460958' });
      expect(record.ambiguousIdentities).toEqual(['customer_id']);
    });

    it('finds nothing for a subject the system of record does not hold, and searches nothing for a statement', async () => {
      // Prepare
      const { requests, resolve, connectors } = setup();
      await requests.create(
        aRequest({ type: 'access', status: 'locating', verified: { email: 'nobody@example.com' } }),
      );

      // Act
      const outcome = await resolve.execute(REQUEST_ID);
      const other = setup();
      await other.requests.create(aRequest({ type: 'categories', status: 'locating', verified: { email: ADA } }));
      const statement = await other.resolve.execute(REQUEST_ID);

      // Assess
      expect(outcome).toEqual({ kinds: [], ambiguous: [], searched: 1 });
      expect((await requests.load(REQUEST_ID)).verified).toEqual({ email: 'nobody@example.com' });
      expect(connectors.get('devices')?.asked.locate).toEqual([]);
      expect(statement).toEqual({ kinds: [], ambiguous: [], searched: 0 });
      expect(other.connectors.get('customers')?.asked.locate).toEqual([]);
    });

    it('keeps what an earlier run found when the system of record no longer holds the subject (a deletion retried)', async () => {
      // Prepare
      const { requests, resolve } = setup({ ...RECORDS, customers: [] });
      await requests.create(
        aRequest({
          type: 'deletion',
          status: 'locating',
          verified: { email: ADA, customer_id: 'C-1' },
          identitySources: [{ kind: 'customer_id', from: 'customers' }],
        }),
      );

      // Act
      const outcome = await resolve.execute(REQUEST_ID);

      // Assess
      expect(outcome.kinds).toEqual(['customer_id', 'device_id']);
      expect((await requests.load(REQUEST_ID)).verified).toMatchObject({ customer_id: 'C-1', device_id: 'D-9' });
    });

    it('refuses a request whose address was never verified (an access request)', async () => {
      // Prepare
      const { requests, resolve } = setup();
      await requests.create(aRequest({ type: 'access', status: 'locating' }));

      // Act & Assess
      await expect(resolve.execute(REQUEST_ID)).rejects.toBeInstanceOf(NotVerifiedError);
    });
  });
});
