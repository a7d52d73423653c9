import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HandlerLoader } from './handlers';
import { readBody, serve, type LocalServer } from './http';

export interface Route {
  method: string;
  path: string;
  handler: string;
  /** `operator`: the route is behind the console's authorizer (as API Gateway puts it behind the Lambda authorizer) */
  auth?: 'operator';
}

/** What a Lambda REQUEST authorizer answers (simple responses, payload 2.0). */
interface AuthorizerAnswer {
  isAuthorized?: boolean;
  context?: Record<string, unknown>;
}

/** API Gateway's own payload limit; handlers apply their own, much smaller, limits. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** `/requests/{id}` → a matcher returning path parameters. */
function compile(route: Route): (path: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const regex = new RegExp(`^${pattern}$`);
  return (path) => {
    const match = regex.exec(path);
    if (!match) return undefined;
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
  };
}

/** Build the API Gateway HTTP API (payload 2.0) event the cloud would deliver for this request. */
function toEvent(
  req: IncomingMessage,
  url: URL,
  route: Route,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // payload 2.0 hands the cookies over as a list of its own (the header is kept too: nothing here reads it twice)
  const cookies = headers.cookie
    ? headers.cookie
        .split(';')
        .map((c) => c.trim())
        .filter(Boolean)
    : undefined;
  const query = [...url.searchParams.keys()].length ? Object.fromEntries([...url.searchParams.entries()]) : undefined;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    queryStringParameters: query,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    body: body.length ? body.toString('utf8') : undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}

/**
 * Run the route's authorizer as API Gateway would: no Cookie header (its identity source) → 401 without calling it;
 * `isAuthorized: false` → 403; otherwise the handler's event carries the context in `requestContext.authorizer.lambda`.
 */
async function authorize(
  loader: HandlerLoader,
  authorizer: string,
  event: APIGatewayProxyEventV2,
): Promise<{ status: 401 | 403 } | { event: APIGatewayProxyEventV2 }> {
  const cookie = event.headers.cookie;
  if (!cookie) return { status: 401 };
  const answer = (await loader.invoke(authorizer, {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${event.routeKey.replace(' ', '')}`,
    identitySource: [cookie],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    cookies: event.cookies,
    headers: event.headers,
    queryStringParameters: event.queryStringParameters,
    pathParameters: event.pathParameters,
    requestContext: event.requestContext,
  })) as AuthorizerAnswer;
  if (answer?.isAuthorized !== true) return { status: 403 };
  return {
    event: {
      ...event,
      requestContext: {
        ...event.requestContext,
        authorizer: { lambda: answer.context ?? {} },
      } as APIGatewayProxyEventV2['requestContext'],
    },
  };
}

/**
 * The HTTP API on loopback: the same route table and handler modules as the cloud's API Gateway. Its pages post
 * forms to it, so its own origin is accepted; any other `Origin`, and any `Host` but its own, is refused (403).
 * `authorizer`: the handler module of the Lambda authorizer that guards the `auth: 'operator'` routes.
 */
export function startApiServer(
  routes: readonly Route[],
  loader: HandlerLoader,
  port = 0,
  authorizer?: string,
): Promise<LocalServer> {
  const compiled = routes.map((route) => ({ route, match: compile(route) }));
  return serve(
    port,
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const candidates = compiled
        .map(({ route, match }) => ({ route, params: match(url.pathname) }))
        .filter((c) => c.params);
      const found = candidates.find((c) => c.route.method === req.method);
      const send = (status: number, headers: Record<string, string | string[]>, body: string) => {
        res.writeHead(status, headers);
        res.end(body);
      };
      if (!found?.params) {
        const code = candidates.length ? 'method_not_allowed' : 'not_found';
        return send(
          candidates.length ? 405 : 404,
          { 'content-type': 'application/json' },
          JSON.stringify({ error: { code, message: `No route for ${req.method} ${url.pathname}` } }),
        );
      }
      const body = await readBody(req, MAX_PAYLOAD_BYTES);
      if (!body)
        return send(
          413,
          { 'content-type': 'application/json' },
          JSON.stringify({ error: { code: 'payload_too_large', message: 'Request entity too large' } }),
        );
      let event = toEvent(req, url, found.route, found.params, body);
      if (found.route.auth === 'operator') {
        if (authorizer === undefined) throw new Error(`no authorizer for ${found.route.path}`);
        const outcome = await authorize(loader, authorizer, event);
        if ('status' in outcome)
          return send(
            outcome.status,
            { 'content-type': 'application/json', 'cache-control': 'no-store' },
            JSON.stringify({ message: outcome.status === 401 ? 'Unauthorized' : 'Forbidden' }),
          );
        event = outcome.event;
      }
      const result = (await loader.invoke(found.route.handler, event)) as APIGatewayProxyStructuredResultV2;
      const headers: Record<string, string | string[]> = Object.fromEntries(
        Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      // payload 2.0 answers its cookies as a list of their own, which API Gateway sends as Set-Cookie headers
      if (result.cookies?.length) headers['set-cookie'] = result.cookies;
      send(result.statusCode ?? 200, headers, result.body ?? '');
    },
    { allowOwnOrigin: true },
  );
}
