import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../../infra/local/api-server';
import type { HandlerLoader } from '../../../infra/local/handlers';
import type { LocalServer } from '../../../infra/local/http';

/**
 * The twin's HTTP server runs the route's authorizer as API Gateway would: no Cookie (the identity source) → 401 without
 * calling it; a denial → 403 without calling the handler; an admission → the handler gets the authorizer's context in
 * `requestContext.authorizer.lambda`. Public routes never call it.
 */
describe('Function: startApiServer (operator routes)', () => {
  const calls: { entry: string; event: Record<string, unknown> }[] = [];
  let server: LocalServer;

  beforeAll(async () => {
    const loader = {
      invoke: async (entry: string, event: Record<string, unknown>) => {
        calls.push({ entry, event });
        if (entry === 'authorizer.ts') {
          const admitted = (event.cookies as string[] | undefined)?.includes('s=good');
          return admitted ? { isAuthorized: true, context: { operator: 'op-1' } } : { isAuthorized: false };
        }
        return {
          statusCode: 200,
          body: JSON.stringify((event.requestContext as { authorizer?: unknown }).authorizer ?? null),
        };
      },
    } as unknown as HandlerLoader;
    server = await startApiServer(
      [
        { method: 'GET', path: '/console', handler: 'console.ts', auth: 'operator' },
        { method: 'GET', path: '/public', handler: 'public.ts' },
      ],
      loader,
      0,
      'authorizer.ts',
    );
  });
  afterAll(() => server?.stop());

  it('answers 401 without a cookie, calling neither the authorizer nor the handler', async () => {
    // Prepare
    calls.length = 0;

    // Act
    const response = await fetch(`${server.url}/console`);

    // Assess
    expect(response.status).toBe(401);
    expect(calls).toEqual([]);
  });

  it('answers 403 when the authorizer denies, without calling the handler', async () => {
    // Prepare
    calls.length = 0;

    // Act
    const response = await fetch(`${server.url}/console`, { headers: { cookie: 's=bad' } });

    // Assess
    expect(response.status).toBe(403);
    expect(calls.map((c) => c.entry)).toEqual(['authorizer.ts']);
  });

  it('hands the authorizer’s context to the handler when it admits', async () => {
    // Prepare
    calls.length = 0;

    // Act
    const response = await fetch(`${server.url}/console`, { headers: { cookie: 's=good' } });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ lambda: { operator: 'op-1' } });
    expect(calls.map((c) => c.entry)).toEqual(['authorizer.ts', 'console.ts']);
  });

  it('never calls the authorizer for a public route', async () => {
    // Prepare
    calls.length = 0;

    // Act
    const response = await fetch(`${server.url}/public`, { headers: { cookie: 's=bad' } });

    // Assess
    expect(response.status).toBe(200);
    expect(calls.map((c) => c.entry)).toEqual(['public.ts']);
  });
});
