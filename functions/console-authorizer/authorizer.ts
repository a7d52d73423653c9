import { sessionToken } from '../console/session';

/** What verifies a session token (aws-jwt-verify's verifiers): its claims, or a rejection. */
export interface TokenVerifier {
  verify(token: string): Promise<Record<string, unknown>>;
}

/** What a console handler learns of the operator (API Gateway hands it over as `requestContext.authorizer.lambda`). */
export interface OperatorContext {
  /** the token's `sub`: the Cognito user's opaque id, `local-operator` in the twin; the audit trail records it */
  operator: string;
  /** what the page shows as signed in: the e-mail where the token has one, else the `sub` */
  label: string;
}

/** An HTTP API Lambda authorizer's simple response (payload 2.0, `enableSimpleResponses`). */
export interface AuthorizerResult {
  isAuthorized: boolean;
  context?: OperatorContext & Record<string, string>;
}

/**
 * The console's JWT authorizer. API Gateway's native JWT authorizer reads only a bearer `Authorization` header, and a
 * browser session lives in a cookie; so the console routes are guarded by this Lambda REQUEST authorizer (identity
 * source: the Cookie header), which verifies the session JWT with aws-jwt-verify — Cognito's ID token in the cloud
 * (signature against the pool's JWKS, issuer, audience = the app client, token_use, expiry), the twin's own token
 * locally (the twin's JWKS). The twin's HTTP server calls this same module before each `auth: 'operator'` route.
 * Denies on anything amiss, and says why in no detail (a reason would help a forger more than an operator).
 */
export class ConsoleAuthorizer {
  public constructor(private readonly verifier: TokenVerifier) {}

  public async authorize(event: {
    cookies?: string[];
    headers?: Record<string, string | undefined>;
  }): Promise<AuthorizerResult> {
    const token = sessionToken(event);
    if (token === undefined) return { isAuthorized: false };
    let claims: Record<string, unknown>;
    try {
      claims = await this.verifier.verify(token);
    } catch {
      return { isAuthorized: false };
    }
    const sub = claims.sub;
    if (typeof sub !== 'string' || sub.length === 0) return { isAuthorized: false };
    const email = typeof claims.email === 'string' ? claims.email : undefined;
    return { isAuthorized: true, context: { operator: sub, label: email ?? sub } };
  }
}
