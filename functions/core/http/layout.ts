import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type Lang, LANGS, t } from '../i18n/catalog';
import { html } from './responses';

/**
 * Markup that is already safe to insert. Only `h` and `raw` make one, so a value that came from a request can reach a
 * page only through `h`, which escapes it.
 */
export interface Html {
  readonly html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const isHtml = (v: unknown): v is Html =>
  typeof v === 'object' && v !== null && typeof (v as Partial<Html>).html === 'string';

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (isHtml(part)) return part.html;
  return escapeHtml(String(part));
}

/**
 * Build markup: `h\`<p>${value}</p>\``. Every interpolated string is escaped; `Html` (and arrays of it) goes in as
 * it is; `null`, `undefined` and `false` vanish, so `${cond && h\`…\`}` works.
 */
export function h(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return { html: out };
}

/** Trusted markup written in this code base (never a value from a request). */
export const raw = (markup: string): Html => ({ html: markup });

/** Which people a page is for: the subject's pages and the operators' console look alike but say where you are. */
export type Area = 'subject' | 'operator';

export interface LayoutOptions {
  status?: number;
  lang: Lang;
  title: string;
  body: Html;
  area: Area;
  /** same-origin script paths (e.g. '/assets/center.js'); the CSP allows no other script, inline included */
  scripts?: readonly string[];
  /** extra CSP form-action sources (e.g. the S3 origin a presigned POST form sends to) */
  formActions?: readonly string[];
  /** the path the language links keep (the page's own); no query is carried over, so no token leaks into a link */
  path?: string;
  headers?: Record<string, string>;
}

/**
 * The Content-Security-Policy of every page: nothing but same-origin styles and scripts (no inline code, no style
 * attributes), no framing (a confirm button cannot be clickjacked), forms post only back here (plus what a page names).
 */
export function contentSecurityPolicy(formActions: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "script-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    `form-action 'self'${formActions.map((a) => ` ${a}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A whole page in the product's one layout: a skip link, a header, the main content, a language switch. */
export function layoutPage(options: LayoutOptions): APIGatewayProxyStructuredResultV2 {
  const { lang, title, body, area } = options;
  const path = options.path ?? '';
  const languages = LANGS.map((l) =>
    l === lang
      ? h`<li><span aria-current="true">${t(l, 'layout.languageName')}</span></li>`
      : h`<li><a href="${path}?lang=${l}" hreflang="${l}" lang="${l}">${t(l, 'layout.languageName')}</a></li>`,
  );
  const scripts = (options.scripts ?? []).map((src) => h`<script src="${src}" defer></script>`);
  const document = h`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} — ${t(lang, area === 'operator' ? 'layout.consoleName' : 'layout.centerName')}</title>
<link rel="stylesheet" href="/assets/site.css">
${scripts}
</head>
<body class="area-${area}">
<a class="skip" href="#main">${t(lang, 'layout.skip')}</a>
<header class="site"><p class="brand">${t(lang, area === 'operator' ? 'layout.consoleName' : 'layout.centerName')}</p></header>
<main id="main" tabindex="-1">
<h1>${title}</h1>
${body}
</main>
<footer class="site"><nav aria-label="${t(lang, 'layout.languages')}"><ul class="langs">${languages}</ul></nav></footer>
</body>
</html>`;
  const response = html(options.status ?? 200, document.html);
  response.headers = {
    ...response.headers,
    'content-security-policy': contentSecurityPolicy(options.formActions),
    'content-language': lang,
    vary: 'accept-language, cookie',
    ...options.headers,
  };
  return response;
}
