import { z } from 'zod';
import { FUNCTION_ENV } from './env';
import { ConfigurationError } from './errors';

/**
 * The functions' runtime settings, from environment variables set by the CDK stack (or by the local twin);
 * the names are the stack's own (FUNCTION_ENV), so the two cannot drift.
 * Each handler reads only what it needs, validated once at cold start, so a missing setting fails loudly.
 */
const Env = {
  table: z.string().min(1),
  tokensTable: z.string().min(1),
  suppressionTable: z.string().min(1),
  auditTable: z.string().min(1),
  bucket: z.string().min(1),
  inboundMailBucket: z.string().min(1),
  stateMachineArn: z.string().min(1),
  apiUrl: z.url(),
  sender: z.email(),
  systemsFile: z.string().min(1),
  verificationTtlSeconds: z.coerce.number().int().positive(),
  downloadTtlSeconds: z.coerce.number().int().positive(),
} as const;

const NAMES: Record<keyof typeof Env, string> = {
  table: FUNCTION_ENV.TABLE,
  tokensTable: FUNCTION_ENV.TOKENS_TABLE,
  suppressionTable: FUNCTION_ENV.SUPPRESSION_TABLE,
  auditTable: FUNCTION_ENV.AUDIT_TABLE,
  bucket: FUNCTION_ENV.BUCKET,
  inboundMailBucket: FUNCTION_ENV.INBOUND_MAIL_BUCKET,
  stateMachineArn: FUNCTION_ENV.STATE_MACHINE_ARN,
  apiUrl: FUNCTION_ENV.API_URL,
  sender: FUNCTION_ENV.SENDER,
  systemsFile: FUNCTION_ENV.SYSTEMS_FILE,
  verificationTtlSeconds: FUNCTION_ENV.VERIFICATION_TTL_SECONDS,
  downloadTtlSeconds: FUNCTION_ENV.DOWNLOAD_TTL_SECONDS,
};

type EnvKey = keyof typeof Env;
export type Settings<K extends EnvKey> = { [P in K]: z.infer<(typeof Env)[P]> };

export function settings<K extends EnvKey>(...keys: K[]): Settings<K> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const name = NAMES[key];
    const parsed = Env[key].safeParse(process.env[name]);
    if (!parsed.success) throw new ConfigurationError(`environment variable ${name} is missing or invalid`);
    out[key] = parsed.data;
  }
  return out as Settings<K>;
}
