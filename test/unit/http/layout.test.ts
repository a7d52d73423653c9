import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as assets } from '../../../functions/assets/handler';
import { contentSecurityPolicy, h, layoutPage, raw } from '../../../functions/core/http/layout';
import { httpRoute } from '../../../functions/core/http/middlewares';
import { page } from '../../../functions/core/http/pages';
import { json } from '../../../functions/core/http/responses';
import { lambdaContext } from '../../../infra/local/lambda-context';
import { pickLang, t } from '../../../functions/core/i18n/catalog';
import { en } from '../../../functions/core/i18n/en';
import { es } from '../../../functions/core/i18n/es';

const event = (over: Partial<APIGatewayProxyEventV2>) =>
  ({ headers: {}, requestContext: { http: { method: 'GET' } }, ...over }) as unknown as APIGatewayProxyEventV2;

describe('Function: h', () => {
  it('escapes interpolated strings and keeps Html and arrays of it', () => {
    // Act
    const out = h`<p title="${'"x"'}">${'<b>&'}${[h`<i>${'<'}</i>`, raw('<br>')]}${null}${false}${undefined}${3}</p>`;

    // Assess
    expect(out.html).toBe('<p title="&quot;x&quot;">&lt;b&gt;&amp;<i>&lt;</i><br>3</p>');
  });
});

describe('Function: layoutPage', () => {
  it('serves HTML with a strict CSP, the language and the skip link', () => {
    // Act
    const response = layoutPage({ lang: 'es', title: 'T <x>', area: 'subject', body: h`<p>b</p>`, path: '/privacy' });

    // Assess
    const csp = response.headers?.['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers?.['content-language']).toBe('es');
    expect(response.body).toContain('<html lang="es">');
    expect(response.body).toContain('<h1>T &lt;x&gt;</h1>');
    expect(response.body).toContain('href="#main"');
    expect(response.body).toContain('href="/privacy?lang=en"');
    expect(response.body).not.toMatch(/style="/);
  });

  it('adds the form-action sources a page names, and only those', () => {
    // Act
    const csp = contentSecurityPolicy(['https://bucket.s3.eu-west-1.amazonaws.com']);

    // Assess
    expect(csp).toContain("form-action 'self' https://bucket.s3.eu-west-1.amazonaws.com;");
  });

  it("keeps the mailed pages' message escaped", () => {
    // Act
    const response = page(410, 'Gone', 'a <script> in a message');

    // Assess
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('<p>a &lt;script&gt; in a message</p>');
  });
});

describe('Function: pickLang', () => {
  it('takes ?lang= first, then the cookie, then Accept-Language by weight, else English', () => {
    // Act & Assess
    expect(pickLang(event({ queryStringParameters: { lang: 'es' }, cookies: ['lang=en'] }))).toBe('es');
    expect(pickLang(event({ queryStringParameters: { lang: 'fr' }, cookies: ['lang=es'] }))).toBe('es');
    expect(pickLang(event({ headers: { cookie: 'a=b; lang=es' } }))).toBe('es');
    expect(pickLang(event({ headers: { 'accept-language': 'fr-FR, es-MX;q=0.8, en;q=0.5' } }))).toBe('es');
    expect(pickLang(event({ headers: { 'accept-language': 'es;q=0, en;q=0.1' } }))).toBe('en');
    expect(pickLang(event({ headers: { 'accept-language': 'de' } }))).toBe('en');
    expect(pickLang(undefined)).toBe('en');
  });
});

describe('Function: t', () => {
  it('fills placeholders and leaves an unknown one visible', () => {
    // Act & Assess
    expect(t('es', 'layout.skip')).toBe('Ir al contenido principal');
    expect(t('en', 'layout.centerName', { x: 1 })).toBe('Privacy center');
  });

  it('has every English key in Spanish, none left empty or untranslated by accident', () => {
    // Assess
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const value of Object.values(es)) expect(value.trim()).not.toBe('');
  });
});

describe('Function: assets handler', () => {
  const get = async (name: string, headers: Record<string, string> = {}) =>
    (await assets(event({ pathParameters: { name }, headers }), {} as Context)) as APIGatewayProxyStructuredResultV2;

  it('serves the stylesheet with its type and an ETag, and 304 when it is unchanged', async () => {
    // Act
    const first = await get('site.css');
    const again = await get('site.css', { 'if-none-match': String(first.headers?.etag) });

    // Assess
    expect(first.statusCode).toBe(200);
    expect(first.headers?.['content-type']).toBe('text/css; charset=utf-8');
    expect(first.body).toContain('.skip');
    expect(again.statusCode).toBe(304);
  });

  it('answers 404 for anything else, including names that try to leave the folder', async () => {
    // Act & Assess
    expect((await get('../handler.ts')).statusCode).toBe(404);
    expect((await get('toString')).statusCode).toBe(404);
  });
});

describe('Middleware: the language cookie', () => {
  const route = httpRoute(async () => page(200, 'T', 'm'));
  const jsonRoute = httpRoute(async () => json(200, {}));

  it('remembers a language asked for by ?lang= on a page, and nothing otherwise', async () => {
    // Act
    const asked = (await route(
      event({ queryStringParameters: { lang: 'es' } }),
      lambdaContext('test'),
    )) as APIGatewayProxyStructuredResultV2;
    const unknown = (await route(
      event({ queryStringParameters: { lang: 'xx' } }),
      lambdaContext('test'),
    )) as APIGatewayProxyStructuredResultV2;
    const api = (await jsonRoute(
      event({ queryStringParameters: { lang: 'es' } }),
      lambdaContext('test'),
    )) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(asked.cookies).toEqual(['lang=es; Path=/; Max-Age=31536000; SameSite=Lax']);
    expect(unknown.cookies).toBeUndefined();
    expect(api.cookies).toBeUndefined();
  });
});
