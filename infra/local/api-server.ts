import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HandlerLoader } from './handlers';
import { readBody, serve, type LocalServer } from './http';

export interface Route {
  method: string;
  path: string;
  handler: string;
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
  const query = [...url.searchParams.keys()].length ? Object.fromEntries([...url.searchParams.entries()]) : undefined;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
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
 * The HTTP API on loopback: the same route table and handler modules as the cloud's API Gateway. Its pages post
 * forms to it, so its own origin is accepted; any other `Origin`, and any `Host` but its own, is refused (403).
 */
export function startApiServer(routes: readonly Route[], loader: HandlerLoader, port = 0): Promise<LocalServer> {
  const compiled = routes.map((route) => ({ route, match: compile(route) }));
  return serve(
    port,
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const candidates = compiled
        .map(({ route, match }) => ({ route, params: match(url.pathname) }))
        .filter((c) => c.params);
      const found = candidates.find((c) => c.route.method === req.method);
      const send = (status: number, headers: Record<string, string>, body: string) => {
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
      const result = (await loader.invoke(
        found.route.handler,
        toEvent(req, url, found.route, found.params, body),
      )) as APIGatewayProxyStructuredResultV2;
      const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
      send(result.statusCode ?? 200, headers, result.body ?? '');
    },
    { allowOwnOrigin: true },
  );
}
