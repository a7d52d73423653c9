/// <reference lib="dom" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as assets } from '../../functions/assets/handler';
import { confirmPage } from '../../functions/core/http/pages';
import { h, layoutPage } from '../../functions/core/http/layout';
import { expectAccessible, noBrowserReason, openBrowser, shoot, type TestBrowser } from './support';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/**
 * The one layout in a real browser: the stylesheet loads under the strict CSP, an inline script is refused, the skip
 * link is the first stop of the keyboard, and axe finds nothing serious. Served by a bare loopback server that calls the
 * real assets handler and the real page builders.
 */
const assetEvent = (name: string) =>
  ({
    headers: {},
    pathParameters: { name },
    requestContext: { http: { method: 'GET' } },
  }) as unknown as APIGatewayProxyEventV2;

function pageFor(url: string): APIGatewayProxyStructuredResultV2 {
  if (url.startsWith('/confirm')) {
    return confirmPage('Confirm your privacy request', 'Press a button.', 'confirm', 'tok', [
      { value: 'confirm', label: 'Yes, it was me — confirm' },
      { value: 'cancel', label: 'This was not me' },
    ]);
  }
  const lang = url.includes('lang=es') ? 'es' : 'en';
  return layoutPage({
    lang,
    area: 'subject',
    title: 'A page',
    path: '/page',
    body: h`<p id="said">${'<script>window.injected = true</script>'}</p>
<script>window.inline = true</script>
<form method="post" action="/page"><label for="email">Email</label><input id="email" name="email" type="email"><button type="submit">Send</button></form>`,
  });
}

describe.skipIf(noBrowserReason !== undefined)('Pages: the layout in Chromium', () => {
  let server: Server;
  let base: string;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const url = req.url ?? '/';
      const result = url.startsWith('/assets/')
        ? ((await assets(assetEvent(url.slice('/assets/'.length)), {} as Context)) as APIGatewayProxyStructuredResultV2)
        : pageFor(url);
      res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
      res.end(result.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('loads the stylesheet, refuses inline script and escaped markup stays text', async () => {
    // Prepare
    const page = await browser.page();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) refused.push(m.text());
    });

    // Act
    await page.goto(`${base}/page`);

    // Assess
    expect(
      await page.evaluate(() => getComputedStyle(document.querySelector('header.site') as Element).backgroundColor),
    ).toBe('rgb(27, 31, 36)');
    expect(await page.evaluate(() => (window as unknown as { inline?: boolean }).inline)).toBeUndefined();
    expect(refused.length).toBeGreaterThan(0);
    expect(await page.textContent('#said')).toBe('<script>window.injected = true</script>');
    await expectAccessible(page);
    await shoot(page, 'layout-en');
  });

  it('puts the skip link first in the keyboard order and lands on the main content', async () => {
    // Prepare
    const page = await browser.page();
    await page.goto(`${base}/page`);

    // Act
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.textContent);
    await page.keyboard.press('Enter');

    // Assess
    expect(first).toBe('Skip to the main content');
    expect(page.url()).toMatch(/#main$/);
  });

  it('speaks Spanish when asked, and marks the page so', async () => {
    // Prepare
    const page = await browser.page();

    // Act
    await page.goto(`${base}/page?lang=es`);

    // Assess
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.textContent('a.skip')).toBe('Ir al contenido principal');
    await expectAccessible(page);
    await shoot(page, 'layout-es');
  });

  it('renders a mailed confirmation page without JavaScript, accessibly', async () => {
    // Prepare
    const noScript = await browser.page({ javaScriptEnabled: false });
    const checked = await browser.page();

    // Act
    await noScript.goto(`${base}/confirm`);
    await checked.goto(`${base}/confirm`);

    // Assess
    expect(await noScript.locator('button').allTextContents()).toEqual(['Yes, it was me — confirm', 'This was not me']);
    await expectAccessible(checked);
    await shoot(noScript, 'confirm');
  });
});
