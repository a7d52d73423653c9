import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpSystemConfig, SystemsConfig } from '../../../connectors/config';
import { ConnectorConfigError, ConnectorUnavailableError } from '../../../connectors/errors';
import { HttpConnector } from '../../../connectors/http/http-connector';
import { drain } from '../../../connectors/pass';
import { StripeFake } from '../../../infra/local/saas/stripe-fake';
import { ZendeskFake } from '../../../infra/local/saas/zendesk-fake';

const SUBJECT = 'ada@example.com';

function stripeSystem(extra: Record<string, unknown> = {}): HttpSystemConfig {
  const config = SystemsConfig.parse({
    version: 1,
    systems: [
      {
        id: 'payments',
        type: 'http',
        preset: 'stripe',
        baseUrl: { local: 'stripe' },
        auth: { secret: 'stripe/key' },
        holds: { categories: ['identifiers', 'commercial_information'], purpose: 'payments' },
        erasure: { strategy: 'delete' },
        ...extra,
      },
    ],
  });
  const [system] = config.systems;
  if (system?.type !== 'http') throw new TypeError('not http');
  return system;
}

/** How many records a lookup of `email` yields. */
async function count(connector: HttpConnector, email = SUBJECT): Promise<number> {
  let n = 0;
  await drain(connector.locate({ email }), () => {
    n += 1;
  });
  return n;
}

describe('Preset: stripe (against the local fake)', () => {
  let fake: StripeFake;
  const waits: number[] = [];
  const connector = (key?: string, extra?: Record<string, unknown>) =>
    new HttpConnector(
      stripeSystem(extra),
      {
        secret: async () => key ?? fake.api.apiKey,
        localUrl: () => fake.api.url,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
      { anonymizationKey: 'k' },
    );

  beforeAll(async () => {
    fake = await StripeFake.start();
    fake.seed([
      ...Array.from({ length: 250 }, (_, i) => ({ id: `cus_ada${i}`, email: SUBJECT, name: 'Ada' })),
      { id: 'cus_x', email: 'xada@example.com', name: 'Xavier' },
      { id: 'cus_upper', email: 'ADA@example.com', name: 'Not found by Stripe’s exact filter' },
      { id: 'cus_bob', email: 'bob@example.com', name: 'Bob' },
    ]);
  });
  afterAll(async () => {
    await fake?.api.close();
  });

  it('follows has_more/starting_after across three pages and finds all 250 of the subject’s customers', async () => {
    // Act
    const seenBefore = fake.api.seen.length;
    const found = await count(connector());

    // Assess
    expect(found).toBe(250);
    expect(fake.api.seen.slice(seenBefore)).toEqual(Array(3).fill('GET /v1/customers'));
  });

  it('fails a subject with more pages than maxPages, saying so, instead of answering with part of them', async () => {
    // Act & Assess
    await expect(count(connector(undefined, { maxPages: 2 }))).rejects.toThrow(/more than 2 pages/);
  });

  it('honours a 429’s Retry-After and retries a 500, then answers', async () => {
    // Prepare
    waits.length = 0;
    fake.api.failNext(429, 1, 3);
    fake.api.failNext(500);

    // Act
    const found = await count(connector());

    // Assess
    expect(found).toBe(250);
    expect(waits.filter((ms) => ms === 3000 || ms === 500)).toEqual([3000, 500]);
  });

  it('reports a refused key as a configuration error naming the system, and a vendor that stays down as unavailable', async () => {
    // Act
    const refused = await count(connector('sk_wrong')).catch((error: unknown) => error);
    fake.api.failNext(503, 4);
    const down = await count(connector()).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ConnectorConfigError);
    expect(String(refused)).toMatch(/payments: lookup: the API key was refused \(HTTP 401\)/);
    expect(down).toBeInstanceOf(ConnectorUnavailableError);
  });

  it('erases only the subject: look-alikes and another spelling stay; a second run finds nothing to delete', async () => {
    // Act
    const first = await connector().erase({ email: SUBJECT });
    const second = await connector().erase({ email: SUBJECT });

    // Assess
    expect(first.deleted).toBe(250);
    expect(second.deleted).toBe(0);
    expect(
      fake
        .all()
        .map((c) => c.id)
        .sort(),
    ).toEqual(['cus_bob', 'cus_upper', 'cus_x']);
  });

  it('probes with an address that cannot exist: reachable with the key, not without', async () => {
    // Act
    const ok = await connector().probe();
    const refused = await connector('sk_wrong').probe();

    // Assess
    expect(ok).toEqual({ reachable: true, checks: [{ name: 'lookup', ok: true, detail: 'GET answered' }] });
    expect(refused.reachable).toBe(false);
    expect(refused.checks[0]?.detail).toContain('the API key was refused');
  });
});

describe('Preset: zendesk (against the local fake)', () => {
  let fake: ZendeskFake;
  const connector = (key?: string) => {
    const config = SystemsConfig.parse({
      version: 1,
      systems: [
        {
          id: 'helpdesk',
          type: 'http',
          preset: 'zendesk',
          baseUrl: { local: 'zendesk' },
          auth: { secret: 'zendesk/token' },
          holds: { categories: ['identifiers'], purpose: 'support' },
          erasure: { strategy: 'delete' },
        },
      ],
    });
    const [system] = config.systems;
    if (system?.type !== 'http') throw new TypeError('not http');
    return new HttpConnector(
      system,
      { secret: async () => key ?? fake.api.apiKey, localUrl: () => fake.api.url, sleep: async () => undefined },
      { anonymizationKey: 'k' },
    );
  };

  beforeAll(async () => {
    fake = await ZendeskFake.start();
    // 250 of the subject's users and 50 whose addresses merely contain hers: the fuzzy search returns all 300
    fake.seed([
      ...Array.from({ length: 250 }, (_, i) => ({ name: `Ada ${i}`, email: SUBJECT, external_id: `a${i}` })),
      ...Array.from({ length: 50 }, (_, i) => ({ name: `Look-alike ${i}`, email: `x${i}${SUBJECT}` })),
    ]);
  });
  afterAll(async () => {
    await fake?.api.close();
  });

  it('follows next_page across three pages of a fuzzy search and keeps only the exact matches', async () => {
    // Act
    const before = fake.api.seen.length;
    const found = await count(connector());

    // Assess
    expect(found).toBe(250);
    expect(fake.api.seen.slice(before)).toEqual(Array(3).fill('GET /api/v2/users/search.json'));
  });

  it('deletes each user, then deletes the soft-deleted user permanently: nothing of hers is held after', async () => {
    // Act
    const outcome = await connector().erase({ email: SUBJECT });

    // Assess
    expect(outcome.deleted).toBe(250);
    expect(fake.all().filter((u) => u.email === SUBJECT)).toEqual([]);
    expect(fake.all()).toHaveLength(50);
  });

  it('reports refused credentials as a configuration error naming the system', async () => {
    // Act
    const refused = await count(connector('agent@example.com/token:wrong')).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ConnectorConfigError);
    expect(String(refused)).toMatch(/helpdesk: lookup: the API key was refused \(HTTP 401\)/);
  });
});
