import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { SystemsConfig } from '../connectors/config';
import { SystemsConfigError } from '../functions/core/errors';
import { parseSystemsFile } from '../functions/core/systems';
import { existsSync, readdirSync } from 'node:fs';
import { InvalidProfileError, UnknownProfileError } from '../functions/core/policy/errors';
import { loadProfileFile, type Profile } from '../functions/core/policy/profile';
import { brokenPromises } from '../functions/core/policy/promises';

/**
 * Deployment parameters, read from CDK context (cdk.json `context`, or `--context key=value` on the CLI)
 * and validated here once, so a bad value fails `cdk synth` with a readable message instead of a broken stack.
 *
 * Context keys (the README lists them):
 * - `senderEmail`              From address of every mail (an SES identity is created for it). Required for a real
 *                              deploy; defaults to `dsar@example.com` so synth and tests work (a warning says so).
 * - `systemsConfig`            Path of the systems configuration (connectors/config.ts `SystemsConfig`), relative to
 *                              the repository root. Default `infra/config/systems.json`.
 * - `verificationWindowHours`  How long the requester has to click the verification link before the request expires.
 *                              Default 168 (7 days). At most 576: the local twin times a task with a Node timer,
 *                              which overflows past ~596 hours.
 * - `downloadLinkHours`        How long the emailed download link works. Default 168. Must not outlive the export.
 * - `exportRetentionDays`      How long exports and receipts stay in the bucket before S3 lifecycle deletes them.
 *                              Default 30.
 * - `alarmEmail`               Address subscribed (by email, confirm the mail SNS sends) to the alarm topic. Optional:
 *                              without it the topic exists and a pager or chat integration can subscribe to it.
 * - `sweepMinutes`             How often EventBridge Scheduler runs the sweeper. Default 15.
 * - `reminderDays`             The operators' daily digest (08:00 UTC) lists the open requests due within this many
 *                              days, with the overdue and those waiting for an operator. Default 7, at most 90.
 * - `connectorConcurrency`     Reserved concurrency of each connector function (LocateSystem, EraseSystem): the most
 *                              calls that reach the source systems at once. Default 10.
 * - `wafRateLimit`             Requests one client IP may make in 5 minutes before WAF answers 429. Default 100.
 * - `profile`                  The company profile the policy step decides by: a shipped profile's id
 *                              (`infra/config/profiles/<id>.json`, e.g. `softpire`) or a path to your own. Optional:
 *                              without it, the open profile (every law, every right, no company limits).
 */

/** The repository root; relative paths in the configuration are resolved against it, not against the cwd. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const DEFAULT_SENDER = 'dsar@example.com';

/** Defaults for every context key; cdk.json repeats them (a test keeps the two in step). */
export const CONTEXT_DEFAULTS = {
  systemsConfig: 'infra/config/systems.json',
  verificationWindowHours: 168,
  downloadLinkHours: 168,
  exportRetentionDays: 30,
  sweepMinutes: 15,
  reminderDays: 7,
  connectorConcurrency: 10,
  wafRateLimit: 100,
} as const;

/** Longest verification window the local runner can time (2^31-1 ms ≈ 596 h), rounded down to whole days. */
export const MAX_VERIFICATION_WINDOW_HOURS = 576;

/** A configuration problem found at synth time. */
export class DsarConfigError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DsarConfigError';
  }
}

/** CLI context values arrive as strings, cdk.json values as JSON: accept both for numbers. */
const hours = (max?: number) => {
  const base = z.coerce.number().int().min(1);
  return max === undefined ? base : base.max(max);
};

const DeploymentContext = z
  .object({
    senderEmail: z.email().default(DEFAULT_SENDER),
    systemsConfig: z.string().min(1).default(CONTEXT_DEFAULTS.systemsConfig),
    // Fractions are allowed (down to one second) so tests and demos can watch a request expire.
    verificationWindowHours: z.coerce
      .number()
      .min(1 / 3600)
      .max(MAX_VERIFICATION_WINDOW_HOURS)
      .default(CONTEXT_DEFAULTS.verificationWindowHours),
    downloadLinkHours: hours().default(CONTEXT_DEFAULTS.downloadLinkHours),
    exportRetentionDays: z.coerce.number().int().min(1).default(CONTEXT_DEFAULTS.exportRetentionDays),
    alarmEmail: z.email().optional(),
    // At most a day: a stuck request must not wait longer than that to be seen.
    sweepMinutes: z.coerce.number().int().min(1).max(1440).default(CONTEXT_DEFAULTS.sweepMinutes),
    // At least a day's notice; beyond a quarter the digest is the whole queue (`dsar requests` shows that).
    reminderDays: z.coerce.number().int().min(1).max(90).default(CONTEXT_DEFAULTS.reminderDays),
    connectorConcurrency: z.coerce.number().int().min(1).max(1000).default(CONTEXT_DEFAULTS.connectorConcurrency),
    // WAF's bounds for a rate-based rule.
    wafRateLimit: z.coerce.number().int().min(10).max(2_000_000_000).default(CONTEXT_DEFAULTS.wafRateLimit),
    profile: z.string().min(1).optional(),
  })
  .refine((c) => c.downloadLinkHours <= c.exportRetentionDays * 24, {
    path: ['downloadLinkHours'],
    message: 'a download link must not outlive the export it points to (downloadLinkHours ≤ exportRetentionDays × 24)',
  });

