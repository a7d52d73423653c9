import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localHttpEnv, localPostgresEnv } from '../../functions/core/connectors';
import { FUNCTION_ENV } from '../../functions/core/env';
import { DEFAULT_SENDER } from '../config';
import { AUDIT_TABLE, REQUESTS_TABLE, TOKENS_TABLE } from './tables';
import type { LocalCredentials } from './http';
import type { TwinEndpoints } from './twin';

/**
 * A twin running in another process: its endpoints, the credentials its emulators accept from this start on, the
 * systems file it runs, and its local Postgres servers and API fakes (name → URL; URL and key).
 */
export type RunningTwin = TwinEndpoints & {
  credentials?: LocalCredentials;
  systemsFile?: string;
  /** the company profile file the twin decides by (none: the open profile) */
  profile?: string;
  postgres?: Record<string, string>;
  apis?: Record<string, { url: string; key: string }>;
};

/** Thrown when a running twin's local.json has no credentials (a twin started by an older version: restart it). */
export class TwinCredentialsMissingError extends Error {
  public constructor(localJson: string) {
    super(`the running twin wrote no credentials to ${localJson}: restart it (npm run dev)`);
    this.name = 'TwinCredentialsMissingError';
  }
}

/** The endpoints of a twin running in another process, if `.dsar/local.json` names one that answers. */
export async function runningTwin(localJson: string): Promise<RunningTwin | undefined> {
  if (!existsSync(localJson)) return undefined;
  const info = JSON.parse(readFileSync(localJson, 'utf8')) as Partial<RunningTwin> & { pid?: number };
  if (!info.api || !info.pid || info.pid === process.pid) return undefined;
  try {
    process.kill(info.pid, 0);
    await fetch(`${info.api}/requests/00000000-0000-0000-0000-000000000000`, { signal: AbortSignal.timeout(2000) });
    return info as RunningTwin;
  } catch {
    return undefined;
  }
}

/** The credentials to sign requests to a running twin with: the ones it made at its start, never a fixed pair. */
export function credentialsOf(twin: RunningTwin, localJson: string): LocalCredentials {
  const { credentials } = twin;
  if (!credentials?.accessKeyId || !credentials.secretAccessKey) throw new TwinCredentialsMissingError(localJson);
  return credentials;
}

/**
 * Points this process's AWS clients and the functions' settings at a running twin (its emulators, its credentials, its
 * tables, a sender), so an operator command acts on the twin's requests; undefined when none runs on `dataDir`, and
 * the environment is then used as given (a deployment: DSAR_TABLE, DSAR_SENDER, the AWS defaults). Everything is
 * overridden, credentials included, so no call can reach a real AWS account while a twin is targeted.
 */
export async function targetRunningTwin(dataDir: string): Promise<RunningTwin | undefined> {
  const localJson = join(dataDir, 'local.json');
  const twin = await runningTwin(localJson);
  if (twin === undefined) return undefined;
  const credentials = credentialsOf(twin, localJson);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: twin.dynamodb,
    AWS_ENDPOINT_URL_S3: twin.s3,
    AWS_ENDPOINT_URL_SESV2: twin.ses,
    // an operator's decision answers the held request's waiting task through the twin's Step Functions
    AWS_ENDPOINT_URL_SFN: twin.stepfunctions,
    // the profile the twin decides by (denial wording, complaint routes, operators); empty: the open profile
    [FUNCTION_ENV.PROFILE_FILE]: process.env[FUNCTION_ENV.PROFILE_FILE] ?? twin.profile ?? '',
    DSAR_S3_FORCE_PATH_STYLE: 'true',
    [FUNCTION_ENV.TABLE]: REQUESTS_TABLE,
    // a denial's appeal link carries a token of the twin's, pointing at its API
    [FUNCTION_ENV.TOKENS_TABLE]: TOKENS_TABLE,
    [FUNCTION_ENV.API_URL]: twin.api,
    [FUNCTION_ENV.AUDIT_TABLE]: AUDIT_TABLE,
    [FUNCTION_ENV.SENDER]: process.env[FUNCTION_ENV.SENDER] ?? DEFAULT_SENDER,
    // the systems the twin runs, and how its functions reach the local ones: the connectors here must match
    ...(twin.systemsFile
      ? { [FUNCTION_ENV.SYSTEMS_FILE]: process.env[FUNCTION_ENV.SYSTEMS_FILE] ?? twin.systemsFile }
      : {}),
    ...Object.fromEntries(Object.entries(twin.postgres ?? {}).map(([name, url]) => [localPostgresEnv(name), url])),
    ...Object.fromEntries(
      Object.entries(twin.apis ?? {}).flatMap(([name, api]) => {
        const env = localHttpEnv(name);
        return [
          [env.url, api.url],
          [env.secret, api.key],
        ];
      }),
    ),
  });
  return twin;
}
