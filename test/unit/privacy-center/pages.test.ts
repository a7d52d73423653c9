import { describe, expect, it } from 'vitest';
import { loadProfileFile } from '../../../functions/core/policy/profile';
import { loadSystems } from '../../../functions/core/systems';
import type { RequestView } from '../../../functions/get-request/get-request';
import { centerOffer } from '../../../functions/privacy-center/offer';
import {
  agentPage,
  centerPage,
  problemText,
  sentPage,
  statusPage,
  timeline,
} from '../../../functions/privacy-center/pages';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { rightsSystemsJson } from '../../fixtures/rights-systems';

const ROOT = join(import.meta.dirname, '../../..');
const systemsFile = join(mkdtempSync(join(tmpdir(), 'dsar-center-pages-')), 'systems.json');
writeFileSync(systemsFile, JSON.stringify(rightsSystemsJson()));
const offer = centerOffer(loadProfileFile(join(ROOT, 'infra/config/profiles/softpire.json')), loadSystems(systemsFile));
const lawNames = { ccpa: 'California Consumer Privacy Act' };
const header = (page: { headers?: Record<string, unknown> }, name: string) => String(page.headers?.[name] ?? '');

const VIEW: RequestView = {
  requestId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  type: 'access',
  regulation: 'ccpa',
  status: 'pending_verification',
  receivedAt: '2026-11-02T09:00:00.000Z',
  dueDate: '2026-12-17',
  updatedAt: '2026-11-02T09:00:00.000Z',
};

