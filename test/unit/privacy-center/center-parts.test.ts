import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../functions/core/domain/errors';
import { OPEN_PROFILE } from '../../../functions/core/policy/open-profile';
import { loadProfileFile } from '../../../functions/core/policy/profile';
import { CancelRequest } from '../../../functions/privacy-center/cancel-request';
import { TooLateForSubjectCancelError } from '../../../functions/privacy-center/errors';
import {
  MAX_CENTER_FORM_BYTES,
  centerFormFields,
  formToBody,
  parseSubmission,
} from '../../../functions/privacy-center/form';
import { gpcSignal } from '../../../functions/privacy-center/gpc';
import { centerOffer } from '../../../functions/privacy-center/offer';
import { clearedStatusCookie, readStatusCookie, statusCookie } from '../../../functions/privacy-center/status-cookie';
import { loadSystems } from '../../../functions/core/systems';
import { MemoryRequests, MemoryTokens, aRequest } from '../../support/fakes';
import { rightsSystemsJson } from '../../fixtures/rights-systems';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (pairs: Record<string, string>) => new URLSearchParams(pairs);

describe('Method: centerFormFields', () => {
  it('reads an urlencoded body, plain or base64', () => {
    // Prepare
    const body = 'type=access&subject.email=ada%40example.com';

    // Act
    const plain = centerFormFields({ headers: FORM, body, isBase64Encoded: false });
    const encoded = centerFormFields({
      headers: FORM,
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    });

    // Assess
    expect(plain.get('subject.email')).toBe('ada@example.com');
    expect(encoded.get('type')).toBe('access');
  });

  it('refuses a body over its cap and a body that is not a form', () => {
    // Prepare
    const big = `subject.name=${'a'.repeat(MAX_CENTER_FORM_BYTES)}`;

    // Act
    const tooBig = () => centerFormFields({ headers: FORM, body: big, isBase64Encoded: false });
    const json = () =>
      centerFormFields({ headers: { 'content-type': 'application/json' }, body: '{}', isBase64Encoded: false });

    // Assess
    expect(tooBig).toThrow(ValidationError);
    expect(json).toThrow(/x-www-form-urlencoded/);
  });
});

describe('Method: formToBody', () => {
  it('nests dotted names, makes arrays of numeric segments, drops blanks and unknown fields', () => {
    // Prepare
    const fields = form({
      type: 'correction',
      regulation: 'ccpa',
      'subject.email': ' ada@example.com ',
      'subject.name': '',
      'corrections.0.attribute': 'name',
      'corrections.0.value': 'Ada L.',
      submit: 'yes',
    });

    // Act
    const body = formToBody(fields);

    // Assess
    expect(body).toEqual({
      type: 'correction',
      regulation: 'ccpa',
      subject: { email: 'ada@example.com' },
      corrections: [{ attribute: 'name', value: 'Ada L.' }],
    });
  });
});

describe('Method: parseSubmission', () => {
  it('gives the body POST /requests takes, through the same schema', () => {
    // Act
    const parsed = parseSubmission(
      form({ type: 'opt_out', scope: 'sale_sharing', regulation: 'ccpa', 'subject.email': 'ADA@example.com' }),
    );

    // Assess
    expect(parsed).toEqual({
      ok: true,
      body: { type: 'opt_out', scope: 'sale_sharing', regulation: 'ccpa', subject: { email: 'ada@example.com' } },
    });
  });

  it('names the input of each problem, once, so the error summary can link to it', () => {
    // Act
    const parsed = parseSubmission(form({ type: 'access', regulation: 'ccpa', 'subject.email': 'not-an-address' }));
    const missing = parseSubmission(form({ type: 'access', regulation: 'ccpa' }));
    const noType = parseSubmission(form({ regulation: 'ccpa', 'subject.email': 'a@example.com' }));

    // Assess
    expect(parsed).toEqual({
      ok: false,
      problems: [{ path: 'subject.email', message: 'must be a valid email address' }],
    });
    expect(missing.ok ? [] : missing.problems.map((p) => p.path)).toEqual(['subject.email']);
    expect(noType.ok ? [] : noType.problems.map((p) => p.path)).toEqual(['type']);
  });
});

describe('Method: gpcSignal', () => {
  it.each([
    ['1', true],
    [' 1 ', true],
    ['0', false],
    ['true', false],
    [undefined, false],
  ])('Sec-GPC %s → %s', (value, expected) => {
    // Act
    const signal = gpcSignal(value === undefined ? {} : { 'sec-gpc': value });

    // Assess
    expect(signal).toBe(expected);
  });
});

