import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { ConsoleUseCases } from '../../../functions/console/console';
import { SESSION_COOKIE } from '../../../functions/console/env';
import { BadCredentialError } from '../../../functions/console/errors';
import { type ConsoleEnvironment, consoleHandler } from '../../../functions/console/handler';
import { csrfToken } from '../../../functions/console/session';
import { NotHeldError } from '../../../functions/operator-decision/errors';
import type { HttpEvent } from '../../../functions/core/http/middlewares';
import { aRequest } from '../../support/fakes';

const API = 'http://127.0.0.1:8787';
const SESSION = 'aaa.bbb.ccc';
const NOW = new Date('2026-12-05T12:00:00Z');

function event(
  routeKey: string,
  options: { body?: string; origin?: string; path?: Record<string, string>; query?: Record<string, string> } = {},
): HttpEvent {
  const [method] = routeKey.split(' ');
  return {
    routeKey,
    headers: { ...(options.origin ? { origin: options.origin } : {}), cookie: `${SESSION_COOKIE}=${SESSION}` },
    cookies: [`${SESSION_COOKIE}=${SESSION}`],
    body: options.body,
    isBase64Encoded: false,
    pathParameters: options.path,
    queryStringParameters: options.query,
    requestContext: {
      http: { method },
      authorizer: { lambda: { operator: 'sub-7', label: 'op@example.com' } },
    },
  } as unknown as HttpEvent;
}

function setup() {
  const record = aRequest({
    requestId: 'r-1',
    status: 'verified',
    decision: { outcome: 'hold', reasons: [], profile: { id: 'p', version: '1' } } as never,
  });
  const useCases = {
    queue: vi.fn(async () => [
      {
        requestId: 'r-late',
        type: 'access',
        regulation: 'gdpr',
        status: 'locating',
        receivedAt: '2026-11-01T00:00:00Z',
        dueDate: '2026-12-01',
        daysLeft: -4,
        waitingFor: '-' as const,
        ended: false,
        failed: false,
      },
    ]),
    records: vi.fn(async () => [record]),
    request: vi.fn(async () => ({ record, events: [], intact: true, problems: [] })),
    act: vi.fn(async () => ({ done: 'approved' as const })),
  } satisfies Pick<ConsoleUseCases, 'queue' | 'records' | 'request' | 'act'>;
  const signIn = vi.fn((credential: string) => {
    if (credential !== 'right') throw new BadCredentialError();
    return { token: 'signed.jwt.token', operator: 'local-operator' };
  });
  const env: ConsoleEnvironment = {
    useCases: () => useCases,
    apiUrl: () => API,
    mode: () => 'local',
    localSignIn: () => ({ signIn }),
    cognito: () => ({ loginUrl: 'https://login.example', clientId: 'client' }),
    now: () => NOW,
    fetch: vi.fn(),
  };
  return { handle: consoleHandler(env), useCases, signIn };
}

const text = (result: APIGatewayProxyStructuredResultV2) => result.body ?? '';