export interface DeploymentConfig {
  senderEmail: string;
  /** true when `senderEmail` was not given: fine for synth, wrong for a deploy */
  senderIsDefault: boolean;
  /** absolute path of the systems configuration file */
  systemsConfigPath: string;
  systems: SystemsConfig;
  verificationWindowHours: number;
  downloadLinkHours: number;
  exportRetentionDays: number;
  alarmEmail?: string;
  sweepMinutes: number;
  /** the operators' digest lists the requests due within this many days */
  reminderDays: number;
  connectorConcurrency: number;
  wafRateLimit: number;
  /** the chosen company profile: its file (absolute) and its validated content; undefined: the open profile */
  profile?: { path: string; profile: Profile };
}

/** Anything that can answer a context lookup (a construct's `node`). */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/** Read and validate the deployment parameters and the systems configuration they point to. */
export function readDeploymentConfig(context: ContextSource): DeploymentConfig {
  const raw = Object.fromEntries(
    (
      [
        'senderEmail',
        'systemsConfig',
        'verificationWindowHours',
        'downloadLinkHours',
        'exportRetentionDays',
        'alarmEmail',
        'sweepMinutes',
        'reminderDays',
        'connectorConcurrency',
        'wafRateLimit',
        'profile',
      ] as const
    ).map((key) => [key, context.tryGetContext(key)]),
  );
  const parsed = DeploymentContext.safeParse(raw);
  if (!parsed.success) {
    throw new DsarConfigError(`Invalid CDK context for the DSAR pipeline:\n${z.prettifyError(parsed.error)}`);
  }
  const systemsConfigPath = resolveFromRepo(parsed.data.systemsConfig);
  const systems = loadSystemsConfig(systemsConfigPath);
  const profile = parsed.data.profile === undefined ? undefined : loadProfile(parsed.data.profile);
  // a deployment that cannot keep the profile's promises is not synthesized (policy/promises.ts)
  const broken = profile ? brokenPromises(profile.profile, systems) : [];
  if (broken.length > 0) throw new DsarConfigError(broken.join('\n'));
  return {
    ...parsed.data,
    senderIsDefault: raw.senderEmail === undefined,
    systemsConfigPath,
    systems,
    profile,
  };
}

/** Where shipped profiles live: one file per company, named by its id. */
export const PROFILES_DIR = resolve(REPO_ROOT, 'infra/config/profiles');

/** A profile's file: a shipped profile's id (`softpire`), or a path (ends in `.json`; relative to the repository). */
export function profilePath(nameOrPath: string): string {
  return nameOrPath.endsWith('.json') ? resolveFromRepo(nameOrPath) : resolve(PROFILES_DIR, `${nameOrPath}.json`);
}

/** Load and validate a profile by id or path; a problem is a DsarConfigError naming the file and every problem. */
export function loadProfile(nameOrPath: string): { path: string; profile: Profile } {
  const path = profilePath(nameOrPath);
  if (!nameOrPath.endsWith('.json') && !existsSync(path)) {
    const shipped = readdirSync(PROFILES_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5));
    const unknown = new UnknownProfileError(nameOrPath);
    throw new DsarConfigError(`${unknown.message}. Shipped: ${shipped.sort().join(', ')}`, { cause: unknown });
  }
  try {
    return { path, profile: loadProfileFile(path) };
  } catch (cause) {
    if (cause instanceof InvalidProfileError) throw new DsarConfigError(cause.message, { cause });
    throw cause;
  }
}

/**
 * Load and validate a systems configuration file (the functions' own loader, so synth and run time agree on what is
 * valid); a problem is a DsarConfigError naming the file and every problem in it.
 */
export function loadSystemsConfig(path: string): SystemsConfig {
  try {
    return parseSystemsFile(path);
  } catch (cause) {
    if (cause instanceof SystemsConfigError) throw new DsarConfigError(cause.message, { cause });
    throw cause;
  }
}

export function resolveFromRepo(path: string): string {
  return isAbsolute(path) ? path : resolve(REPO_ROOT, path);
}
