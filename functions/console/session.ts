import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSign,
  randomBytes,
  scryptSync,
  timingSafeEqual,
} from 'node:crypto';
import { BadCredentialError, CsrfRefusedError, SignInThrottledError } from './errors';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LOCAL_OPERATOR, SESSION_COOKIE, SESSION_SECONDS } from './env';

/**
 * The console's session and its CSRF defences, pure apart from the clock and the CSPRNG:
 * - the session is a signed JWT in a `__Host-` cookie (HttpOnly, Secure, SameSite=Strict, short Max-Age), verified by
 *   the route authorizer before any console handler runs (functions/console-authorizer);
 * - every form carries a synchronizer token, an HMAC of the session keyed by the session token itself: a page of
 *   another origin can neither read the cookie nor compute the token, and SameSite=Strict keeps the cookie off its
 *   requests anyway; every POST must also carry this API's own `Origin` (OWASP CSRF cheat sheet: defence in depth).
 */

/** The cookies of an HTTP API payload 2.0 event (`cookies`, where API Gateway puts them) or of a Cookie header. */
export function cookiesOf(event: {
  cookies?: string[];
  headers?: Record<string, string | undefined>;
}): Map<string, string> {
  const pairs = event.cookies?.length ? event.cookies : (event.headers?.cookie ?? '').split(';');
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    out.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return out;
}

/** The session cookie's value (a JWT), if the request has one. */
export function sessionToken(event: Parameters<typeof cookiesOf>[0]): string | undefined {
  const value = cookiesOf(event).get(SESSION_COOKIE);
  return value ? value : undefined;
}

/** The Set-Cookie of a new session. */
export function sessionCookie(token: string, maxAgeSeconds = SESSION_SECONDS): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}

/** The Set-Cookie that ends the session (sign-out). */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

/** The synchronizer token of a session: HMAC-SHA256 keyed by the session token (never sent back as is). */
export function csrfToken(session: string): string {
  return createHmac('sha256', session).update('dsar-console-csrf-v1').digest('base64url');
}

/** Compares without telling, through timing, how much matched. */
function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Refuses (CsrfRefusedError) a POST whose `Origin` is not one of `origins`, or whose form token is not the session's.
 * A missing Origin is refused too: every browser sends it on a form POST.
 */
export function checkCsrf(input: {
  session: string;
  token: string | undefined;
  origin: string | undefined;
  origins: readonly string[];
}): void {
  if (input.origin === undefined || !input.origins.includes(input.origin.toLowerCase()))
    throw new CsrfRefusedError('origin');
  if (input.token === undefined || !same(input.token, csrfToken(input.session))) throw new CsrfRefusedError('token');
}

/**
 * The origins a console POST may come from: the API's public URL (the CloudFront distribution; the twin's own URL),
 * and for a loopback twin the same port under `localhost` and `127.0.0.1` (a browser may use either name).
 */
export function allowedOrigins(apiUrl: string): string[] {
  const url = new URL(apiUrl);
  const origins = [url.origin.toLowerCase()];
  if (url.hostname === '127.0.0.1' || url.hostname === 'localhost')
    for (const host of ['127.0.0.1', 'localhost']) origins.push(`${url.protocol}//${host}:${url.port}`);
  return [...new Set(origins)];
}

// --- the twin's own sign-in -----------------------------------------------------------------------------------------

/** What the twin keeps of the operator credential: its scrypt hash and salt, never the credential. */
export interface StoredCredential {
  algorithm: 'scrypt';
  salt: string;
  hash: string;
}

/** Hash a credential for storage (scrypt, N=2^14: a CSPRNG credential of ≥128 bits needs no more stretching). */
export function hashCredential(credential: string, salt = randomBytes(16).toString('base64url')): StoredCredential {
  return { algorithm: 'scrypt', salt, hash: scryptSync(credential, salt, 32).toString('base64url') };
}

/** A fresh operator credential: 24 bytes (192 bits) from the CSPRNG, base64url. */
export function newCredential(): string {
  return randomBytes(24).toString('base64url');
}

/** After this many wrong credentials within the window, every sign-in is refused until the window has passed. */
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_SECONDS = 15 * 60;

/**
 * The twin's sign-in: the credential checked against its stored hash (in constant time), repeated failures throttled
 * (one credential, one operator, on loopback: the failures are counted together, not per address), and on success a
 * short-lived RS256 JWT signed with the twin's key — the same kind of token the authorizer verifies in the cloud.
 */
export class LocalSignIn {
  private failures: number[] = [];

  public constructor(
    private readonly stored: () => StoredCredential,
    private readonly signingKey: () => { pem: string; kid: string },
    private readonly now: () => Date = () => new Date(),
  ) {}

  public signIn(credential: string): { token: string; operator: string } {
    const now = this.now().getTime();
    this.failures = this.failures.filter((at) => now - at < FAILURE_WINDOW_SECONDS * 1000);
    if (this.failures.length >= MAX_FAILURES) {
      const oldest = this.failures[0] ?? now;
      throw new SignInThrottledError(Math.ceil((oldest + FAILURE_WINDOW_SECONDS * 1000 - now) / 1000));
    }
    const stored = this.stored();
    const given = hashCredential(credential, stored.salt).hash;
    if (!same(given, stored.hash)) {
      this.failures.push(now);
      throw new BadCredentialError();
    }
    this.failures = [];
    return { token: signJwt(this.signingKey(), localClaims(this.now())), operator: LOCAL_OPERATOR };
  }
}

/** The claims of a twin session (the cloud's come from Cognito). */
export function localClaims(now: Date, seconds = SESSION_SECONDS): Record<string, unknown> {
  const iat = Math.floor(now.getTime() / 1000);
  return {
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    sub: LOCAL_OPERATOR,
    iat,
    nbf: iat,
    exp: iat + seconds,
    jti: randomBytes(16).toString('base64url'),
  };
}

/** A compact RS256 JWS (node:crypto: no library needed to sign; aws-jwt-verify checks it). */
export function signJwt(key: { pem: string; kid: string }, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(createPrivateKey(key.pem)).toString('base64url');
  return `${input}.${signature}`;
}

/** The key id of a signing key: a digest of its public half (the console signs with it, the JWKS names it). */
export function keyIdOf(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 16);
}
