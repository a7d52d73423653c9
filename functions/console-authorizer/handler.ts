import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { CONSOLE_ENV, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../console/env';
import { type AuthorizerResult, ConsoleAuthorizer, type TokenVerifier } from './authorizer';

/**
 * The verifier for this deployment, made once per container (it caches the JWKS):
 * - `cognito`: the user pool's ID tokens for the console's app client (aws-jwt-verify fetches and caches the JWKS);
 * - `local`: the twin's tokens, against the JWKS the twin hands over (cached up front: nothing is fetched).
 */
export function verifierFromEnv(env: NodeJS.ProcessEnv = process.env): TokenVerifier {
  if (env[CONSOLE_ENV.MODE] === 'local') {
    const verifier = JwtVerifier.create({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      // never fetched: the JWKS is cached below, and a token naming another key fails on this unreachable address
      jwksUri: 'http://127.0.0.1:9/jwks.json',
    });
    verifier.cacheJwks(JSON.parse(env[CONSOLE_ENV.JWKS] ?? '{"keys":[]}') as Jwks);
    return { verify: (token) => verifier.verify(token) as Promise<Record<string, unknown>> };
  }
  const verifier = CognitoJwtVerifier.create({
    userPoolId: env[CONSOLE_ENV.USER_POOL_ID] ?? '',
    clientId: env[CONSOLE_ENV.CLIENT_ID] ?? '',
    tokenUse: 'id',
  });
  return { verify: (token) => verifier.verify(token) as Promise<Record<string, unknown>> };
}

// Made once per container; remade when the twin (one process, restarted in tests) hands over another key.
let made: { key: string; authorizer: ConsoleAuthorizer } | undefined;

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => {
  const key = `${process.env[CONSOLE_ENV.MODE]}|${process.env[CONSOLE_ENV.JWKS]}|${process.env[CONSOLE_ENV.USER_POOL_ID]}`;
  if (made?.key !== key) made = { key, authorizer: new ConsoleAuthorizer(verifierFromEnv()) };
  return made.authorizer.authorize(event);
};
