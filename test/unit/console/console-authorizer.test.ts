import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConsoleAuthorizer } from '../../../functions/console-authorizer/authorizer';
import { verifierFromEnv } from '../../../functions/console-authorizer/handler';
import { CONSOLE_ENV, SESSION_COOKIE } from '../../../functions/console/env';
import { localClaims, signJwt } from '../../../functions/console/session';

/** A signing key like the twin's, and the env that hands its public half to the authorizer. */
function keyPair(kid = 'k1') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return {
    key: { pem, kid },
    env: { [CONSOLE_ENV.MODE]: 'local', [CONSOLE_ENV.JWKS]: JSON.stringify({ keys: [jwk] }) },
  };
}

const twin = keyPair();
const authorizer = new ConsoleAuthorizer(verifierFromEnv(twin.env));
const NOW = new Date();
const withCookie = (token: string) => ({ cookies: [`other=1`, `${SESSION_COOKIE}=${token}`] });

describe('Class: ConsoleAuthorizer', () => {
  describe('Method: authorize', () => {
    it('admits a valid session and hands the operator identity on', async () => {
      // Prepare
      const token = signJwt(twin.key, localClaims(NOW));

      // Act
      const result = await authorizer.authorize(withCookie(token));

      // Assess
      expect(result).toEqual({ isAuthorized: true, context: { operator: 'local-operator', label: 'local-operator' } });
    });

    it('reads the session from a Cookie header too (the twin, or a client that sends one)', async () => {
      // Prepare
      const token = signJwt(twin.key, localClaims(NOW));

      // Act
      const result = await authorizer.authorize({ headers: { cookie: `a=b; ${SESSION_COOKIE}=${token}` } });

      // Assess
      expect(result.isAuthorized).toBe(true);
    });

    it('refuses an expired token', async () => {
      // Prepare
      const token = signJwt(twin.key, localClaims(new Date(NOW.getTime() - 2 * 3600_000)));

      // Act
      const result = await authorizer.authorize(withCookie(token));

      // Assess
      expect(result).toEqual({ isAuthorized: false });
    });

    it('refuses a token of another issuer', async () => {
      // Prepare
      const token = signJwt(twin.key, { ...localClaims(NOW), iss: 'https://attacker.example' });

      // Act
      const result = await authorizer.authorize(withCookie(token));

      // Assess
      expect(result).toEqual({ isAuthorized: false });
    });

    it('refuses a token for another audience', async () => {
      // Prepare
      const token = signJwt(twin.key, { ...localClaims(NOW), aud: 'another-app' });

      // Act
      const result = await authorizer.authorize(withCookie(token));

      // Assess
      expect(result).toEqual({ isAuthorized: false });
    });

    it('refuses a tampered token (claims changed after signing)', async () => {
      // Prepare
      const [header, , signature] = signJwt(twin.key, localClaims(NOW)).split('.');
      const forged = Buffer.from(JSON.stringify({ ...localClaims(NOW), sub: 'admin' })).toString('base64url');

      // Act
      const result = await authorizer.authorize(withCookie(`${header}.${forged}.${signature}`));

      // Assess
      expect(result).toEqual({ isAuthorized: false });
    });

    it('refuses a token signed by another key under the same key id', async () => {
      // Prepare
      const other = keyPair('k1');
      const token = signJwt(other.key, localClaims(NOW));

      // Act
      const result = await authorizer.authorize(withCookie(token));

      // Assess
      expect(result).toEqual({ isAuthorized: false });
    });

    it('refuses a request without the session cookie', async () => {
      // Act
      const result = await authorizer.authorize({ cookies: ['other=1'], headers: {} });

      // Assess
      expect(result).toEqual({ isAuthorized: false });
    });

    it('shows the e-mail of a Cognito token but records its sub', async () => {
      // Prepare
      const verifier = { verify: async () => ({ sub: 'a1b2', email: 'op@example.com' }) };

      // Act
      const result = await new ConsoleAuthorizer(verifier).authorize(withCookie('x.y.z'));

      // Assess
      expect(result.context).toEqual({ operator: 'a1b2', label: 'op@example.com' });
    });
  });
});
