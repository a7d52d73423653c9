import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RequestType } from '../../../functions/core/domain/request';
import { InvalidPackError, UnknownPackError } from '../../../functions/core/rules/errors';
import {
  type GivenRightRule,
  loadAllPacks,
  loadPack,
  type Pack,
  PackId,
  parsePack,
} from '../../../functions/core/rules/pack';

const PACKS_DIR = join(import.meta.dirname, '../../../functions/core/rules/packs');
const files = readdirSync(PACKS_DIR).filter((f) => f.endsWith('.json'));

function given(pack: Pack, type: RequestType): GivenRightRule {
  const rule = pack.rights[type];
  if (!rule.given) throw new TypeError(`${pack.id} gives no ${type}`);
  return rule;
}

/** Every `source` of a pack, with where it is, so that a missing one is named. */
function sources(pack: Pack): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const [type, rule] of Object.entries(pack.rights)) {
    out.push([`${type}`, rule.source]);
    if (!rule.given) continue;
    out.push([`${type}.respond`, rule.respond.source], [`${type}.start`, rule.start.source]);
    if (rule.acknowledge) out.push([`${type}.acknowledge`, rule.acknowledge.source]);
    if (rule.extension) out.push([`${type}.extension`, rule.extension.source]);
    if (rule.pause) out.push([`${type}.pause`, rule.pause.source]);
    if (rule.appeal) out.push([`${type}.appeal`, rule.appeal.respond.source]);
    if (rule.appeal?.extension) out.push([`${type}.appeal.extension`, rule.appeal.extension.source]);
  }
  if (pack.rollToBusinessDay) out.push(['rollToBusinessDay', pack.rollToBusinessDay.source]);
  return out;
}

