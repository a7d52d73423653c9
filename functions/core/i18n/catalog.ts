import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Catalog, MessageKey } from './catalog-type';
import { en } from './en';
import { es } from './es';

export type { MessageKey } from './catalog-type';

export const LANGS = ['en', 'es'] as const;
export type Lang = (typeof LANGS)[number];

const CATALOGS: Record<Lang, Catalog> = { en, es };

export const isLang = (value: unknown): value is Lang => LANGS.includes(value as Lang);

/** Whether a string (e.g. built from a query parameter) names a message every catalogue has. */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key);

/** A message in `lang`, its `{name}` placeholders filled from `vars` (an unknown placeholder stays visible). */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return CATALOGS[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    vars[name] === undefined ? whole : String(vars[name]),
  );
}

/** The `lang` cookie, when it names a language we have. */
function cookieLang(event: Pick<APIGatewayProxyEventV2, 'cookies' | 'headers'>): Lang | undefined {
  const cookies = event.cookies ?? (event.headers?.cookie ?? '').split(';');
  for (const cookie of cookies) {
    const [name, value] = cookie.trim().split('=');
    if (name === 'lang' && isLang(value)) return value;
  }
  return undefined;
}

/** RFC 9110 §12.5.4: the listed languages by weight; the first we have wins. */
function acceptedLang(header: string | undefined): Lang | undefined {
  const ranked = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { primary: tag.toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q) };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.primary).find(isLang);
}

/** The page's language: `?lang=`, else the `lang` cookie, else Accept-Language, else English. */
export function pickLang(
  event: Pick<APIGatewayProxyEventV2, 'queryStringParameters' | 'cookies' | 'headers'> | undefined,
): Lang {
  if (!event) return 'en';
  const asked = event.queryStringParameters?.lang;
  if (isLang(asked)) return asked;
  return cookieLang(event) ?? acceptedLang(event.headers?.['accept-language']) ?? 'en';
}
