/**
 * The console's environment contract (the console function and its authorizer), beside the code that reads it.
 * Two modes: `cognito` in the cloud (a Cognito user pool's managed login; the authorizer verifies its ID tokens) and
 * `local` in the twin (one operator credential the twin made; its own signing key; see infra/local/console-credential.ts).
 */
export const CONSOLE_ENV = {
  /** `cognito` (the cloud) or `local` (the twin) */
  MODE: 'DSAR_CONSOLE_MODE',
  /** cognito: the user pool id (us-east-1_xxx) */
  USER_POOL_ID: 'DSAR_CONSOLE_USER_POOL_ID',
  /** cognito: the app client id (public client: authorization code + PKCE, no secret) */
  CLIENT_ID: 'DSAR_CONSOLE_CLIENT_ID',
  /** cognito: the managed-login base URL, https://<prefix>.auth.<region>.amazoncognito.com */
  LOGIN_URL: 'DSAR_CONSOLE_LOGIN_URL',
  /** local: the public JWKS (JSON) the twin's sessions are signed for */
  JWKS: 'DSAR_CONSOLE_JWKS',
  /** local: the file holding the private signing key (PEM, 0600) */
  SIGNING_KEY_FILE: 'DSAR_CONSOLE_SIGNING_KEY_FILE',
  /** local: the file holding the operator credential's scrypt hash and salt (JSON, 0600) */
  CREDENTIAL_FILE: 'DSAR_CONSOLE_CREDENTIAL_FILE',
} as const;

/** The issuer and audience of the twin's own session tokens (the cloud's are Cognito's). */
export const LOCAL_ISSUER = 'urn:dsar:local-twin';
export const LOCAL_AUDIENCE = 'dsar-console';
/** The operator identity the twin's single credential signs in as (the audit trail names it). */
export const LOCAL_OPERATOR = 'local-operator';

/** The session cookie: `__Host-` so it is Secure, host-only and Path=/ (no subdomain can set or read it). */
export const SESSION_COOKIE = '__Host-dsar-console';
/** The PKCE verifier and state while the managed login runs (cloud only): a few minutes at most. */
export const PKCE_COOKIE = '__Host-dsar-console-pkce';
/** How long a session lasts (seconds): short, an operator signs in again (Cognito's ID token lives one hour). */
export const SESSION_SECONDS = 30 * 60;
