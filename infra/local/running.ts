import { existsSync, readFileSync } from 'node:fs';
import type { LocalCredentials } from './http';
import type { TwinEndpoints } from './twin';

/** A twin running in another process: its endpoints, and the credentials its emulators accept from this start on. */
export type RunningTwin = TwinEndpoints & { credentials?: LocalCredentials };

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
