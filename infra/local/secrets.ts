import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { LocalCredentials } from './http';

/**
 * What the twin keeps private on disk, and the credentials it makes at each start. The data directory holds every
 * request, the demo systems' records and the hash key, unencrypted: only its owner may enter it.
 */

/** Creates `dir` 0700, or tightens it to 0700 when it exists with a looser mode. */
export function privateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Writes `file` 0600; a file that existed with a looser mode is tightened (the `mode` option applies on create only). */
export function writePrivateFile(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Tightens an existing file to 0600 (e.g. a hash key written by an older version). */
export function tightenFile(file: string): void {
  if (existsSync(file)) chmodSync(file, 0o600);
}

/** A fresh random pair, shaped like AWS's (a 20-character key id), so no tool mistakes it for a placeholder. */
export function newCredentials(): LocalCredentials {
  return {
    accessKeyId: `TWIN${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
}

let processCredentials: LocalCredentials | undefined;

/**
 * The credentials of a twin started in this process: new for every process (`npm run dev`, `npm run demo`), and kept
 * by a later start in the same process, because the functions' SDK clients are made once per process and keep the
 * credentials they were made with (a second start with new ones would lock the functions out of the emulators).
 */
export function twinCredentials(): LocalCredentials {
  processCredentials ??= newCredentials();
  return processCredentials;
}
