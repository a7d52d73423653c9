import { type FakeApi, type FakeAnswer, startFakeApi } from './fake-server';

/** A user as Zendesk Support returns it (the fields the pipeline reads and writes; Zendesk has more). */
export interface ZendeskUser {
  id: number;
  name: string;
  email: string | null;
  external_id: string | null;
  active: boolean;
  user_fields: Record<string, string | null>;
}

const notFound: FakeAnswer = { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
const PAGE = 100;

/**
 * A local stand-in for Zendesk Support's Users API, as documented
 * (https://developer.zendesk.com/api-reference/ticketing/users/users/):
 * - `GET /api/v2/users/search.json?query=email:…` → `{ users, next_page, previous_page, count }`, 100 a page with an
 *   absolute `next_page` URL; the search is fuzzy (any user whose address contains the text, any case), as Zendesk's is;
 * - `GET /api/v2/users.json?page=` lists active users; `PUT /api/v2/users/{id}.json` with `{ "user": {…} }` (user_fields
 *   merged); `DELETE /api/v2/users/{id}.json` soft-deletes (the user leaves search and lists, still held);
 *   `DELETE /api/v2/deleted_users/{id}.json` deletes a soft-deleted user for good; an unknown id → 404 RecordNotFound;
 * - basic authentication with `{email}/token:{api token}`, else 401 `Couldn't authenticate you`.
 */
export class ZendeskFake {
  private readonly users = new Map<number, ZendeskUser>();
  private nextId = 1000;
  private constructor(public readonly api: FakeApi) {}

  public static async start(): Promise<ZendeskFake> {
    let fake: ZendeskFake | undefined;
    const api = await startFakeApi(
      (key) => `Basic ${Buffer.from(key).toString('base64')}`,
      () => ({ status: 401, body: { error: "Couldn't authenticate you" } }),
      (request) => fake?.handle(request.method, request.url, request.body) ?? notFound,
      `dsar@example.com/token:${Math.random().toString(36).slice(2)}`,
    );
    fake = new ZendeskFake(api);
    return fake;
  }

  public seed(users: readonly Partial<ZendeskUser>[]): void {
    for (const user of users) {
      const id = (this.nextId += 1);
      this.users.set(id, { name: '', email: null, external_id: null, active: true, user_fields: {}, ...user, id });
    }
  }

  /** Every user still held, soft-deleted ones included (they are still personal data). */
  public all(): ZendeskUser[] {
    return [...this.users.values()].map((u) => structuredClone(u));
  }

  private handle(method: string, url: URL, body: string): FakeAnswer {
    const path = url.pathname;
    if (method === 'GET' && path === '/api/v2/users/search.json') {
      const text = (url.searchParams.get('query') ?? '').replace(/^email:/, '').toLowerCase();
      const found = [...this.users.values()].filter((u) => u.active && (u.email ?? '').toLowerCase().includes(text));
      return this.page(url, text === '' ? [] : found);
    }
    if (method === 'GET' && path === '/api/v2/users.json')
      return this.page(
        url,
        [...this.users.values()].filter((u) => u.active),
      );
    const user = /^\/api\/v2\/users\/(\d+)\.json$/.exec(path);
    if (user) {
      const found = this.users.get(Number(user[1]));
      if (!found?.active) return notFound;
      if (method === 'GET') return { status: 200, body: { user: found } };
      if (method === 'DELETE') {
        found.active = false;
        return { status: 200, body: { user: found } };
      }
      if (method === 'PUT') {
        const { user: changes } = JSON.parse(body) as { user: Partial<ZendeskUser> };
        const { user_fields, ...top } = changes;
        Object.assign(found, top, { user_fields: { ...found.user_fields, ...user_fields } });
        return { status: 200, body: { user: found } };
      }
    }
    const deleted = /^\/api\/v2\/deleted_users\/(\d+)\.json$/.exec(path);
    if (deleted && method === 'DELETE') {
      const found = this.users.get(Number(deleted[1]));
      if (!found || found.active) return notFound;
      this.users.delete(found.id);
      return { status: 200, body: { deleted_user: { ...found, email: null } } };
    }
    return { status: 404, body: { error: 'InvalidEndpoint', description: 'Not found' } };
  }

  private page(url: URL, users: ZendeskUser[]): FakeAnswer {
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = users.slice((page - 1) * PAGE, page * PAGE);
    const next = new URL(url);
    next.searchParams.set('page', String(page + 1));
    return {
      status: 200,
      body: {
        users: slice,
        next_page: page * PAGE < users.length ? next.toString() : null,
        previous_page: null,
        count: users.length,
      },
    };
  }
}
