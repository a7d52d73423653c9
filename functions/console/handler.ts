import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { settings } from '../core/config';
import { metrics } from '../core/domain/operator-views';
import { DsarError } from '../core/domain/errors';
import { type HttpEvent, httpRoute } from '../core/http/middlewares';
import { redirect, withCookies } from '../core/http/responses';
import { isMessageKey, type Lang, pickLang, t } from '../core/i18n/catalog';
import { logger } from '../core/logger';
import { noticeWiring, wiring } from '../core/wiring';
import { ExtendRequest } from '../extend-request/extend-request';
import { OperatorDecision } from '../operator-decision/operator-decision';
import {
  ACTIONS,
  type Action,
  type ConsoleDeps,
  ConsoleUseCases,
  QUEUE_FILTERS,
  type QueueFilter,
  validActions,
} from './console';
import { CONSOLE_ENV, PKCE_COOKIE } from './env';
import { BadCredentialError, CsrfRefusedError, SignInFailedError, SignInThrottledError } from './errors';
import {
  localSignInPage,
  metricsPage,
  type PageContext,
  queuePage,
  refusalPage,
  requestPage,
  signedInPage,
} from './pages';
import { RetryRequest } from './retry';
import {
  allowedOrigins,
  checkCsrf,
  clearedSessionCookie,
  cookiesOf,
  csrfToken,
  keyIdOf,
  LocalSignIn,
  type StoredCredential,
  sessionCookie,
  sessionToken,
} from './session';

/**
 * The operator console (GET/POST /console/*): one function, routed by the route key. The authorizer has verified the
 * session before any route but sign-in and callback runs (its context: `requestContext.authorizer.lambda`); every POST
 * is checked here for the form's synchronizer token and the Origin (a failure is a 403 page that changes nothing).
 */

/** Console forms carry a reason of at most 1000 characters: 16 KiB covers it percent-encoded, and nothing more is read. */
const MAX_FORM_BYTES = 16 * 1024;

interface OperatorEvent extends APIGatewayProxyEventV2 {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { lambda?: { operator?: string; label?: string } };
  };
}

function form(event: APIGatewayProxyEventV2): URLSearchParams {
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  return raw.length > MAX_FORM_BYTES ? new URLSearchParams() : new URLSearchParams(raw.toString('utf8'));
}

/** What the console is built from; tests give fakes, the handler the deployment's (or the twin's) adapters. */
export interface ConsoleEnvironment {
  useCases: () => Pick<ConsoleUseCases, 'queue' | 'records' | 'request' | 'act'>;
  apiUrl: () => string;
  mode: () => 'local' | 'cognito';
  localSignIn: () => Pick<LocalSignIn, 'signIn'>;
  cognito: () => { loginUrl: string; clientId: string };
  now: () => Date;
  fetch: typeof fetch;
}

export function consoleHandler(env: ConsoleEnvironment) {
  return async (raw: HttpEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const event = raw as unknown as OperatorEvent;
    const lang = pickLang(event);
    switch (event.routeKey) {
      case 'GET /console/sign-in':
        return env.mode() === 'local' ? localSignInPage(lang) : startManagedLogin(env);
      case 'POST /console/sign-in':
        return localSignIn(env, event, lang);
      case 'GET /console/callback':
        return managedLoginCallback(env, event, lang);
      default:
        return operatorRoute(env, event, lang);
    }
  };
}