describe('Method: statusCookie', () => {
  const access = { requestId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', token: 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdl_-09' };

  it('is HttpOnly, SameSite=Strict, scoped to /privacy, Secure only when asked', () => {
    // Act
    const secure = statusCookie(access, true);
    const local = statusCookie(access, false);

    // Assess
    expect(secure).toBe(
      `dsar_status=${access.requestId}.${access.token}; Path=/privacy; Max-Age=2592000; HttpOnly; SameSite=Strict; Secure`,
    );
    expect(local).not.toContain('Secure');
    expect(clearedStatusCookie(true)).toContain('Max-Age=0');
  });

  it('reads back from API Gateway cookies or a Cookie header, and ignores a malformed one', () => {
    // Act
    const fromGateway = readStatusCookie({
      cookies: ['lang=es', `dsar_status=${access.requestId}.${access.token}`],
      headers: {},
    });
    const fromHeader = readStatusCookie({
      headers: { cookie: `lang=es; dsar_status=${access.requestId}.${access.token}` },
    });
    const junk = readStatusCookie({ headers: { cookie: 'dsar_status=<script>.x' } });

    // Assess
    expect(fromGateway).toEqual(access);
    expect(fromHeader).toEqual(access);
    expect(junk).toBeUndefined();
  });
});

describe('Class: CancelRequest', () => {
  it('cancels an unconfirmed request and forgets its subject', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    await requests.create(aRequest({ status: 'pending_verification' }));
    const token = await tokens.issue('status', aRequest().requestId, 60);

    // Act
    await new CancelRequest(requests, tokens).execute(aRequest().requestId, token);

    // Assess
    const record = await requests.get(aRequest().requestId);
    expect(record?.status).toBe('cancelled');
    expect(record?.subject).toBeUndefined();
  });

  it('refuses once the subject confirmed, and a wrong token, changing nothing', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    await requests.create(aRequest({ status: 'verified' }));
    const token = await tokens.issue('status', aRequest().requestId, 60);
    const verifyToken = await tokens.issue('verify', aRequest().requestId, 60);
    const cancel = new CancelRequest(requests, tokens);

    // Act
    const late = cancel.execute(aRequest().requestId, token);
    const wrong = cancel.execute(aRequest().requestId, verifyToken);

    // Assess
    await expect(late).rejects.toBeInstanceOf(TooLateForSubjectCancelError);
    await expect(wrong).rejects.toBeInstanceOf(NotFoundError);
    expect((await requests.get(aRequest().requestId))?.status).toBe('verified');
  });
});

describe('Method: centerOffer', () => {
  const systemsFile = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dsar-center-')), 'systems.json');
    writeFileSync(file, JSON.stringify(rightsSystemsJson()));
    return loadSystems(file);
  };

  it("offers each kind of subject the profile's rights with each served law's deadline", () => {
    // Prepare
    const profile = loadProfileFile(join(import.meta.dirname, '../../../infra/config/profiles/softpire.json'));

    // Act
    const offer = centerOffer(profile, systemsFile());

    // Assess
    expect(offer.kinds.map((k) => k.kind)).toEqual(['customer', 'end_user']);
    const customer = offer.kinds[0];
    expect(customer?.handling === 'answer' && customer.rights.map((r) => r.type)).toEqual([
      'access',
      'portability',
      'categories',
      'deletion',
      'correction',
      'withdraw_consent',
    ]);
    expect(customer?.handling === 'answer' && customer.rights[0]?.deadlines).toEqual([
      expect.objectContaining({ law: 'ccpa', period: expect.objectContaining({ length: 45, unit: 'calendar_days' }) }),
    ]);
    expect(offer.agents).toEqual({ allowed: true, powerOfAttorney: true });
    expect(offer.correctable.length).toBeGreaterThan(0);
  });

  it('leaves out a right no system can act on, and a law that does not give it shows no deadline', () => {
    // Act
    const offer = centerOffer(OPEN_PROFILE, { ...systemsFile(), systems: [] });

    // Assess
    const customer = offer.kinds[0];
    const types = customer?.handling === 'answer' ? customer.rights.map((r) => r.type) : [];
    expect(types).not.toContain('correction');
    expect(types).not.toContain('withdraw_consent');
    const restriction =
      customer?.handling === 'answer' ? customer.rights.find((r) => r.type === 'restriction') : undefined;
    expect(restriction?.deadlines.map((d) => d.law)).toEqual(['gdpr', 'uk_gdpr']);
  });
});