describe('Function: consoleHandler', () => {
  describe('GET /console', () => {
    it('shows the queue with days left in words, the late ones marked by text, and no address', async () => {
      // Prepare
      const { handle, useCases } = setup();

      // Act
      const result = await handle(event('GET /console', { query: { status: 'late' } }));

      // Assess
      expect(result.statusCode).toBe(200);
      expect(useCases.queue).toHaveBeenCalledWith('late', NOW);
      expect(text(result)).toContain('Late by 4 days');
      expect(text(result)).toContain('href="/console/requests/r-late"');
      expect(text(result)).not.toContain('ada@example.com');
      expect(text(result)).toContain(`name="csrf" value="${csrfToken(SESSION)}"`);
    });

    it('falls back to the open requests for an unknown filter', async () => {
      // Prepare
      const { handle, useCases } = setup();

      // Act
      await handle(event('GET /console', { query: { status: '<script>' } }));

      // Assess
      expect(useCases.queue).toHaveBeenCalledWith('open', NOW);
    });
  });

  describe('POST /console/requests/{id}/{action}', () => {
    const path = { id: 'r-1', action: 'approve' };

    it('runs the action as the signed-in operator and redirects to the request', async () => {
      // Prepare
      const { handle, useCases } = setup();
      const body = new URLSearchParams({ csrf: csrfToken(SESSION) }).toString();

      // Act
      const result = await handle(event('POST /console/requests/{id}/{action}', { body, origin: API, path }));

      // Assess
      expect(useCases.act).toHaveBeenCalledWith('approve', 'r-1', '', 'sub-7');
      expect(result.statusCode).toBe(303);
      expect(result.headers?.location).toBe('/console/requests/r-1?done=approved');
    });

    it.each([
      ['no form token', {}, API],
      ['a wrong form token', { csrf: csrfToken('another.session.x') }, API],
      ['another origin', { csrf: csrfToken(SESSION) }, 'https://attacker.example'],
      ['no Origin', { csrf: csrfToken(SESSION) }, undefined],
    ])('refuses a POST with %s (403) and changes nothing', async (_, fields, origin) => {
      // Prepare
      const { handle, useCases } = setup();
      const body = new URLSearchParams(fields as Record<string, string>).toString();

      // Act
      const result = await handle(event('POST /console/requests/{id}/{action}', { body, origin, path }));

      // Assess
      expect(result.statusCode).toBe(403);
      expect(useCases.act).not.toHaveBeenCalled();
      expect(text(result)).toContain('Nothing was changed');
    });

    it('shows the use case’s refusal in the request’s page', async () => {
      // Prepare
      const { handle, useCases } = setup();
      useCases.act.mockRejectedValueOnce(new NotHeldError('r-1'));
      const body = new URLSearchParams({ csrf: csrfToken(SESSION) }).toString();

      // Act
      const result = await handle(event('POST /console/requests/{id}/{action}', { body, origin: API, path }));

      // Assess
      expect(result.statusCode).toBe(409);
      expect(text(result)).toContain('is not waiting for an operator');
    });
  });

  describe('POST /console/sign-in (the twin)', () => {
    it('sets a __Host- session cookie (HttpOnly, Secure, SameSite=Strict, short-lived) for the right credential', async () => {
      // Prepare
      const { handle } = setup();

      // Act
      const result = await handle(event('POST /console/sign-in', { body: 'credential=right', origin: API }));

      // Assess
      expect(result.statusCode).toBe(303);
      expect(result.cookies).toEqual([
        `${SESSION_COOKIE}=signed.jwt.token; Path=/; Max-Age=1800; HttpOnly; Secure; SameSite=Strict`,
      ]);
    });

    it('refuses a wrong credential, and a post from another origin without checking it', async () => {
      // Prepare
      const { handle, signIn } = setup();

      // Act
      const wrong = await handle(event('POST /console/sign-in', { body: 'credential=nope', origin: API }));
      const foreign = await handle(
        event('POST /console/sign-in', { body: 'credential=right', origin: 'https://attacker.example' }),
      );

      // Assess
      expect(wrong.statusCode).toBe(401);
      expect(wrong.cookies).toBeUndefined();
      expect(foreign.statusCode).toBe(403);
      expect(signIn).toHaveBeenCalledTimes(1);
    });
  });

  describe('GET /console/metrics', () => {
    it('shows the §7102 figures per right for the year asked', async () => {
      // Prepare
      const { handle } = setup();

      // Act
      const result = await handle(event('GET /console/metrics', { query: { year: '2026' } }));

      // Assess
      expect(result.statusCode).toBe(200);
      expect(text(result)).toContain('Requests received in 2026, per right');
      expect(text(result)).toMatch(/<th scope="row">access<\/th><td>1<\/td>/);
    });
  });
});

describe('Function: consoleHandler (Cognito managed login)', () => {
  function cognito(fetchImpl: typeof fetch) {
    const { handle: _local, ...rest } = setup();
    const env: ConsoleEnvironment = {
      useCases: () => rest.useCases,
      apiUrl: () => 'https://console.example',
      mode: () => 'cognito',
      localSignIn: () => ({ signIn: rest.signIn }),
      cognito: () => ({ loginUrl: 'https://login.example', clientId: 'client-1' }),
      now: () => NOW,
      fetch: fetchImpl,
    };
    return consoleHandler(env);
  }

  it('sends the browser to the managed login with an S256 PKCE challenge and keeps the verifier in a cookie', async () => {
    // Prepare
    const handle = cognito(vi.fn());

    // Act
    const result = await handle(event('GET /console/sign-in'));

    // Assess
    const location = new URL(String(result.headers?.location));
    expect(result.statusCode).toBe(302);
    expect(location.origin + location.pathname).toBe('https://login.example/oauth2/authorize');
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('redirect_uri')).toBe('https://console.example/console/callback');
    expect(result.cookies?.[0]).toMatch(
      /^__Host-dsar-console-pkce=[\w-]+\.[\w-]+; Path=\/; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/,
    );
  });

  it('exchanges the code with the verifier for a matching state, and sets the session cookie', async () => {
    // Prepare
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify({ id_token: 'id.token.jwt' }), { status: 200 }));
    const handle = cognito(fetchImpl as unknown as typeof fetch);
    const callback = {
      ...event('GET /console/callback', { query: { code: 'c0de', state: 'st4te' } }),
      cookies: ['__Host-dsar-console-pkce=st4te.v3rifier'],
    } as HttpEvent;

    // Act
    const result = await handle(callback);

    // Assess
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, { body: string }];
    expect(url).toBe('https://login.example/oauth2/token');
    expect(new URLSearchParams(init.body).get('code_verifier')).toBe('v3rifier');
    expect(result.statusCode).toBe(200);
    expect(result.cookies?.[0]).toBe(
      `${SESSION_COOKIE}=id.token.jwt; Path=/; Max-Age=1800; HttpOnly; Secure; SameSite=Strict`,
    );
  });

  it('refuses a callback whose state does not match, without calling the token endpoint', async () => {
    // Prepare
    const fetchImpl = vi.fn();
    const handle = cognito(fetchImpl as unknown as typeof fetch);
    const callback = {
      ...event('GET /console/callback', { query: { code: 'c0de', state: 'forged' } }),
      cookies: ['__Host-dsar-console-pkce=st4te.v3rifier'],
    } as HttpEvent;

    // Act
    const result = await handle(callback);

    // Assess
    expect(result.statusCode).toBe(401);
    expect(result.cookies).toBeUndefined();
    expect(fetchImpl).not.toHaveBeenCalled();
  });
});
