import { type FakeApi, type FakeAnswer, formFields, startFakeApi } from './fake-server';

/** A customer as Stripe returns it (the fields the pipeline reads and writes; Stripe has more). */
export interface StripeCustomer {
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  phone: string | null;
  created: number;
  metadata: Record<string, string>;
}

const error = (status: number, type: string, message: string, code?: string): FakeAnswer => ({
  status,
  body: { error: { type, message, ...(code ? { code } : {}) } },
});

/**
 * A local stand-in for Stripe's Customers API, as documented (https://docs.stripe.com/api/customers):
 * - `GET /v1/customers?email=&limit=&starting_after=` → `{ object: "list", url, has_more, data }`, newest first; the
 *   `email` filter is case-sensitive and exact; `limit` 1–100 (default 10);
 * - `GET /v1/customers/{id}`, `POST /v1/customers/{id}` (form-encoded; `metadata[key]=` sets, an empty value unsets),
 *   `DELETE /v1/customers/{id}` → `{ id, object: "customer", deleted: true }`; an unknown id → 404
 *   `resource_missing`;
 * - a bearer secret key, else 401 `invalid_request_error`.
 */
export class StripeFake {
  private readonly customers = new Map<string, StripeCustomer>();
  private constructor(public readonly api: FakeApi) {}

  public static async start(apiKey?: string): Promise<StripeFake> {
    let fake: StripeFake | undefined;
    const api = await startFakeApi(
      (key) => `Bearer ${key}`,
      () => error(401, 'invalid_request_error', 'Invalid API Key provided.'),
      (request) => fake?.handle(request.method, request.url, request.body) ?? error(500, 'api_error', 'starting'),
      apiKey,
    );
    fake = new StripeFake(api);
    return fake;
  }

  /** Adds customers (ids kept if given). */
  public seed(customers: readonly Partial<StripeCustomer>[]): void {
    for (const [i, partial] of customers.entries()) {
      const id = partial.id ?? `cus_${String(this.customers.size + i + 1).padStart(14, '0')}`;
      this.customers.set(id, {
        object: 'customer',
        email: null,
        name: null,
        phone: null,
        created: 1_700_000_000 + this.customers.size,
        metadata: {},
        ...partial,
        id,
      });
    }
  }

  public all(): StripeCustomer[] {
    return [...this.customers.values()].map((c) => structuredClone(c));
  }

  private handle(method: string, url: URL, body: string): FakeAnswer {
    const path = url.pathname;
    if (path === '/v1/customers' && method === 'GET') return this.list(url);
    const match = /^\/v1\/customers\/([^/]+)$/.exec(path);
    if (!match) return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
    const id = decodeURIComponent(match[1] ?? '');
    const customer = this.customers.get(id);
    if (!customer) return error(404, 'invalid_request_error', `No such customer: '${id}'`, 'resource_missing');
    if (method === 'GET') return { status: 200, body: customer };
    if (method === 'DELETE') {
      this.customers.delete(id);
      return { status: 200, body: { id, object: 'customer', deleted: true } };
    }
    if (method === 'POST') {
      for (const [field, value] of Object.entries(formFields(body))) {
        if (field.startsWith('metadata.')) {
          const key = field.slice('metadata.'.length);
          if (value === '') delete customer.metadata[key];
          else customer.metadata[key] = value;
        } else if (field === 'name' || field === 'email' || field === 'phone')
          customer[field] = value === '' ? null : value;
        else return error(400, 'invalid_request_error', `Received unknown parameter: ${field}`, 'parameter_unknown');
      }
      return { status: 200, body: customer };
    }
    return error(405, 'invalid_request_error', 'Method not allowed');
  }

  private list(url: URL): FakeAnswer {
    const limit = Number(url.searchParams.get('limit') ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return error(400, 'invalid_request_error', 'Invalid integer: limit', 'parameter_invalid_integer');
    const email = url.searchParams.get('email');
    const after = url.searchParams.get('starting_after');
    // newest first, as Stripe lists
    let list = [...this.customers.values()].reverse().filter((c) => email === null || c.email === email);
    if (after !== null) {
      const at = list.findIndex((c) => c.id === after);
      if (at < 0) return error(400, 'invalid_request_error', `No such customer: '${after}'`, 'resource_missing');
      list = list.slice(at + 1);
    }
    return {
      status: 200,
      body: { object: 'list', url: '/v1/customers', has_more: list.length > limit, data: list.slice(0, limit) },
    };
  }
}
