import { describe, expect, it } from 'vitest';
import { SystemsConfig } from '../../../connectors/config';
import { HttpClient, retryAfter } from '../../../connectors/http/client';
import { ConnectorConfigError } from '../../../connectors/errors';
import { HttpBodyError, HttpStatusError, translateHttpError } from '../../../connectors/http/errors';
import { formBody, nested, requestUrl, valueAt } from '../../../connectors/http/template';

const vars = { list: 'L1' };

describe('Function: requestUrl', () => {
  it.each([
    ['../other', '/v1/customers/..%2Fother'],
    ['a/b?c=d&e', '/v1/customers/a%2Fb%3Fc%3Dd%26e'],
    ['%', '/v1/customers/%25'],
    ["' OR '1'='1", "/v1/customers/'%20OR%20'1'%3D'1"],
    ['a\nb', '/v1/customers/a%0Ab'],
  ])('keeps the identity %j one path segment', (identity, path) => {
    // Act
    const url = requestUrl('https://api.example.com', { path: '/v1/customers/{identity}' }, { identity, vars });

    // Assess
    expect(url.host).toBe('api.example.com');
    expect(url.pathname).toBe(path);
  });

  it('puts query values through URLSearchParams: `&` and `=` in a value stay in that value', () => {
    // Act
    const url = requestUrl(
      'https://api.example.com/',
      { path: '/3.0/lists/{vars.list}/members', query: { query: 'email:{identity}', count: '10' } },
      { identity: 'a&b=c@example.com', vars },
    );

    // Assess
    expect(url.pathname).toBe('/3.0/lists/L1/members');
    expect([...url.searchParams]).toEqual([
      ['query', 'email:a&b=c@example.com'],
      ['count', '10'],
    ]);
  });

  it('fills {identity|md5lower} with the MD5 of the lower-cased value (Mailchimp’s subscriber hash)', () => {
    // Act
    const url = requestUrl(
      'https://x.example',
      { path: '/m/{identity|md5lower}' },
      { identity: 'Urist.McVankab@freddiesjokes.com', vars },
    );

    // Assess: the example from Mailchimp's documentation
    expect(url.pathname).toBe('/m/62eeb292278cc15f5817cb78f7790b08');
  });
});

describe('Functions: valueAt, nested, formBody', () => {
  it('read and write dotted paths the way the APIs nest fields', () => {
    // Act & Assess
    expect(valueAt({ exact_matches: { members: [1] } }, 'exact_matches.members')).toEqual([1]);
    expect(valueAt({ a: 1 }, '')).toEqual({ a: 1 });
    expect(valueAt({ a: 1 }, 'constructor')).toBeUndefined();
    expect(nested({ 'metadata.marketing': 'out', name: 'Ada' })).toEqual({
      metadata: { marketing: 'out' },
      name: 'Ada',
    });
    expect(formBody({ 'metadata.marketing': 'out', name: 'A&B', phone: null })).toBe(
      'metadata%5Bmarketing%5D=out&name=A%26B&phone=',
    );
  });
});

describe('Function: retryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores what it cannot read', () => {
    // Prepare
    const now = Date.parse('2026-11-24T10:00:00Z');

    // Act & Assess
    expect(retryAfter('7', now)).toBe(7);
    expect(retryAfter('Tue, 24 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(retryAfter('soon', now)).toBeUndefined();
    expect(retryAfter(null, now)).toBeUndefined();
  });
});