async function operatorRoute(env: ConsoleEnvironment, event: OperatorEvent, lang: Lang) {
  const operator = event.requestContext.authorizer?.lambda?.operator;
  const session = sessionToken(event);
  // the authorizer admitted this request; a route reached without its context is misconfigured, and refused
  if (!operator || !session)
    return refusalPage(
      { lang, label: '', csrf: '' },
      403,
      t(lang, 'console.forbidden.title'),
      t(lang, 'console.forbidden.text'),
    );
  const ctx: PageContext = {
    lang,
    label: event.requestContext.authorizer?.lambda?.label ?? operator,
    csrf: csrfToken(session),
  };
  const method = event.requestContext.http.method;
  const fields = method === 'POST' ? form(event) : undefined;
  if (fields) {
    try {
      checkCsrf({
        session,
        token: fields.get('csrf') ?? undefined,
        origin: event.headers.origin,
        origins: allowedOrigins(env.apiUrl()),
      });
    } catch (error) {
      if (!(error instanceof CsrfRefusedError)) throw error;
      logger.warn('console POST refused', { code: error.code, route: event.routeKey });
      return refusalPage(ctx, 403, t(lang, 'console.forbidden.title'), t(lang, 'console.forbidden.csrf'));
    }
  }
  const cases = env.useCases();
  switch (event.routeKey) {
    case 'POST /console/sign-out': {
      const cookies = [clearedSessionCookie()];
      if (env.mode() === 'local') return withCookies(redirect('/console/sign-in', 303), cookies);
      const { loginUrl, clientId } = env.cognito();
      const back = `${env.apiUrl()}/console/sign-in`;
      return withCookies(
        redirect(
          `${loginUrl}/logout?client_id=${encodeURIComponent(clientId)}&logout_uri=${encodeURIComponent(back)}`,
          303,
        ),
        cookies,
      );
    }
    case 'GET /console': {
      const asked = event.queryStringParameters?.status ?? 'open';
      const filter: QueueFilter = (QUEUE_FILTERS as readonly string[]).includes(asked)
        ? (asked as QueueFilter)
        : 'open';
      return queuePage(ctx, filter, await cases.queue(filter, env.now()));
    }
    case 'GET /console/metrics': {
      const asked = Number(event.queryStringParameters?.year ?? env.now().getUTCFullYear() - 1);
      const year = Number.isInteger(asked) && asked >= 2000 && asked <= 9999 ? asked : env.now().getUTCFullYear() - 1;
      return metricsPage(ctx, year, metrics(await cases.records(), year));
    }
    case 'GET /console/requests/{id}':
      return showRequest(cases, ctx, event.pathParameters?.id ?? '', event.queryStringParameters?.done);
    case 'POST /console/requests/{id}/{action}': {
      const requestId = event.pathParameters?.id ?? '';
      const action = event.pathParameters?.action ?? '';
      if (!(ACTIONS as readonly string[]).includes(action))
        return refusalPage(ctx, 404, t(lang, 'console.notFound.title'), t(lang, 'console.notFound.action'));
      try {
        const outcome = await cases.act(action as Action, requestId, fields?.get('reason') ?? '', operator);
        const query = new URLSearchParams({ done: outcome.done, ...(outcome.vars ?? {}) });
        return redirect(`/console/requests/${encodeURIComponent(requestId)}?${query}`, 303);
      } catch (error) {
        // the use case's refusal (not held, too late, no extension left, a missing reason…), shown in the page
        if (!(error instanceof DsarError)) throw error;
        return showRequest(cases, ctx, requestId, undefined, error, 409);
      }
    }
  }
  return refusalPage(ctx, 404, t(lang, 'console.notFound.title'), t(lang, 'console.notFound.action'));
}

async function showRequest(
  cases: Pick<ConsoleUseCases, 'request'>,
  ctx: PageContext,
  requestId: string,
  done: string | undefined,
  error?: DsarError,
  status = 200,
) {
  const found = await cases.request(requestId);
  if (!found)
    return refusalPage(ctx, 404, t(ctx.lang, 'console.notFound.title'), t(ctx.lang, 'console.notFound.request'));
  const doneKey = done && /^[a-z_]+$/.test(done) ? `console.done.${done}` : undefined;
  const notice = error
    ? { kind: 'error' as const, text: error.message }
    : doneKey
      ? { kind: 'ok' as const, text: isMessageKey(doneKey) ? t(ctx.lang, doneKey) : '' }
      : undefined;
  return requestPage(ctx, { ...found, actions: validActions(found.record), notice }, error ? status : 200);
}

async function localSignIn(env: ConsoleEnvironment, event: APIGatewayProxyEventV2, lang: Lang) {
  if (env.mode() !== 'local') return redirect('/console/sign-in', 303);
  // no session yet, so no synchronizer token: the Origin must be this API's (a login-CSRF would sign the operator in
  // as… the same single operator, but a foreign page has no business posting here at all)
  const origin = event.headers.origin?.toLowerCase();
  if (origin === undefined || !allowedOrigins(env.apiUrl()).includes(origin))
    return localSignInPage(lang, t(lang, 'console.forbidden.csrf'), 403);
  try {
    const { token } = env.localSignIn().signIn(form(event).get('credential') ?? '');
    return withCookies(redirect('/console', 303), [sessionCookie(token)]);
  } catch (error) {
    if (error instanceof SignInThrottledError) {
      const page = localSignInPage(
        lang,
        t(lang, 'console.signIn.throttled', { seconds: error.retryAfterSeconds }),
        429,
      );
      return { ...page, headers: { ...page.headers, 'retry-after': String(error.retryAfterSeconds) } };
    }
    if (error instanceof BadCredentialError) return localSignInPage(lang, t(lang, 'console.signIn.wrong'), 401);
    throw error;
  }
}

