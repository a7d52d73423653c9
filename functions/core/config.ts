import { z } from 'zod';

/**
 * The functions' runtime settings, from environment variables set by the CDK stack (or by the local twin).
 * Each handler reads only what it needs, validated once at cold start, so a missing setting fails loudly.
 */
const Env = {
  table: z.string().min(1),
  bucket: z.string().min(1),
  stateMachineArn: z.string().min(1),
  apiUrl: z.url(),
  sender: z.email(),
  systemsFile: z.string().min(1),
  verificationTtlSeconds: z.coerce.number().int().positive(),
  downloadTtlSeconds: z.coerce.number().int().positive(),
  backupRetentionDays: z.coerce.number().int().nonnegative(),
} as const;

const NAMES: Record<keyof typeof Env, string> = {
  table: 'DSAR_TABLE',
  bucket: 'DSAR_BUCKET',
  stateMachineArn: 'DSAR_STATE_MACHINE_ARN',
  apiUrl: 'DSAR_API_URL',
  sender: 'DSAR_SENDER',
  systemsFile: 'DSAR_SYSTEMS_FILE',
  verificationTtlSeconds: 'DSAR_VERIFICATION_TTL_SECONDS',
  downloadTtlSeconds: 'DSAR_DOWNLOAD_TTL_SECONDS',
  backupRetentionDays: 'DSAR_BACKUP_RETENTION_DAYS',
};

type EnvKey = keyof typeof Env;
export type Settings<K extends EnvKey> = { [P in K]: z.infer<(typeof Env)[P]> };

export class ConfigurationError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

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