describe('Class: HttpClient', () => {
  const system = () => {
    const config = SystemsConfig.parse({
      version: 1,
      systems: [
        {
          id: 'payments',
          type: 'http',
          preset: 'stripe',
          baseUrl: 'https://api.stripe.example',
          auth: { secret: 'stripe/key' },
          retries: { attempts: 3, maxWaitSeconds: 10 },
          holds: { categories: ['identifiers'], purpose: 'payments' },
          erasure: { strategy: 'delete' },
        },
      ],
    });
    const [parsed] = config.systems;
    if (parsed?.type !== 'http') throw new TypeError('not http');
    return parsed;
  };

  function client(statuses: { status: number; headers?: Record<string, string> }[]) {
    const waits: number[] = [];
    const calls: { url: string; authorization: string | null }[] = [];
    const fake = async (url: URL | string, init?: RequestInit) => {
      calls.push({ url: String(url), authorization: new Headers(init?.headers).get('authorization') });
      const next = statuses.shift() ?? { status: 200 };
      return new Response(next.status === 200 ? '{"data":[]}' : '{"error":{}}', {
        status: next.status,
        headers: next.headers,
      });
    };
    const http = new HttpClient(system(), {
      secret: async (name) => `key-of-${name}`,
      localUrl: () => undefined,
      fetch: fake as typeof fetch,
      sleep: async (ms) => {
        waits.push(ms);
      },
      now: () => 0,
    });
    return { http, waits, calls };
  }

  it('retries a 429 after its Retry-After, then a 500 after a backoff, with the bearer key each time', async () => {
    // Prepare
    const { http, waits, calls } = client([{ status: 429, headers: { 'retry-after': '2' } }, { status: 500 }]);

    // Act
    const answer = await http.send('GET', new URL('https://api.stripe.example/v1/customers'));

    // Assess: the 40 ms gaps are the preset's 25 requests per second
    expect(answer).toEqual({ status: 200, body: { data: [] } });
    expect(waits.filter((ms) => ms >= 100)).toEqual([2000, 500]);
    expect(calls.map((c) => c.authorization)).toEqual(Array(3).fill('Bearer key-of-stripe/key'));
  });

  it('gives up after its attempts, or at once when Retry-After asks for longer than it may wait', async () => {
    // Prepare
    const persistent = client([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }]);
    const patient = client([{ status: 429, headers: { 'retry-after': '60' } }]);

    // Act & Assess
    await expect(persistent.http.send('GET', new URL('https://api.stripe.example/x'))).rejects.toEqual(
      new HttpStatusError(503),
    );
    expect(persistent.calls).toHaveLength(3);
    await expect(patient.http.send('GET', new URL('https://api.stripe.example/x'))).rejects.toBeInstanceOf(
      HttpStatusError,
    );
    expect(patient.calls).toHaveLength(1);
  });

  it('refuses a body that is not JSON without quoting it', async () => {
    // Prepare
    const http = new HttpClient(system(), {
      secret: async () => 'k',
      localUrl: () => undefined,
      fetch: (async () => new Response('<html>ada@example.com</html>', { status: 200 })) as unknown as typeof fetch,
      sleep: async () => undefined,
    });

    // Act
    const error = await http.send('GET', new URL('https://api.stripe.example/x')).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(HttpBodyError);
    expect(String(error)).not.toContain('ada@example.com');
    expect(translateHttpError('payments', 'lookup', error)).toBeInstanceOf(ConnectorConfigError);
  });

  it('does not retry a 401, and answers a 404 as an answer', async () => {
    // Prepare
    const refused = client([{ status: 401 }]);
    const missing = client([{ status: 404 }]);

    // Act & Assess
    await expect(refused.http.send('GET', new URL('https://api.stripe.example/x'))).rejects.toEqual(
      new HttpStatusError(401),
    );
    expect(refused.calls).toHaveLength(1);
    expect(await missing.http.send('DELETE', new URL('https://api.stripe.example/x'))).toEqual({
      status: 404,
      body: undefined,
    });
  });
});

describe('Schema: HttpSystem', () => {
  const base = {
    id: 'crm',
    type: 'http',
    baseUrl: 'https://crm.example.com',
    auth: { secret: 'crm/key', scheme: 'bearer' },
    identity: { email: { lookup: { method: 'GET', path: '/people', query: { email: '{identity}' } } } },
    records: { path: 'people', id: 'id', identity: 'email' },
    holds: { categories: ['identifiers'], purpose: 'sales' },
    erasure: { strategy: 'delete' },
    erase: { delete: [{ method: 'DELETE', path: '/people/{record.id}' }] },
  };
  const parse = (system: Record<string, unknown>) => SystemsConfig.safeParse({ version: 1, systems: [system] });

  it('accepts a system written out in full, and lays a preset under a short one', () => {
    // Act
    const full = parse(base);
    const preset = parse({
      id: 'helpdesk',
      type: 'http',
      preset: 'zendesk',
      baseUrl: 'https://acme.zendesk.com',
      auth: { secret: 'zendesk/token' },
      holds: { categories: ['identifiers'], purpose: 'support' },
      erasure: { strategy: 'delete' },
    });

    // Assess
    expect(full.success).toBe(true);
    const [helpdesk] = preset.data?.systems ?? [];
    expect(helpdesk).toMatchObject({
      auth: { scheme: 'basic' },
      erase: {
        delete: [{ path: '/api/v2/users/{record.id}.json' }, { path: '/api/v2/deleted_users/{record.id}.json' }],
      },
    });
  });

  it.each([
    ['an http (not https) base URL', { baseUrl: 'http://crm.example.com' }, 'baseUrl'],
    ['an unknown placeholder', { identity: { email: { lookup: { method: 'GET', path: '/p/{secret}' } } } }, 'identity'],
    ['a deleting system without erase.delete', { erase: {} }, 'erase'],
    ['flags without an update request', { flags: { marketing: { field: 'optOut', on: true, off: false } } }, 'update'],
    ['an unknown preset', { preset: 'salesforce' }, 'preset'],
  ])('refuses %s', (_name, change, path) => {
    // Act
    const parsed = parse({ ...base, ...change });

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.')).join(' ')).toContain(path);
  });
});
