import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_ENV } from '../../functions/console/env';
import { hashCredential, keyIdOf, newCredential, type StoredCredential } from '../../functions/console/session';
import { privateDirectory, tightenFile, writePrivateFile } from './secrets';

/**
 * The twin's operator sign-in, made on the first start and kept with the data (`<dataDir>/console/`, 0700):
 * - ONE operator credential, 192 bits from the CSPRNG, shown once (the caller prints it with the console URL) and
 *   stored only as its scrypt hash (`credential.json`): lost, it is replaced by deleting that file and restarting;
 * - an RSA signing key (`signing-key.pem`, 0600) for the twin's session tokens, whose public half (a JWKS) the route
 *   authorizer verifies them against, as it verifies Cognito's against the pool's in the cloud.
 */
export interface ConsoleSignIn {
  /** the credential, on the start that made it only (undefined afterwards: it is nowhere to be read again) */
  credential?: string;
  /** the environment the console function and its authorizer read */
  env: Record<string, string>;
}

export function consoleSignIn(dataDir: string): ConsoleSignIn {
  const dir = join(dataDir, 'console');
  privateDirectory(dir);
  const credentialFile = join(dir, 'credential.json');
  const keyFile = join(dir, 'signing-key.pem');
  let credential: string | undefined;
  if (!existsSync(credentialFile)) {
    credential = newCredential();
    const stored: StoredCredential = hashCredential(credential);
    writePrivateFile(credentialFile, `${JSON.stringify(stored)}\n`);
  }
  if (!existsSync(keyFile)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writePrivateFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  tightenFile(credentialFile);
  tightenFile(keyFile);
  const pem = readFileSync(keyFile, 'utf8');
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  const kid = keyIdOf(pem);
  return {
    credential,
    env: {
      [CONSOLE_ENV.MODE]: 'local',
      [CONSOLE_ENV.JWKS]: JSON.stringify({ keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] }),
      [CONSOLE_ENV.SIGNING_KEY_FILE]: keyFile,
      [CONSOLE_ENV.CREDENTIAL_FILE]: credentialFile,
    },
  };
}
