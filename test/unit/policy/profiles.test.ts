import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile, PROFILES_DIR } from '../../../infra/config';
import { parseSystemsFile } from '../../../functions/core/systems';
import { type DecideInput, decide } from '../../../functions/core/policy/decide';
import { denialMail } from '../../../functions/core/policy/denial-mail';
import { parseProfile, type Profile } from '../../../functions/core/policy/profile';
import { brokenPromises } from '../../../functions/core/policy/promises';
import { loadPack } from '../../../functions/core/rules/pack';
import type { RequestRecord } from '../../../functions/core/domain/request-record';
import { aRequest } from '../../support/fakes';

/**
 * One block per shipped company profile (infra/config/profiles): each of the promises its privacy policy makes, and
 * the law's floor under it, proven in force through the policy step's decision — the same function the workflow's
 * Decide step runs.
 */

const profile = (id: string): Profile => loadProfile(id).profile;
const DEMO_ESTATE = parseSystemsFile(join(PROFILES_DIR, '..', 'demo-estate.json'));

type Earlier = DecideInput['earlier'][number];
const earlier = (type: RequestRecord['type'], receivedAt: string, status: RequestRecord['status'] = 'completed') =>
  ({ requestId: `e-${receivedAt}`, type, status, receivedAt }) satisfies Earlier;

function decideFor(id: string, request: Partial<RequestRecord>, history: Earlier[] = []): ReturnType<typeof decide> {
  return decide({
    request: aRequest({ receivedAt: '2026-12-01T10:00:00.000Z', ...request }),
    profile: profile(id),
    earlier: history,
  });
}

const codes = (decision: ReturnType<typeof decide>) =>
  decision.outcome === 'deny' ? decision.reasons.map((r) => r.code) : [];