/** RFC 7636: a verifier of 32 random bytes, its S256 challenge; a state to match the callback to this browser. */
function startManagedLogin(env: ConsoleEnvironment) {
  const { loginUrl, clientId } = env.cognito();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: `${env.apiUrl()}/console/callback`,
    scope: 'openid email',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  // Lax, not Strict: the callback is a top-level navigation from the login domain, which a Strict cookie would miss
  const pkce = `${PKCE_COOKIE}=${state}.${verifier}; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Lax`;
  return withCookies(redirect(`${loginUrl}/oauth2/authorize?${query}`), [pkce]);
}

async function managedLoginCallback(env: ConsoleEnvironment, event: APIGatewayProxyEventV2, lang: Lang) {
  if (env.mode() === 'local') return redirect('/console/sign-in');
  const { loginUrl, clientId } = env.cognito();
  const [state, verifier] = (cookiesOf(event).get(PKCE_COOKIE) ?? '').split('.');
  const code = event.queryStringParameters?.code;
  const failed = (why: string) => {
    logger.warn('console sign-in failed', { why });
    return localSignInPage(lang, t(lang, 'console.signIn.failed'), 401);
  };
  if (!state || !verifier || !code || event.queryStringParameters?.state !== state) return failed('state');
  try {
    const response = await env.fetch(`${loginUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: clientId,
        code,
        redirect_uri: `${env.apiUrl()}/console/callback`,
        code_verifier: verifier,
      }).toString(),
    });
    if (!response.ok) throw new SignInFailedError(`token endpoint answered ${response.status}`);
    const { id_token: idToken } = (await response.json()) as { id_token?: string };
    if (!idToken) throw new SignInFailedError('no ID token');
    // the authorizer verifies it on every request from here on (signature, issuer, audience, expiry)
    return signedInPage(lang, [
      sessionCookie(idToken),
      `${PKCE_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`,
    ]);
  } catch (error) {
    if (error instanceof SignInFailedError) return failed(error.message);
    throw error;
  }
}

// --- the deployment's (or the twin's) adapters ----------------------------------------------------------------------

const localSignInOnce = (() => {
  let made: { key: string; signIn: LocalSignIn } | undefined;
  return () => {
    const credentialFile = process.env[CONSOLE_ENV.CREDENTIAL_FILE] ?? '';
    const keyFile = process.env[CONSOLE_ENV.SIGNING_KEY_FILE] ?? '';
    const key = `${credentialFile}|${keyFile}`;
    if (made?.key !== key)
      made = {
        key,
        signIn: new LocalSignIn(
          () => JSON.parse(readFileSync(credentialFile, 'utf8')) as StoredCredential,
          () => {
            const pem = readFileSync(keyFile, 'utf8');
            return { pem, kid: keyIdOf(pem) };
          },
        ),
      };
    return made.signIn;
  };
})();

function deploymentUseCases(): ConsoleUseCases {
  const apiUrl = process.env.DSAR_API_URL;
  const deps: ConsoleDeps = {
    requests: wiring.requests(),
    audit: wiring.audit(),
    decisions: new OperatorDecision(
      wiring.requests(),
      wiring.mailer(),
      noticeWiring.taskCallbacks(),
      wiring.profile,
      undefined,
      apiUrl ? { tokens: wiring.tokens(), apiUrl: settings('apiUrl').apiUrl } : undefined,
    ),
    extend: new ExtendRequest(wiring.requests(), wiring.mailer()),
    retry: new RetryRequest(wiring.requests(), wiring.executions()),
  };
  return new ConsoleUseCases(deps);
}

export const handler = httpRoute(
  consoleHandler({
    useCases: deploymentUseCases,
    apiUrl: () => settings('apiUrl').apiUrl,
    mode: () => (process.env[CONSOLE_ENV.MODE] === 'local' ? 'local' : 'cognito'),
    localSignIn: localSignInOnce,
    cognito: () => ({
      loginUrl: process.env[CONSOLE_ENV.LOGIN_URL] ?? '',
      clientId: process.env[CONSOLE_ENV.CLIENT_ID] ?? '',
    }),
    now: () => new Date(),
    fetch: (...args) => fetch(...args),
  }),
  'operator',
);