describe('Method: centerPage', () => {
  it('sends the strict CSP, the same-origin script only, and one form per offered right', () => {
    // Act
    const page = centerPage({ lang: 'en', offer, lawNames, gpc: false });
    const body = String(page.body);

    // Assess
    const csp = header(page, 'content-security-policy');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(body).toContain('<script src="/assets/center.js" defer></script>');
    expect(body).not.toMatch(/<script>|style="|on(click|load)=/);
    expect(body.match(/action="\/privacy\/requests\?lang=en"/g)).toHaveLength(9);
    expect(body).toContain('autocomplete="email"');
    expect(body).toContain('<legend>Correct your personal data</legend>');
  });

  it('keeps the GPC notice hidden without the signal, for the script, and shows it with Sec-GPC', () => {
    // Act
    const without = String(centerPage({ lang: 'en', offer, lawNames, gpc: false }).body);
    const withSignal = String(centerPage({ lang: 'es', offer, lawNames, gpc: true }).body);

    // Assess
    expect(without).toContain('id="gpc-notice" role="status" hidden');
    expect(withSignal).toContain('id="gpc-notice" role="status">');
    expect(withSignal).toContain('La señal Global Privacy Control de su navegador se respeta');
    expect(withSignal).toContain('11 CCR §7025');
  });

  it('shows the posted form again with an error summary linking to its inputs, values escaped', () => {
    // Prepare
    const values = new URLSearchParams({ 'subject.email': '"><script>alert(1)</script>', 'subject.name': 'Ada' });

    // Act
    const page = centerPage({
      lang: 'es',
      offer,
      lawNames,
      gpc: false,
      status: 400,
      state: { id: 'customer:deletion', values, problems: [{ path: 'subject.email', message: 'invalid' }] },
    });
    const body = String(page.body);

    // Assess
    expect(page.statusCode).toBe(400);
    expect(body).toContain('<h2 id="error-summary-title">Hay un problema</h2>');
    expect(body).toContain(
      '<a href="#customer-deletion-subject-email">Escriba un correo electrónico, como nombre@ejemplo.com</a>',
    );
    expect(body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(body).not.toContain('<script>alert');
    expect(body).toContain(
      'aria-describedby="customer-deletion-subject-email-hint customer-deletion-subject-email-error"',
    );
    // only the posted form keeps its values
    expect(body.match(/value="Ada"/g)).toHaveLength(1);
  });
});

describe('Method: problemText', () => {
  it('words a problem in the page language, and a field it does not know generically', () => {
    // Act & Assess
    expect(problemText('en', 'agent.document')).toMatch(/upload it with step 1/);
    expect(problemText('es', 'agent.document')).toMatch(/súbalo con el paso 1/);
    expect(problemText('en', 'nonsense')).toBe('The form could not be read. Please go back and try again.');
  });
});

describe('Method: agentPage', () => {
  it("lets the form post to the bucket's origin only, with the presigned fields before the file", () => {
    // Prepare
    const upload = {
      url: 'http://127.0.0.1:4569/dsar-bucket',
      fields: { key: 'agent-documents/0b3c', 'Content-Type': 'application/pdf', Policy: 'cG9s' },
      key: 'agent-documents/0b3c',
      expiresAt: '2026-11-02T09:15:00.000Z',
    };

    // Act
    const page = agentPage({ lang: 'en', offer, lawNames, upload, documentKey: upload.key });
    const body = String(page.body);

    // Assess
    expect(header(page, 'content-security-policy')).toContain("form-action 'self' http://127.0.0.1:4569;");
    expect(body).toContain('action="http://127.0.0.1:4569/dsar-bucket" enctype="multipart/form-data"');
    expect(body.indexOf('name="Policy"')).toBeLessThan(body.indexOf('name="file"'));
    expect(body).toContain('<input type="hidden" name="agent.document" value="agent-documents/0b3c">');
    expect(body).toContain('value="power_of_attorney"');
  });
});

describe('Method: sentPage', () => {
  it('sets the status cookie and shows the reference and the code once', () => {
    // Act
    const page = sentPage({
      lang: 'en',
      kind: 'verify',
      requestId: VIEW.requestId,
      statusToken: 'tok_123',
      gpcHonoured: false,
      setCookie: 'dsar_status=x; Path=/privacy; HttpOnly; SameSite=Strict',
    });

    // Assess
    expect(page.cookies).toEqual(['dsar_status=x; Path=/privacy; HttpOnly; SameSite=Strict']);
    expect(String(page.body)).toContain('<code>tok_123</code>');
    expect(String(page.body)).toContain('Open the link in it to confirm your request');
  });
});

describe('Method: timeline', () => {
  it.each([
    [{}, ['received'], ['verified', 'processing', 'done']],
    [{ status: 'locating', verifiedAt: '2026-11-02T10:00:00.000Z' }, ['received', 'verified', 'processing'], ['done']],
    [
      { status: 'verified', verifiedAt: '2026-11-02T10:00:00.000Z', held: true },
      ['received', 'verified', 'held'],
      ['processing', 'done'],
    ],
    [
      { status: 'completed', verifiedAt: 'x', completedAt: '2026-11-05T10:00:00.000Z' },
      ['received', 'verified', 'processing', 'done'],
      [],
    ],
    [{ status: 'rejected', completedAt: '2026-11-03T10:00:00.000Z' }, ['received', 'denied'], ['verified']],
    [{ status: 'cancelled' }, ['received', 'cancelled'], []],
  ] as const)('%o: reached %o, not yet %o', (change, reached, pending) => {
    // Act
    const steps = timeline({ ...VIEW, ...change } as RequestView);

    // Assess
    const name = (key: string) => key.replace('center.step.', '');
    expect(steps.filter((s) => s.reached).map((s) => name(s.key))).toEqual(reached);
    expect(steps.filter((s) => !s.reached).map((s) => name(s.key))).toEqual(pending);
  });
});

describe('Method: statusPage', () => {
  it('offers the cancel while cancellable, the due date, and dates in the page language', () => {
    // Act
    const en = String(statusPage({ lang: 'en', view: VIEW, cancellable: true }).body);
    const es = String(statusPage({ lang: 'es', view: VIEW, cancellable: true }).body);

    // Assess
    expect(en).toContain('We must answer by December 17, 2026.');
    expect(en).toContain('<button type="submit" class="secondary">Cancel this request</button>');
    expect(en).toContain('aria-current="step"');
    expect(es).toContain('Debemos responder antes del 17 de diciembre de 2026.');
  });

  it('points a denial that may be appealed to the appeal link, and offers no cancel once confirmed', () => {
    // Prepare
    const view: RequestView = {
      ...VIEW,
      status: 'rejected',
      completedAt: '2026-11-03T10:00:00.000Z',
      appealUntil: '2999-01-31T23:59:59.999Z',
    };

    // Act
    const body = String(statusPage({ lang: 'en', view, cancellable: false }).body);

    // Assess
    expect(body).toContain('You may appeal this refusal until January 31, 2999');
    expect(body).not.toContain('Cancel this request');
    expect(body).not.toContain('We must answer by');
  });

  it('dates the steps that have a date, says "not yet" of those ahead, and leaves a dateless past step bare', () => {
    // Prepare: answered; processing has no date of its own
    const view: RequestView = {
      ...VIEW,
      status: 'completed',
      verifiedAt: '2026-11-02T10:00:00.000Z',
      completedAt: '2026-11-03T10:00:00.000Z',
    };

    // Act
    const body = String(statusPage({ lang: 'en', view, cancellable: false }).body);

    // Assess
    expect(body).toContain('<span class="step">Being processed</span></li>');
    expect(body).toMatch(
      /<span class="step">Answered<\/span> — <span class="when"><time datetime="2026-11-03T10:00:00.000Z">/,
    );
  });
});
