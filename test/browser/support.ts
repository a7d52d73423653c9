/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Browser tests drive a real headless Chromium (Debian's `chromium` package; `.ci/run` installs it) with playwright-core.
 * Where no Chromium can be found the suites skip, saying why, rather than pass on nothing.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go: test artefacts, kept out of git (.gitignore). */
export const SCREENSHOT_DIR = path.resolve('test-artifacts/screenshots');

/** Why the browser suites skip, or undefined when a browser is there. */
export const noBrowserReason = existsSync(CHROMIUM_PATH)
  ? undefined
  : `no Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;
if (noBrowserReason) console.warn(`[browser tests skipped] ${noBrowserReason}`);

export interface TestBrowser {
  /** a page in a fresh context (no cookies shared with other pages); options e.g. { javaScriptEnabled: false } */
  page(options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Start Chromium headless. The flags keep it off the network it would otherwise call home to (this machine refuses
 * those connections, and slowly), and --no-sandbox because CI runs as root.
 */
export async function openBrowser(): Promise<TestBrowser> {
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    page: async (options) => {
      const context = await browser.newContext({ locale: 'en-US', ...options });
      return context.newPage();
    },
    close: () => browser.close(),
  };
}

let axeSource: string | undefined;
const loadAxe = async () => {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
};

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Run axe-core (WCAG 2.x A/AA rules and best practices) in the page and fail on any serious or critical violation,
 * naming each rule and where it hit. The page's strict CSP is not loosened for the test. axe runs as script, so the
 * page must be in a context with JavaScript on: check a no-script page by opening the same URL in a second page.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const source = await loadAxe();
  // A string is run through the DevTools protocol as it is, which the page's CSP does not govern (an eval() inside the
  // page would be refused, rightly).
  const scripted = await Promise.race([
    page.evaluate('true').then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
  ]);
  if (!scripted) throw new Error(`expectAccessible: JavaScript is off on ${page.url()}; open it in a scripted page`);
  await page.evaluate(source);
  const violations = (await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  })) as AxeViolation[];
  const grave = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  expect(grave, `accessibility violations on ${page.url()}`).toEqual([]);
}

/** A full-page screenshot kept as a test artefact (test-artifacts/screenshots/<name>.png). */
export async function shoot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
