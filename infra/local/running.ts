import { existsSync, readFileSync } from 'node:fs';
import type { TwinEndpoints } from './twin';

/** The endpoints of a twin running in another process, if `.dsar/local.json` names one that answers. */
export async function runningTwin(localJson: string): Promise<TwinEndpoints | undefined> {
  if (!existsSync(localJson)) return undefined;
  const info = JSON.parse(readFileSync(localJson, 'utf8')) as Partial<TwinEndpoints> & { pid?: number };
  if (!info.api || !info.pid || info.pid === process.pid) return undefined;
  try {
    process.kill(info.pid, 0);
    await fetch(`${info.api}/requests/00000000-0000-0000-0000-000000000000`, { signal: AbortSignal.timeout(2000) });
    return info as TwinEndpoints;
  } catch {
    return undefined;
  }
}
