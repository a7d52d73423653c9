/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn } from '../../infra/local/client';
import { DEMO_CHANGED_PERSON, DEMO_ERASED_PERSON, DEMO_PERSON } from '../../infra/local/demo-company';
import { startTestTwin, type TestTwin } from '../e2e/support';
import { expectAccessible, noBrowserReason, openBrowser, shoot, type TestBrowser } from './support';

/**
 * The privacy center in headless Chromium against the local twin, under Softpire's profile (CCPA; access, portability,
 * categories, deletion, correction and withdrawal of consent for customers; correction and deletion for its customers'
 * end users; agents with a signed permission or a power of attorney). A subject submits each offered right, confirms
 * from the mail (read from aws-ses-v2-local), follows the status page and, for access, downloads the export; an agent
 * uploads a permission and asks for someone; Spanish; no JavaScript; keyboard only; axe on every page.
 */
const ENDED = ['completed', 'partially_completed', 'rejected', 'expired'];

describe.skipIf(noBrowserReason !== undefined)('Browser: the privacy center', () => {
  let t: TestTwin;
  let api: string;
  let browser: TestBrowser;

  beforeAll(async () => {
    t = await startTestTwin({ profile: 'softpire' });
    api = t.twin.endpoints.api;
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** The reference and status code the "check your mail" page shows once (they are also in the HttpOnly cookie). */
  async function shown(page: Page): Promise<{ requestId: string; token: string }> {
    const codes = await page.locator('dl.facts code').allTextContents();
    return { requestId: codes[0] ?? '', token: codes[1] ?? '' };
  }

  /** Open the link of the verification mail in the browser and press "confirm". */
  async function confirmFromMail(page: Page, email: string, requestId: string, name: string) {
    const mail = await t.client.waitForMail(email, requestId, /confirm/i);
    await page.goto(linkIn(mail, '/verify'));
    await expectAccessible(page);
    await shoot(page, `center-${name}-verify`);
    await page.getByRole('button', { name: /confirm/i }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    await shoot(page, `center-${name}-verified`);
  }

  /** Submit one right's form on the center page: fill its inputs, press its button. */
  async function submitRight(page: Page, formId: string, email: string, fill?: (form: string) => Promise<void>) {
    const form = `form:has(input[name="form"][value="${formId}"])`;
    await page.fill(`${form} input[name="subject.email"]`, email);
    await fill?.(form);
    await page.click(`${form} button[type="submit"]`);
    await page.waitForLoadState();
  }

  const RIGHTS: {
    formId: string;
    email: string;
    fill?: (page: Page) => (form: string) => Promise<void>;
  }[] = [
    { formId: 'customer:access', email: DEMO_PERSON.email },
    { formId: 'customer:portability', email: DEMO_PERSON.email },
    { formId: 'customer:categories', email: DEMO_PERSON.email },
    { formId: 'customer:withdraw_consent', email: DEMO_CHANGED_PERSON.email },
    {
      formId: 'customer:correction',
      email: DEMO_CHANGED_PERSON.email,
      fill: (page) => async (form) => {
        await page.selectOption(`${form} select[name="corrections.0.attribute"]`, { index: 0 });
        await page.fill(`${form} input[name="corrections.0.value"]`, 'Alan M. Lovelace');
      },
    },
    { formId: 'customer:deletion', email: DEMO_ERASED_PERSON.email },
    {
      formId: 'end_user:correction',
      email: 'end.user@example.org',
      fill: (page) => async (form) => {
        await page.selectOption(`${form} select[name="corrections.0.attribute"]`, { index: 0 });
        await page.fill(`${form} input[name="corrections.0.value"]`, 'E. User');
      },
    },
    { formId: 'end_user:deletion', email: 'end.user@example.org' },
  ];

  it.each(RIGHTS)('a subject asks for $formId, confirms from the mail and follows the status page', async (right) => {
    // Prepare
    const page = await browser.page();
    const name = right.formId.replace(':', '-');
    await page.goto(`${api}/privacy`);
    await expectAccessible(page);
    if (right.formId === 'customer:access') await shoot(page, 'center-home');

    // Act
    await submitRight(page, right.formId, right.email, right.fill?.(page));
    const { requestId, token } = await shown(page);
    await expectAccessible(page);
    await shoot(page, `center-${name}-sent`);
    await page.getByRole('link', { name: 'Follow your request' }).click();
    await expectAccessible(page);
    await shoot(page, `center-${name}-status-pending`);
    const pending = await page.locator('main').textContent();
    await confirmFromMail(page, right.email, requestId, name);
    const ended = t.client.waitForStatus(requestId, token, ENDED, 90_000);
    await t.client.answerNoticesUntil(requestId, ended, 'done');
    const final = await ended;
    await page.goto(`${api}/privacy/status`);
    await expectAccessible(page);
    await shoot(page, `center-${name}-status-final`);

    // Assess
    expect(pending).toContain('Cancel this request');
    expect(final.status).toBe('completed');
    expect(await page.locator('ol.timeline li.reached').allTextContents()).toEqual([
      expect.stringMatching(/^Received — /),
      expect.stringMatching(/^Confirmed from your mailbox — /),
      expect.stringMatching(/^Being processed/),
      expect.stringMatching(/^Answered — /),
    ]);
    expect(await page.locator('main').textContent()).not.toContain('Cancel this request');

    if (right.formId !== 'customer:access') return;
    // the export: the delivery mail's single-use link, its page, its button
    const delivery = await t.client.waitForMail(right.email, requestId, /request is/i);
    await page.goto(linkIn(delivery, '/download'));
    await expectAccessible(page);
    await shoot(page, 'center-access-download');
    const fromStore: string[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(t.twin.endpoints.s3) && r.status() === 200) fromStore.push(r.url());
    });
    await page.locator('main form button[type="submit"]').first().click();
    await page.waitForLoadState();
    // a document of several files (the JSON and its readable page) answers with one button per file
    if ((await page.locator('h1').textContent()) === 'Your files') {
      await expectAccessible(page);
      await shoot(page, 'center-access-files');
      const fetched = page.waitForResponse((r) => r.url().startsWith(t.twin.endpoints.s3) && r.status() === 200);
      await page.locator('main form button[type="submit"]').first().click();
      await fetched;
    }
    await expect.poll(() => fromStore.length).toBeGreaterThan(0);
    expect(fromStore[0]).toContain('exports/');
  });

  it('lets an authorized agent upload the permission and ask for someone, without JavaScript', async () => {
    // Prepare
    const page = await browser.page({ javaScriptEnabled: false });
    const checked = await browser.page();
    await page.goto(`${api}/privacy`);

    // Act
    await page.selectOption('select[name="contentType"]', 'application/pdf');
    await page.getByRole('button', { name: 'Continue to the upload' }).click();
    await page.waitForLoadState();
    await shoot(page, 'center-agent');
    await page.setInputFiles('input[type="file"]', {
      name: 'permission.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 signed permission'),
    });
    const uploaded = page.waitForResponse((r) => r.url().startsWith(t.twin.endpoints.s3));
    await page.getByRole('button', { name: 'Upload the document' }).click();
    const upload = await uploaded;
    await page.selectOption('select[name="type"]', 'categories');
    await page.fill('input[name="subject.email"]', DEMO_PERSON.email);
    await page.fill('input[name="agent.email"]', 'agent@privacy-helpers.example');
    await page.fill('input[name="agent.name"]', 'Privacy Helpers LLC');
    await page.selectOption('select[name="agent.authority"]', 'signed_permission');
    await page.getByRole('button', { name: 'Send this request' }).click();
    await page.waitForLoadState();
    const { requestId } = await shown(page);
    const subjectMail = await t.client.waitForMail(DEMO_PERSON.email, requestId, /confirm/i);
    // the same agent page in a scripted page, for axe (it runs as script)
    await checked.goto(`${api}/privacy`);
    await checked.getByRole('button', { name: 'Continue to the upload' }).click();
    await checked.waitForLoadState();
    await expectAccessible(checked);

    // Assess
    expect(upload.status()).toBe(204);
    expect(await page.locator('main').textContent()).toContain('We have written to the person you act for');
    expect(subjectMail.text).toContain('Privacy Helpers LLC');
    await shoot(page, 'center-agent-sent');
  });

  it('speaks Spanish from the browser language, errors included', async () => {
    // Prepare
    const page = await browser.page({ locale: 'es-ES' });
    await page.goto(`${api}/privacy`);

    // Act
    const title = await page.title();
    await submitRight(page, 'customer:categories', 'no-es-una-direccion');
    const summary = await page.locator('.error-summary').textContent();
    const focused = await page.evaluate(() => document.activeElement?.className);
    await expectAccessible(page);
    await shoot(page, 'center-es-error');
    await page.locator('.error-summary a').first().click();
    const target = await page.evaluate(() => document.activeElement?.getAttribute('name'));

    // Assess
    expect(title).toMatch(/^Sus derechos de privacidad/);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(summary).toContain('Hay un problema');
    expect(summary).toContain('Escriba un correo electrónico, como nombre@ejemplo.com');
    expect(focused).toBe('error-summary');
    expect(target).toBe('subject.email');
  });

  it('takes a request without JavaScript, and opens its status by reference and code', async () => {
    // Prepare
    const page = await browser.page({ javaScriptEnabled: false });
    const checked = await browser.page();
    await page.goto(`${api}/privacy`);

    // Act
    await submitRight(page, 'customer:categories', 'no.script@example.org');
    const { requestId, token } = await shown(page);
    await shoot(page, 'center-noscript-sent');
    await checked.goto(`${api}/privacy/status`);
    await expectAccessible(checked);
    await shoot(checked, 'center-lookup');
    await checked.fill('input[name="reference"]', requestId);
    await checked.fill('input[name="token"]', token);
    await checked.getByRole('button', { name: 'Show the status' }).click();
    await checked.waitForLoadState();
    await expectAccessible(checked);
    await checked.getByRole('button', { name: 'Cancel this request' }).click();
    await checked.waitForLoadState();
    await expectAccessible(checked);
    await shoot(checked, 'center-cancelled');

    // Assess
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await checked.locator('main').textContent()).toContain('Your request is cancelled');
    expect((await t.client.status(requestId, token)).json.status).toBe('cancelled');
  });

  it('can be used with the keyboard alone: tab to the first form, submit with Enter', async () => {
    // Prepare
    const page = await browser.page();
    await page.goto(`${api}/privacy`);

    // Act
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.className);
    let reached = '';
    for (let i = 0; i < 15 && reached !== 'customer-access-subject-email'; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id ?? '');
    }
    await page.keyboard.type('keyboard.only@example.org');
    await page.keyboard.press('Enter');
    await page.waitForLoadState();

    // Assess
    expect(first).toBe('skip');
    expect(reached).toBe('customer-access-subject-email');
    expect(await page.locator('main').textContent()).toContain('Open the link in it to confirm your request');
    await expectAccessible(page);
  });

  it('shows the GPC notice from the Sec-GPC header, and from navigator.globalPrivacyControl with script', async () => {
    // Prepare
    const byHeader = await browser.page({ javaScriptEnabled: false, extraHTTPHeaders: { 'Sec-GPC': '1' } });
    const byScript = await browser.page();
    await byScript.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
    );
    const without = await browser.page();

    // Act
    await byHeader.goto(`${api}/privacy`);
    await byScript.goto(`${api}/privacy`);
    await without.goto(`${api}/privacy`);
    await byScript.waitForFunction(() => !(document.getElementById('gpc-notice') as HTMLElement).hidden);

    // Assess
    const notice = "Your browser's Global Privacy Control signal is honoured as an opt-out of sale/sharing.";
    expect(await byHeader.locator('#gpc-notice').isVisible()).toBe(true);
    expect(await byHeader.locator('#gpc-notice').textContent()).toContain(notice);
    expect(await byScript.locator('#gpc-notice').isVisible()).toBe(true);
    expect(await without.locator('#gpc-notice').isVisible()).toBe(false);
    await expectAccessible(byScript);
    await shoot(byScript, 'center-gpc');
  });
});
