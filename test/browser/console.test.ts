/// <reference lib="dom" />
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn } from '../../infra/local/client';
import { DEMO_PERSON } from '../../infra/local/demo-company';
import { type OperatorTwin, reviewedProfileFile, startOperatorTwin } from '../e2e/support';
import { expectAccessible, noBrowserReason, openBrowser, shoot, type TestBrowser } from './support';
import type { Page } from 'playwright-core';

/**
 * The operator console in Chromium, against the twin: the operator signs in with the credential the twin made at its
 * first start, sees the queue, filters it, extends one request and approves a held one (a profile that reviews every
 * access request holds it, as in test/e2e/operator-hold.test.ts), and finds their identity in the audit history. Every
 * console page passes axe; a POST without the form token is refused and changes nothing.
 */
describe.skipIf(noBrowserReason !== undefined)('Console: an operator in Chromium', () => {
  let t: OperatorTwin;
  let dir: string;
  let browser: TestBrowser;
  let page: Page;
  let held: string;
  let other: string;
  const OPERATOR = 'dpo@softpire.example';

  async function heldRequest(email: string) {
    const submitted = await t.client.submit({ type: 'access', regulation: 'ccpa', subject: { email } });
    const { requestId } = submitted.json as { requestId: string };
    await t.client.confirm(linkIn(await t.client.waitForMail(email, requestId, /confirm/i), '/verify'));
    await t.client.waitForMail(OPERATOR, requestId, /waits for your decision/);
    return requestId;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dsar-console-'));
    t = await startOperatorTwin({ profile: reviewedProfileFile(dir, OPERATOR) });
    held = await heldRequest(DEMO_PERSON.email);
    other = await heldRequest('second.subject@example.com');
    browser = await openBrowser();
    page = await browser.page();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with the credential the twin printed once, and refuses a wrong one', async () => {
    // Prepare
    const credential = t.twin.console.credential ?? '';
    await page.goto(t.twin.console.url);
    await expectAccessible(page);
    await shoot(page, 'console-sign-in');

    // Act
    await page.fill('#credential', 'not-the-credential');
    await page.click('button[type=submit]');
    const wrong = await page.textContent('[role=alert]');
    await page.fill('#credential', credential);
    await page.click('button[type=submit]');

    // Assess
    expect(credential.length).toBeGreaterThanOrEqual(22);
    expect(wrong).toContain('That credential is wrong');
    expect(new URL(page.url()).pathname).toBe('/console');
    expect(await page.textContent('h1')).toBe('Request queue');
  });

  it('shows the queue by due date without addresses, and filters it', async () => {
    // Prepare
    await page.goto(`${t.twin.endpoints.api}/console`);
    await expectAccessible(page);
    await shoot(page, 'console-queue');

    // Act
    await page.click('a[href="/console?status=held"]');

    // Assess
    const body = (await page.textContent('main')) ?? '';
    expect(body).toContain(held);
    expect(body).toContain(other);
    expect(body).toContain('an operator decision');
    expect(body).not.toContain(DEMO_PERSON.email);
    expect(await page.getAttribute('[aria-current=page]', 'aria-current')).toBe('page');
    await expectAccessible(page);
    await shoot(page, 'console-queue-held');
  });

  it('extends a request: the new due date is mailed and shown', async () => {
    // Prepare
    await page.goto(`${t.twin.endpoints.api}/console/requests/${other}`);
    await expectAccessible(page);
    await shoot(page, 'console-request');

    // Act
    await page.fill('#reason-extend', 'The systems holding your data need more time to search.');
    await page.click('form[action$="/extend"] button');

    // Assess
    expect(await page.textContent('[role=status]')).toContain('Extended');
    await t.client.waitForMail('second.subject@example.com', other, /more time/i);
  });

  it('approves the held request, and the audit history names the operator', async () => {
    // Prepare
    await page.goto(`${t.twin.endpoints.api}/console/requests/${held}`);

    // Act
    await page.click('form[action$="/approve"] button');
    const history = (await page.textContent('main')) ?? '';

    // Assess
    expect(await page.textContent('[role=status]')).toContain('Approved');
    expect(history).toContain('operator (local-operator)');
    expect(history).toMatch(/Chain intact \(\d+ events\)/);
    await expectAccessible(page);
    await shoot(page, 'console-approved');
  });

  it('shows the §7102 metrics for a year', async () => {
    // Act
    await page.goto(`${t.twin.endpoints.api}/console/metrics?year=${new Date().getUTCFullYear()}`);

    // Assess
    expect(await page.textContent('caption')).toContain('per right');
    await expectAccessible(page);
    await shoot(page, 'console-metrics');
  });

  it('speaks Spanish: the queue, a request and the metrics, accessibly', async () => {
    // Prepare
    const api = t.twin.endpoints.api;

    // Act & Assess
    await page.goto(`${api}/console?lang=es`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.textContent('h1')).toBe('Cola de solicitudes');
    await expectAccessible(page);
    await shoot(page, 'console-queue-es');
    await page.click('a[href="/console?status=held"]');
    expect(await page.textContent('h1')).toBe('Cola de solicitudes'); // remembered, though the link names no language
    await page.goto(`${api}/console/requests/${other}?lang=es`);
    expect(await page.textContent('main')).toContain('Decisiones');
    await expectAccessible(page);
    await shoot(page, 'console-request-es');
    await page.goto(`${api}/console/metrics?lang=es`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await expectAccessible(page);
    await shoot(page, 'console-metrics-es');
    await page.goto(`${api}/console?lang=en`);
  });

  it('refuses a POST without the form token, and changes nothing', async () => {
    // Prepare
    const before = await t.dsar('show', other, '--json');

    // Act
    const status = await page.evaluate(async (id) => {
      const response = await fetch(`/console/requests/${id}/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'reason=forged',
      });
      return response.status;
    }, other);
    const after = await t.dsar('show', other, '--json');

    // Assess
    expect(status).toBe(403);
    expect(after.out).toBe(before.out);
  });

  it('refuses the console to a browser that has not signed in', async () => {
    // Prepare
    const stranger = await browser.page();

    // Act
    const response = await stranger.goto(`${t.twin.endpoints.api}/console`);

    // Assess
    expect(response?.status()).toBe(401);
  });
});