describe('Module: jurisdiction packs', () => {
  describe('Method: every file', () => {
    it('ships one file per pack id and nothing else', () => {
      // Assess
      expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual([...PackId.options].sort());
    });

    it.each(files)('%s validates against the pack schema and carries its own id', (file) => {
      // Prepare
      const data: unknown = JSON.parse(readFileSync(join(PACKS_DIR, file), 'utf8'));
      const id = file.replace(/\.json$/, '');

      // Act
      const pack = parsePack(id, data);

      // Assess
      expect(pack.id).toBe(id);
      expect(pack.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(pack.sources.length).toBeGreaterThan(0);
    });

    it.each(files)('%s answers every request type and cites a source for every rule', (file) => {
      // Prepare
      const pack = loadPack(file.replace(/\.json$/, ''));

      // Act
      const cited = sources(pack);

      // Assess
      expect(Object.keys(pack.rights).sort()).toEqual([...RequestType.options].sort());
      for (const [where, source] of cited) {
        // a citation names an article, section, regulation or code: it has a number in it
        expect(source, `${pack.id} ${where}`).toMatch(/\d/);
      }
    });
  });

  describe('Method: parsePack', () => {
    it('refuses a rule without a source, naming the pack', () => {
      // Prepare
      const data = JSON.parse(readFileSync(join(PACKS_DIR, 'gdpr.json'), 'utf8'));
      delete data.rights.access.respond.source;

      // Act
      const act = () => parsePack('gdpr', data);

      // Assess
      expect(act).toThrow(InvalidPackError);
      expect(act).toThrow(/"gdpr"/);
    });

    it('refuses a pack that leaves a request type out', () => {
      // Prepare
      const data = JSON.parse(readFileSync(join(PACKS_DIR, 'ccpa.json'), 'utf8'));
      delete data.rights.withdraw_consent;

      // Act
      const act = () => parsePack('ccpa', data);

      // Assess
      expect(act).toThrow(InvalidPackError);
    });

    it('refuses business days without a holiday calendar', () => {
      // Prepare
      const data = JSON.parse(readFileSync(join(PACKS_DIR, 'ccpa.json'), 'utf8'));
      data.calendar.id = 'none';

      // Act
      const act = () => parsePack('ccpa', data);

      // Assess
      expect(act).toThrow(InvalidPackError);
    });

    it('refuses a file whose id is not its own', () => {
      // Prepare
      const data = JSON.parse(readFileSync(join(PACKS_DIR, 'cpa.json'), 'utf8'));

      // Act
      const act = () => parsePack('ctdpa', data);

      // Assess
      expect(act).toThrow(InvalidPackError);
    });
  });

  describe('Method: loadPack', () => {
    it('refuses an unknown id', () => {
      // Act
      const act = () => loadPack('utah');

      // Assess
      expect(act).toThrow(UnknownPackError);
    });

    it('returns every pack, validated', () => {
      // Act
      const packs = loadAllPacks();

      // Assess
      expect(packs.map((p) => p.id)).toEqual(PackId.options);
    });
  });

  describe('Method: figures', () => {
    it('GDPR and UK GDPR: one month, two more with notice inside the first month, no acknowledgment', () => {
      for (const id of ['gdpr', 'uk_gdpr']) {
        // Act
        const rule = given(loadPack(id), 'access');

        // Assess
        expect(rule.respond).toMatchObject({ length: 1, unit: 'calendar_month' });
        expect(rule.extension).toMatchObject({ length: 2, noticeBy: 'end_of_initial_period' });
        expect(rule.acknowledge).toBeUndefined();
        expect(rule.appeal).toBeUndefined();
      }
    });

    it('UK GDPR: starts again on identity or fee, pauses for clarification of access only; GDPR does neither', () => {
      // Prepare
      const uk = loadPack('uk_gdpr');
      const eu = loadPack('gdpr');

      // Assess
      expect(given(uk, 'access').start.restartOn).toEqual(['verification', 'fee']);
      expect(given(uk, 'access').pause?.reasons).toEqual(['clarification']);
      expect(given(uk, 'deletion').pause).toBeUndefined();
      expect(given(eu, 'access').start.restartOn).toEqual([]);
      expect(given(eu, 'access').pause).toBeUndefined();
      expect(uk.calendar.id).toBe('england_wales');
      expect(uk.rollToBusinessDay).toBeDefined();
      expect(eu.rollToBusinessDay).toBeUndefined();
    });

    it('CCPA: acknowledge in 10 business days, answer in 45 calendar days from receipt, +45 with notice', () => {
      // Prepare
      const pack = loadPack('ccpa');

      for (const type of ['access', 'categories', 'deletion', 'correction'] as const) {
        // Act
        const rule = given(pack, type);

        // Assess
        expect(rule.acknowledge, type).toMatchObject({ length: 10, unit: 'business_days' });
        expect(rule.respond, type).toMatchObject({ length: 45, unit: 'calendar_days' });
        expect(rule.start.restartOn, type).toEqual([]);
        expect(rule.extension, type).toMatchObject({ length: 45 });
        expect(rule.appeal, type).toBeUndefined();
      }
      expect(pack.calendar.id).toBe('us_federal');
    });

    it('CCPA: opt-out and limit-sensitive in 15 business days, no acknowledgment, no extension', () => {
      for (const type of ['opt_out', 'limit_sensitive'] as const) {
        // Act
        const rule = given(loadPack('ccpa'), type);

        // Assess
        expect(rule.respond, type).toMatchObject({ length: 15, unit: 'business_days' });
        expect(rule.acknowledge, type).toBeUndefined();
        expect(rule.extension, type).toBeUndefined();
      }
    });

    it.each([
      ['vcdpa', 60, undefined],
      ['cpa', 45, 60],
      ['ctdpa', 60, undefined],
      ['tdpsa', 60, undefined],
    ])('%s: 45 days +45, appeal answered within %i days (+%s)', (id, appealDays, appealExtension) => {
      // Prepare
      const pack = loadPack(id);

      for (const type of ['access', 'deletion', 'correction', 'portability', 'opt_out'] as const) {
        // Act
        const rule = given(pack, type);

        // Assess
        expect(rule.respond, type).toMatchObject({ length: 45, unit: 'calendar_days' });
        expect(rule.extension, type).toMatchObject({ length: 45 });
        expect(rule.appeal?.respond, type).toMatchObject({ length: appealDays, unit: 'calendar_days' });
        expect(rule.appeal?.extension?.length, type).toBe(appealExtension);
      }
    });

    it.each(['ccpa', 'vcdpa', 'cpa', 'ctdpa', 'tdpsa'])('%s gives no restriction right', (id) => {
      // Act
      const rule = loadPack(id).rights.restriction;

      // Assess
      expect(rule.given).toBe(false);
    });
  });
});