describe('Company profiles', () => {
  it('ships one valid profile per source policy, each named by its file', () => {
    // Prepare
    const files = readdirSync(PROFILES_DIR).filter((f) => f.endsWith('.json'));

    // Act
    const ids = files.map((f) => parseProfile(JSON.parse(readFileSync(join(PROFILES_DIR, f), 'utf8')), f).id);

    // Assess
    expect(ids.sort()).toEqual(['calsoft', 'rsoft', 'soffront', 'softpire', 'softranet']);
    expect(files.map((f) => f.slice(0, -5)).sort()).toEqual(ids);
  });

  it('refuses a profile whose promise the law forbids, naming the field (CCPA without agents, 11 CCR §7063)', () => {
    // Prepare
    const data = { ...JSON.parse(readFileSync(join(PROFILES_DIR, 'softpire.json'), 'utf8')) };
    data.agents = { allowed: false, powerOfAttorney: false, source: 'we take no agents' };

    // Act & Assess
    expect(() => parseProfile(data, 'test.json')).toThrow(/11 CCR §7063/);
    expect(() => parseProfile(data, 'test.json')).toThrow(/agents\.allowed/);
  });

  describe('softpire (seed 000: CCPA, copies twice a year, 12-month lookback, agents)', () => {
    it('answers the first two access requests in 12 months and denies the third with the policy’s words', () => {
      // Prepare
      const two = [earlier('access', '2026-02-01T09:00:00Z'), earlier('access', '2026-06-01T09:00:00Z')];

      // Act
      const second = decideFor('softpire', { type: 'access', regulation: 'ccpa' }, two.slice(0, 1));
      const third = decideFor('softpire', { type: 'access', regulation: 'ccpa' }, two);

      // Assess
      expect(second).toEqual({ outcome: 'go' });
      expect(third).toEqual({
        outcome: 'deny',
        reasons: [{ code: 'frequency_limit', source: expect.stringContaining('twice inside a year time span') }],
      });
    });

    it('counts only the 12 months before the request, and not requests that were denied, expired or cancelled', () => {
      // Prepare: one 13 months back, three that did nothing for anyone, one inside the window
      const history = [
        earlier('access', '2025-11-15T09:00:00Z'),
        earlier('access', '2026-03-01T09:00:00Z', 'rejected'),
        earlier('access', '2026-04-01T09:00:00Z', 'expired'),
        earlier('access', '2026-05-01T09:00:00Z', 'cancelled'),
        earlier('deletion', '2026-05-02T09:00:00Z'),
        earlier('access', '2026-06-01T09:00:00Z'),
      ];

      // Act & Assess
      expect(decideFor('softpire', { type: 'access', regulation: 'ccpa' }, history)).toEqual({ outcome: 'go' });
    });

    it('limits portable copies the same way, and answers deletion and correction without a limit', () => {
      // Prepare
      const copies = [earlier('portability', '2026-02-01T09:00:00Z'), earlier('portability', '2026-03-01T09:00:00Z')];
      const deletions = [earlier('deletion', '2026-02-01T09:00:00Z'), earlier('deletion', '2026-03-01T09:00:00Z')];

      // Act & Assess
      expect(codes(decideFor('softpire', { type: 'portability', regulation: 'ccpa' }, copies))).toEqual([
        'frequency_limit',
      ]);
      expect(decideFor('softpire', { type: 'deletion', regulation: 'ccpa' }, deletions)).toEqual({ outcome: 'go' });
    });

    it('answers under the CCPA only: a GDPR request is outside its jurisdiction', () => {
      expect(codes(decideFor('softpire', { type: 'access', regulation: 'gdpr' }))).toEqual(['outside_jurisdiction']);
    });

    it('answers its customers’ end users for correction and erasure, and refers anything else to the customer', () => {
      // Act
      const correction = decideFor('softpire', { type: 'correction', regulation: 'ccpa', relationship: 'end_user' });
      const access = decideFor('softpire', { type: 'access', regulation: 'ccpa', relationship: 'end_user' });

      // Assess
      expect(correction).toEqual({ outcome: 'go' });
      expect(codes(access)).toEqual(['processor_referral']);
    });

    it('states its lookback, its agents and its intake address', () => {
      const p = profile('softpire');
      expect(p.lookback?.period).toBe('P12M');
      expect(p.agents).toMatchObject({ allowed: true, powerOfAttorney: true });
      expect(p.intake.emails).toEqual(['privacy@softpire.com']);
      expect(p.categories.map((c) => [c.code, c.recipients])).toEqual([
        ['A', ['Cloud Services', 'Fraud Prevention']],
        ['D', ['Cloud Services']],
        ['F', ['Cloud Services']],
      ]);
    });
  });

  describe('softranet (seed 001: GDPR and CCPA, end users referred, personnel, 60-day disposal)', () => {
    it('refers every request of an end user to the organisation they are a customer of', () => {
      for (const type of ['access', 'deletion', 'correction'] as const)
        expect(codes(decideFor('softranet', { type, regulation: 'gdpr', relationship: 'end_user' }))).toEqual([
          'processor_referral',
        ]);
    });

    it('answers personnel for access and correction, and customers under the GDPR and the CCPA only', () => {
      expect(decideFor('softranet', { type: 'access', regulation: 'gdpr', relationship: 'personnel' })).toEqual({
        outcome: 'go',
      });
      expect(decideFor('softranet', { type: 'restriction', regulation: 'gdpr' })).toEqual({ outcome: 'go' });
      expect(codes(decideFor('softranet', { type: 'access', regulation: 'vcdpa' }))).toEqual(['outside_jurisdiction']);
    });

    it('keeps the 60-day disposal promise over backups of up to 60 days, and says when backups outlive it', () => {
      expect(brokenPromises(profile('softranet'), DEMO_ESTATE)).toEqual([]);
      expect(brokenPromises(profile('softranet'), { backups: { retentionDays: 61 } })).toEqual([
        expect.stringContaining('promises deletion within 60 days'),
      ]);
    });
  });

  describe('calsoft (seed 002: GDPR, UK GDPR, CCPA; Shine the Light once a year; EU and UK regulators)', () => {
    it('answers one Shine the Light request a year and denies a second', () => {
      // Prepare
      const once = [earlier('disclosures', '2026-03-01T09:00:00Z')];

      // Act & Assess
      expect(decideFor('calsoft', { type: 'disclosures', regulation: 'ccpa' })).toEqual({ outcome: 'go' });
      expect(codes(decideFor('calsoft', { type: 'disclosures', regulation: 'ccpa' }, once))).toEqual([
        'frequency_limit',
      ]);
    });

    it('offers every GDPR right to its users and answers under the three laws it names only', () => {
      for (const type of [
        'access',
        'portability',
        'correction',
        'deletion',
        'restriction',
        'objection',
        'withdraw_consent',
      ] as const)
        expect(decideFor('calsoft', { type, regulation: 'uk_gdpr' })).toEqual({ outcome: 'go' });
      expect(codes(decideFor('calsoft', { type: 'access', regulation: 'tdpsa' }))).toEqual(['outside_jurisdiction']);
    });

    it('names the ICO on a UK denial, with the policy’s link and its own closing words', () => {
      // Prepare
      const record = aRequest({ type: 'limit_sensitive', regulation: 'uk_gdpr' });
      const decision = decide({ request: record, profile: profile('calsoft'), earlier: [] });
      const reasons = decision.outcome === 'deny' ? decision.reasons : [];

      // Act
      const mail = denialMail(record, reasons, profile('calsoft'), loadPack('uk_gdpr'));

      // Assess
      expect(reasons.map((r) => r.code)).toEqual(['right_not_offered']);
      expect(mail.text).toContain("the Information Commissioner's Office: https://ico.org.uk/");
      expect(mail.text).toContain('we will always explain why');
      expect(mail.text).not.toContain('appeal');
    });
  });

  describe('soffront (seed 003: no law named, 30-day purge, customer data referred)', () => {
    it('refuses a deployment whose backups outlive the 30-day purge (the demo estate keeps 35 days)', () => {
      expect(brokenPromises(profile('soffront'), DEMO_ESTATE)).toEqual([
        expect.stringContaining(
          'promises deletion within 30 days, but the systems configuration keeps backups for 35 days',
        ),
      ]);
      expect(brokenPromises(profile('soffront'), { backups: { retentionDays: 30 } })).toEqual([]);
    });

    it('answers a restriction it offers even where the law gives none (CCPA), and refers end users', () => {
      expect(decideFor('soffront', { type: 'restriction', regulation: 'ccpa' })).toEqual({ outcome: 'go' });
      expect(codes(decideFor('soffront', { type: 'deletion', regulation: 'ccpa', relationship: 'end_user' }))).toEqual([
        'processor_referral',
      ]);
    });
  });

  describe('rsoft (seed 004: marketing opt-out, teammate removal, nothing more than the law)', () => {
    it('denies a right neither the law nor the company gives, citing the law', () => {
      // Act
      const decision = decideFor('rsoft', { type: 'restriction', regulation: 'ccpa' });

      // Assess
      expect(decision).toEqual({
        outcome: 'deny',
        reasons: [
          { code: 'right_not_offered', source: expect.stringMatching(/§1798\.\d+.*does not offer it to customers/) },
        ],
      });
    });

    it('answers what the law gives although the policy does not offer it (Virginia access)', () => {
      expect(decideFor('rsoft', { type: 'access', regulation: 'vcdpa' })).toEqual({ outcome: 'go' });
      expect(decideFor('rsoft', { type: 'opt_out', regulation: 'gdpr' })).toEqual({ outcome: 'go' });
    });

    it('removes an invited teammate on request, and refers a teammate’s other requests to the customer', () => {
      expect(decideFor('rsoft', { type: 'deletion', regulation: 'gdpr', relationship: 'end_user' })).toEqual({
        outcome: 'go',
      });
      expect(codes(decideFor('rsoft', { type: 'access', regulation: 'gdpr', relationship: 'end_user' }))).toEqual([
        'processor_referral',
      ]);
    });

    it('offers a Virginia appeal, with its 60 days, when it denies under Virginia law', () => {
      // Prepare
      const record = aRequest({ type: 'restriction', regulation: 'vcdpa' });
      const decision = decide({ request: record, profile: profile('rsoft'), earlier: [] });
      const reasons = decision.outcome === 'deny' ? decision.reasons : [];

      // Act
      const mail = denialMail(record, reasons, profile('rsoft'), loadPack('vcdpa'));

      // Assess
      expect(mail.text).toMatch(/You may appeal this decision .*info@rsoft\.in/s);
      expect(mail.text).toContain('within 60 days');
      expect(mail.text).toContain('Attorney General of Virginia');
    });
  });
});
