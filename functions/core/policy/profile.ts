import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RequestType } from '../domain/request';
import { PackId } from '../rules/pack';
import { InvalidProfileError } from './errors';

/**
 * A company profile: what one company promises its data subjects, as validated data. A jurisdiction pack
 * (functions/core/rules/packs) says what a law requires; the profile picks the laws the company answers under and adds
 * its own promises — the rights it offers each kind of subject beyond the law, its limits, its lookback, its deletion
 * window, its agent rules, where requests come in and where a subject may complain. The policy step
 * (functions/core/policy/decide.ts) decides every request against the two.
 *
 * Every promise carries `source`: the words of the company's privacy policy it encodes (a short quote), or the article
 * it follows, so a reviewer can hold each figure against the text.
 */

const Source = z.string().trim().min(3, 'say where this comes from: a quote of the policy or the article');

/** An ISO-8601 period of whole years, months or days (`P12M`, `P30D`, `P1Y`): what limits and lookbacks count in. */
export const IsoPeriod = z
  .string()
  .regex(/^P[1-9]\d{0,2}[YMD]$/, 'an ISO-8601 period of years, months or days, e.g. P12M or P30D');
export type IsoPeriod = z.infer<typeof IsoPeriod>;

/**
 * Who the subject is to the company:
 * - `customer`: the company's own customer, user or visitor (the company is the controller / the business);
 * - `end_user`: someone whose data a customer of the company put into the company's product (the company processes it
 *   on that customer's behalf: GDPR Art. 28 processor, CCPA §1798.140(ag) service provider);
 * - `personnel`: an employee, contractor or applicant (CCPA covers them since 1 January 2023).
 */
export const SubjectType = z.enum(['customer', 'end_user', 'personnel']);
export type SubjectType = z.infer<typeof SubjectType>;

/** The rights the company answers for a kind of subject (what the law gives under a served jurisdiction is answered too). */
const Answered = z
  .object({
    handling: z.literal('answer'),
    rights: z
      .array(RequestType)
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'each right at most once'),
    source: Source,
  })
  .strict();

/**
 * A processor does not answer for the controller (GDPR Art. 28(3)(e): it assists the controller; CCPA §1798.140(ag):
 * a service provider acts on the business's behalf): the subject is referred to the customer that controls the data,
 * and — where the profile names that customer's privacy contact — the request is forwarded there.
 */
const Referred = z
  .object({
    handling: z.literal('refer_to_controller'),
    source: Source,
    /** the customers whose end users may write in, and where their privacy requests go */
    controllers: z
      .array(z.object({ name: z.string().trim().min(1).max(200), contact: z.email() }).strict())
      .default([]),
  })
  .strict();

export const SubjectRule = z.discriminatedUnion('handling', [Answered, Referred]);
export type SubjectRule = z.infer<typeof SubjectRule>;

export const Limit = z
  .object({
    /** at most this many requests of the right per subject… */
    max: z.number().int().positive().max(100),
    /** …in any period of this length before the request (requests denied, expired or cancelled do not count) */
    per: IsoPeriod,
    source: Source,
  })
  .strict();
export type Limit = z.infer<typeof Limit>;

/** Where a subject may complain about the answer, under one law. */
export const Authority = z
  .object({ name: z.string().trim().min(3).max(200), url: z.url({ protocol: /^https$/ }) })
  .strict();
export type Authority = z.infer<typeof Authority>;

