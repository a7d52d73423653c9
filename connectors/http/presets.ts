/**
 * The shapes of three real SaaS APIs, as data (validated with every systems file, connectors/config.ts HttpSystem). A
 * system names one with `"preset"` and gives what is its own — `baseUrl`, `auth.secret`, `holds`, `erasure`, the
 * change rules — and may override any part. Taken from each vendor's public API reference; the local fakes in
 * infra/local/saas/ follow the same documented requests, responses, pagination and errors.
 */
export const HTTP_PRESETS = {
  /**
   * Stripe Customers (https://docs.stripe.com/api/customers): `GET /v1/customers?email=` is a case-sensitive exact
   * filter (so only the address as stored is found: store it lower-cased), a list `{ data, has_more }` paged with
   * `starting_after=<last id>`; `DELETE /v1/customers/{id}` deletes for good; `POST /v1/customers/{id}` takes
   * form-encoded fields (`name=…`, `metadata[key]=…`). A secret key as a bearer token.
   */
  stripe: {
    auth: { scheme: 'bearer' },
    identity: {
      email: { lookup: { method: 'GET', path: '/v1/customers', query: { email: '{identity}', limit: '100' } } },
    },
    list: { method: 'GET', path: '/v1/customers', query: { limit: '100' } },
    records: { path: 'data', id: 'id', identity: 'email' },
    pagination: { type: 'cursor', param: 'starting_after', hasMore: 'has_more' },
    erase: { delete: [{ method: 'DELETE', path: '/v1/customers/{record.id}' }] },
    update: { method: 'POST', path: '/v1/customers/{record.id}', encoding: 'form' },
    rateLimit: { perSecond: 25 },
  },
  /**
   * Zendesk Support users (https://developer.zendesk.com/api-reference/ticketing/users/users/): search with
   * `GET /api/v2/users/search.json?query=email:…` — fuzzy, so every result is checked again here — paged by `next_page`;
   * `DELETE /api/v2/users/{id}.json` only soft-deletes, and `DELETE /api/v2/deleted_users/{id}.json` then deletes
   * permanently (GDPR Art. 17: both, in that order); `PUT /api/v2/users/{id}.json` with `{ "user": {…} }`. Basic auth
   * with `{email}/token:{api token}` as the secret.
   */
  zendesk: {
    auth: { scheme: 'basic' },
    identity: {
      email: {
        lookup: { method: 'GET', path: '/api/v2/users/search.json', query: { query: 'email:{identity}' } },
      },
    },
    list: { method: 'GET', path: '/api/v2/users.json', query: { per_page: '100' } },
    records: { path: 'users', id: 'id', identity: 'email' },
    pagination: { type: 'next-url', next: 'next_page' },
    erase: {
      delete: [
        { method: 'DELETE', path: '/api/v2/users/{record.id}.json' },
        { method: 'DELETE', path: '/api/v2/deleted_users/{record.id}.json' },
      ],
    },
    update: { method: 'PUT', path: '/api/v2/users/{record.id}.json', encoding: 'json', wrap: 'user' },
    rateLimit: { perSecond: 10 },
  },
  /**
   * Mailchimp Marketing list members (https://mailchimp.com/developer/marketing/api/list-members/): a member's id is
   * the MD5 of the lower-cased address, so the lookup is `GET /3.0/lists/{list}/members/{identity|md5lower}` (404: not a
   * member); `POST …/actions/delete-permanent` erases for good (a plain DELETE only archives); `PATCH` with
   * `merge_fields` or `status: "unsubscribed"`. Basic auth, any user name and the API key. Set `{list}` with `vars`.
   */
  mailchimp: {
    auth: { scheme: 'basic' },
    identity: {
      email: { lookup: { method: 'GET', path: '/3.0/lists/{vars.list}/members/{identity|md5lower}' } },
    },
    list: {
      method: 'GET',
      path: '/3.0/lists/{vars.list}/members',
      query: { count: '1000', fields: 'members.email_address,total_items' },
    },
    records: { path: '', id: 'id', identity: 'email_address', listPath: 'members' },
    pagination: { type: 'offset', offsetParam: 'offset', countParam: 'count', total: 'total_items' },
    erase: {
      delete: [{ method: 'POST', path: '/3.0/lists/{vars.list}/members/{record.id}/actions/delete-permanent' }],
    },
    update: { method: 'PATCH', path: '/3.0/lists/{vars.list}/members/{record.id}', encoding: 'json' },
    rateLimit: { perSecond: 10 },
  },
} as const;

export type HttpPresetName = keyof typeof HTTP_PRESETS;

/** A plain object (not an array): merged key by key. */
function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with `over` laid on it, objects merged key by key (arrays and values replaced). */
export function merged(base: unknown, over: unknown): unknown {
  if (!isPlain(base) || !isPlain(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merged(base[key], value);
  return out;
}

/**
 * A systems file's `http` systems with their preset laid under them (the file's own fields win). Runs before
 * validation, so the merged result is what is checked; an unknown preset is left for the schema to refuse by name.
 */
export function withPresets(config: unknown): unknown {
  if (!isPlain(config) || !Array.isArray(config.systems)) return config;
  return {
    ...config,
    systems: config.systems.map((system: unknown) => {
      if (!isPlain(system) || system.type !== 'http' || typeof system.preset !== 'string') return system;
      const preset = (HTTP_PRESETS as Record<string, unknown>)[system.preset];
      if (!isPlain(preset)) return system;
      // a system's own identity replaces the preset's whole (one kind per system: merging would name two)
      const base = system.identity === undefined ? preset : { ...preset, identity: undefined };
      return merged(base, system);
    }),
  };
}
