import { z } from 'zod';
import { Regulation, RequestType } from '../domain/request';
import { InvalidPackError, UnknownPackError } from './errors';
import ccpa from './packs/ccpa.json';
import cpa from './packs/cpa.json';
import ctdpa from './packs/ctdpa.json';
import gdpr from './packs/gdpr.json';
import tdpsa from './packs/tdpsa.json';
import ukGdpr from './packs/uk_gdpr.json';
import vcdpa from './packs/vcdpa.json';

/**
 * A jurisdiction pack: the statutory clocks of one law, as data. Every figure carries `source`, the article or section
 * it comes from, so a reviewer can check each number against the text; `version` changes whenever a figure does, and a
 * started clock records the version it was computed with.
 */

/** Where a figure comes from: the article/section, and a word on how it is read where that is not obvious. */
const Source = z.string().trim().min(3);

/**
 * - `calendar_month`: the corresponding date N months later, or that month's last day when it has none;
 * - `calendar_days`: N days later;
 * - `business_days`: N days later that are not weekends or holidays of the pack's calendar.
 */
export const PeriodUnit = z.enum(['calendar_month', 'calendar_days', 'business_days']);
export type PeriodUnit = z.infer<typeof PeriodUnit>;

export const Period = z
  .object({ length: z.number().int().positive().max(366), unit: PeriodUnit, source: Source })
  .strict();
export type Period = z.infer<typeof Period>;

/** An event after which the response period starts again from that day. */
export const RestartEvent = z.enum(['verification', 'fee']);
export type RestartEvent = z.infer<typeof RestartEvent>;

export const Extension = z
  .object({
    /** added to the response period, in the response period's unit */
    length: z.number().int().positive().max(366),
    /** the notice of the extension must reach the subject before the initial response period ends */
    noticeBy: z.literal('end_of_initial_period'),
    source: Source,
  })
  .strict();
export type Extension = z.infer<typeof Extension>;

export const PauseRule = z
  .object({
    /** what the controller may be waiting for while the clock stands still */
    reasons: z.array(z.enum(['clarification'])).min(1),
    source: Source,
  })
  .strict();
export type PauseRule = z.infer<typeof PauseRule>;

export const AppealRule = z
  .object({
    respond: Period,
    extension: z
      .object({ length: z.number().int().positive().max(366), source: Source })
      .strict()
      .optional(),
  })
  .strict();
export type AppealRule = z.infer<typeof AppealRule>;

const Given = z
  .object({
    given: z.literal(true),
    /** the article/section that gives the right */
    source: Source,
    note: z.string().optional(),
    acknowledge: Period.optional(),
    respond: Period,
    start: z
      .object({
        /** the period runs from receipt; it starts again from these events when they come later (latest one wins) */
        restartOn: z.array(RestartEvent),
        source: Source,
      })
      .strict(),
    extension: Extension.optional(),
    pause: PauseRule.optional(),
    appeal: AppealRule.optional(),
  })
  .strict();

const NotGiven = z
  .object({
    given: z.literal(false),
    /** why not: the provision that lists the rights this law gives */
    source: Source,
    note: z.string().optional(),
  })
  .strict();

export const RightRule = z.discriminatedUnion('given', [Given, NotGiven]);
export type RightRule = z.infer<typeof RightRule>;
export type GivenRightRule = z.infer<typeof Given>;

/** One pack per law a request can be made under (domain/request.ts Regulation). */
export const PackId = Regulation;
export type PackId = z.infer<typeof PackId>;

export const Pack = z
  .object({
    id: PackId,
    /** semantic version of the data; bump it when a figure changes */
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    name: z.string().min(1),
    sources: z.array(z.object({ cite: z.string().min(1), url: z.url({ protocol: /^https$/ }) }).strict()).min(1),
    calendar: z.object({ id: z.enum(['us_federal', 'england_wales', 'none']), why: z.string().min(1) }).strict(),
    /** where the law or the regulator moves a due date that falls on a non-business day to the next business day */
    rollToBusinessDay: z.object({ source: Source }).strict().optional(),
    /** one entry per request type: every type must be answered, if only with "not given" */
    rights: z.record(RequestType, RightRule),
  })
  .strict()
  .superRefine((pack, ctx) => {
    for (const [type, rule] of Object.entries(pack.rights)) {
      if (!rule.given) continue;
      const units = [rule.respond.unit, rule.acknowledge?.unit].filter((u) => u !== undefined);
      if (units.includes('business_days') && pack.calendar.id === 'none') {
        ctx.addIssue({ code: 'custom', path: ['rights', type], message: 'business days need a holiday calendar' });
      }
    }
  });
export type Pack = z.infer<typeof Pack>;

const FILES: Readonly<Record<PackId, unknown>> = {
  gdpr,
  uk_gdpr: ukGdpr,
  ccpa,
  vcdpa,
  cpa,
  ctdpa,
  tdpsa,
};

const loaded = new Map<PackId, Pack>();

/** Validates a pack file; a file that does not match is a packaging bug, so it is named in the error. */
export function parsePack(id: string, data: unknown): Pack {
  const result = Pack.safeParse(data);
  if (!result.success) throw new InvalidPackError(id, { cause: result.error });
  if (result.data.id !== id) throw new InvalidPackError(id, { cause: new UnknownPackError(result.data.id) });
  return result.data;
}

/** The pack with this id, validated on first use. */
export function loadPack(id: string): Pack {
  const parsedId = PackId.safeParse(id);
  if (!parsedId.success) throw new UnknownPackError(id, { cause: parsedId.error });
  let pack = loaded.get(parsedId.data);
  if (pack === undefined) {
    pack = parsePack(parsedId.data, FILES[parsedId.data]);
    loaded.set(parsedId.data, pack);
  }
  return pack;
}

/** Every shipped pack, validated. */
export function loadAllPacks(): Pack[] {
  return PackId.options.map((id) => loadPack(id));
}