export const Profile = z
  .object({
    /** the file's name without `.json`: lowercase letters, digits and hyphens */
    id: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and hyphens'),
    /** semantic version: bump it when a promise changes (every decision records the version it was made with) */
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    /** the company, as its policy names itself */
    company: z.string().trim().min(1).max(200),
    /** the document this profile encodes */
    policy: z.object({ title: z.string().min(1), updated: z.string().optional(), url: z.url().optional() }).strict(),
    /** the laws the company answers under; a request under any other is denied (outside the jurisdiction) */
    jurisdictions: z
      .array(PackId)
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'each jurisdiction at most once'),
    /** per kind of subject: the rights answered, or the referral to the controller; a kind not listed is not served */
    subjects: z.partialRecord(SubjectType, SubjectRule),
    /** how often a subject may exercise a right (CCPA §1798.130(b): access at most twice in 12 months) */
    limits: z.partialRecord(RequestType, Limit).default({}),
    /**
     * Requests an operator decides before anything is searched: rights always reviewed (e.g. corrections, 11 CCR
     * §7023(b): the business weighs the totality of the circumstances and the documentation), and a volume from one
     * subject past which a request may be manifestly unfounded or excessive (GDPR Art. 12(5): refuse, or charge a
     * reasonable fee — a person's judgement, never a rule's).
     */
    review: z
      .object({
        rights: z.array(RequestType).default([]),
        excessive: Limit.optional(),
        source: Source,
      })
      .strict()
      .optional(),
    /**
     * access answers cover records of this period before the request, where a system declares a record date — under
     * the CCPA only, whose disclosure covers a period (§1798.130(a)(2)(B)); see policy/lookback.ts
     */
    lookback: z.object({ period: IsoPeriod, source: Source }).strict().optional(),
    /**
     * The promised deletion window ("purged within 30 days"). Backups keep data too: a deployment whose systems
     * configuration keeps backups longer than this does not keep the promise (policy/promises.ts says so at synth and
     * at the twin's start).
     */
    deletion: z
      .object({ withinDays: z.number().int().positive().max(3650), source: Source })
      .strict()
      .optional(),
    /**
     * How sure the company must be of who asks, per right. `standard`: the link mailed to the address on the request
     * (what every right but the no-proof opt-outs gets: domain/request-record.ts verificationRequired). `high`: that,
     * and then an operator checks further evidence before anything is searched — 11 CCR §7062(c): a "reasonably high
     * degree of certainty" for a request to know specific pieces, or to delete sensitive information; the request is
     * held (`verification_review`) and `dsar clarify` asks the subject for what is missing.
     */
    verification: z
      .object({
        high: z.array(RequestType).default([]),
        source: Source,
      })
      .strict()
      .optional(),
    /** where operators are told of requests waiting for them (held requests, the due-soon digest) */
    operators: z.array(z.email()).default([]),
    /** 11 CCR §7063 (CCPA authorized agents), GDPR Recital 59: whether agents may act for subjects, and with a power of attorney */
    agents: z.object({ allowed: z.boolean(), powerOfAttorney: z.boolean(), source: Source }).strict(),
    /** where requests come in (the policy's addresses); the API is always one */
    intake: z
      .object({
        emails: z.array(z.email()).default([]),
        phone: z.string().trim().min(3).max(40).optional(),
        postal: z.string().trim().min(3).max(300).optional(),
        web: z.url({ protocol: /^https$/ }).optional(),
      })
      .strict(),
    /** per served law, where to complain (a law not named here uses the pack's regulator: policy/authorities.ts) */
    complaints: z.partialRecord(PackId, Authority).default({}),
    /** the company's own closing words on a denial (after the reasons, which are always given) */
    denialWording: z.string().trim().min(1).max(1000).optional(),
    /** what a reviewer should know about how the policy was read: garbled text, promises left out and why */
    notes: z.array(z.string().min(1)).default([]),
    /** CCPA §1798.110(c), §1798.130(a)(5)(B): the categories collected (A, B, C… of §1798.140(v)) and their recipients */
    categories: z
      .array(
        z
          .object({
            code: z.string().regex(/^[A-L]$/, 'a CCPA category letter, A to L (Cal. Civ. Code §1798.140(v)(1))'),
            name: z.string().min(1),
            recipients: z.array(z.string().min(1)),
            sold: z.boolean().default(false),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((profile, ctx) => {
    for (const [type, rule] of Object.entries(profile.subjects)) {
      if (rule?.handling === 'refer_to_controller' && type !== 'end_user')
        ctx.addIssue({
          code: 'custom',
          path: ['subjects', type],
          message: 'only end users of a customer are referred to a controller',
        });
    }
    // 11 CCR §7063(a): a business must accept a request to know, delete or correct through an authorized agent
    if (profile.jurisdictions.includes('ccpa') && !profile.agents.allowed)
      ctx.addIssue({
        code: 'custom',
        path: ['agents', 'allowed'],
        message: 'the CCPA lets a consumer act through an authorized agent (11 CCR §7063): allow agents or drop ccpa',
      });
    if (Object.keys(profile.subjects).length === 0)
      ctx.addIssue({ code: 'custom', path: ['subjects'], message: 'name at least one kind of subject' });
  });
export type Profile = z.infer<typeof Profile>;

/** Validate a profile; every problem is named with its path, in words a person can act on. */
export function parseProfile(data: unknown, where: string): Profile {
  const parsed = Profile.safeParse(data);
  if (!parsed.success)
    throw new InvalidProfileError(`Invalid company profile ${where}:\n${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  return parsed.data;
}

const cache = new Map<string, Profile>();

/** Read and validate a profile file (cached per path: the functions read it at cold start). */
export function loadProfileFile(file: string): Profile {
  let profile = cache.get(file);
  if (profile === undefined) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new InvalidProfileError(`Cannot read company profile ${file}: ${(cause as Error).message}`, { cause });
    }
    profile = parseProfile(json, file);
    cache.set(file, profile);
  }
  return profile;
}

/** The months or days an ISO period spans, for date arithmetic on calendar dates. */
export function periodParts(period: IsoPeriod): { months: number } | { days: number } {
  const match = /^P(\d+)([YMD])$/.exec(period);
  if (!match) throw new InvalidProfileError(`Not an ISO-8601 period of years, months or days: ${period}`);
  const n = Number(match[1]);
  if (match[2] === 'Y') return { months: 12 * n };
  if (match[2] === 'M') return { months: n };
  return { days: n };
}
