import { createHash } from 'node:crypto';
import type { HttpRequest } from '../config';
import type { SourceRecord } from '../contract';

/** What a template may draw on: the identity searched by, the record in hand, the system's `vars`. */
export interface TemplateScope {
  identity?: string;
  record?: SourceRecord;
  vars: Readonly<Record<string, string>>;
}

/** The value at a dotted path (`a.b`); the whole value for `''`. */
export function valueAt(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** `fields` (dotted path → value) as a nested object: `{ "metadata.marketing": "out" }` → `{ metadata: { marketing } }`. */
export function nested(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(fields)) {
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      node[key] = typeof next === 'object' && next !== null ? next : {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1) ?? path] = value;
  }
  return out;
}

/**
 * `fields` as a form body the way Stripe reads nested fields: `metadata.marketing` → `metadata[marketing]`; null → an
 * empty value (Stripe's way to unset).
 */
export function formBody(fields: Readonly<Record<string, unknown>>): string {
  const form = new URLSearchParams();
  for (const [path, value] of Object.entries(fields)) {
    const [head = path, ...rest] = path.split('.');
    const name = head + rest.map((key) => `[${key}]`).join('');
    form.set(
      name,
      value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value),
    );
  }
  return form.toString();
}

function placeholder(name: string, scope: TemplateScope): string {
  if (name === 'identity') return scope.identity ?? '';
  if (name === 'identity|md5lower')
    return createHash('md5')
      .update((scope.identity ?? '').toLowerCase())
      .digest('hex');
  if (name.startsWith('record.')) {
    const value = valueAt(scope.record, name.slice('record.'.length));
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  }
  if (name.startsWith('vars.')) return scope.vars[name.slice('vars.'.length)] ?? '';
  return '';
}

/**
 * A template's text with its placeholders filled, each value passed through `encode` (a path segment is
 * percent-encoded whole, so `../x` or `a/b?c` stays one segment and cannot reach another resource).
 */
export function render(template: string, scope: TemplateScope, encode: (value: string) => string): string {
  return template.replace(/\{([^}]*)\}/g, (_match, name: string) => encode(placeholder(name, scope)));
}

/** The URL of a request against `base`: the path with encoded segments, and the query (URLSearchParams encodes it). */
export function requestUrl(base: string, request: Pick<HttpRequest, 'path' | 'query'>, scope: TemplateScope): URL {
  const url = new URL(base.replace(/\/+$/, '') + render(request.path, scope, encodeURIComponent));
  for (const [name, value] of Object.entries(request.query ?? {}))
    url.searchParams.set(
      name,
      render(value, scope, (v) => v),
    );
  return url;
}
