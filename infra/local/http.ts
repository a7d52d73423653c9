import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The credentials the twin makes at each start; the functions and the tools that talk to the twin sign with them. */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * What a server on loopback accepts, beyond its own checks. Every server refuses a `Host` that is not its loopback
 * address and port (DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1 sends its own
 * name as Host) and an `Origin` that is not its own (a page in the person's browser reaching for the twin).
 */
export interface RequestGuard {
  /** accept `Origin: http://127.0.0.1:PORT` / `http://localhost:PORT` (servers whose own pages post forms) */
  allowOwnOrigin?: boolean;
  /** when set, a request signed with another access key id is refused (the secret is not checked: see README) */
  accessKeyId?: string;
  /** refuse a request that carries no AWS credential at all (APIs that every legitimate caller signs) */
  requireCredential?: boolean;
  /**
   * S3 only: admit a browser-based upload (a presigned POST: `POST /<bucket>`, multipart/form-data, no query) without a
   * header or query credential. Its credential and signature are fields of the form body, which the guard cannot read
   * without consuming it; s3rver checks neither them nor the POST policy (the cloud's S3 does). Host and Origin are
   * still checked, so no page of another origin can post one.
   */
  admitFormUploads?: boolean;
  /**
   * S3 only: the origins whose pages may post such an upload (the twin's API, whose privacy center shows an agent the
   * presigned POST as a plain HTML form). Read at each request: the API starts after S3, on a port chosen then.
   */
  formUploadOrigins?: () => readonly string[];
}

/** A presigned POST upload to a bucket (S3's browser-based upload): the one request S3 authenticates from its body. */
function isFormUpload(req: IncomingMessage): boolean {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  return (
    req.method === 'POST' &&
    /^\/[^/]+\/?$/.test(url.pathname) &&
    url.search === '' &&
    (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')
  );
}

export type Refusal = 'forbidden_host' | 'forbidden_origin' | 'missing_credentials' | 'unknown_access_key';

const REFUSAL_MESSAGES: Record<Refusal, string> = {
  forbidden_host: "Host must be this server's loopback address and port",
  forbidden_origin: 'Requests from another origin are refused',
  missing_credentials: 'Requests must be signed',
  unknown_access_key: 'Unknown access key',
};

/** The access key id a SigV4/SigV2 request is signed with: Authorization header or presigned query. */
function accessKeyIdOf(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization) {
    const v4 = /Credential=([^/,\s]+)\//.exec(authorization);
    if (v4) return v4[1];
    const v2 = /^AWS ([^:\s]+):/.exec(authorization);
    return v2 ? v2[1] : '';
  }
  const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
  const presigned = query.get('X-Amz-Credential') ?? query.get('x-amz-credential');
  if (presigned !== null) return presigned.split('/')[0] ?? '';
  return query.get('AWSAccessKeyId') ?? undefined;
}

/** Compares without leaking, through timing, how much of the key id matched. */
function sameKey(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Why `req`, sent to a server listening on 127.0.0.1:`port`, is refused; undefined when it is not. */
export function refusalOf(req: IncomingMessage, port: number, guard: RequestGuard = {}): Refusal | undefined {
  const own = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = req.headers.host?.toLowerCase();
  if (host === undefined || !own.includes(host)) return 'forbidden_host';
  const origin = req.headers.origin;
  if (origin !== undefined) {
    // A browser posting a form from a `Referrer-Policy: no-referrer` page (every page: their URLs carry tokens) sends
    // `Origin: null`; Fetch Metadata says where it came from, and no page can forge a `Sec-Fetch-*` header.
    const ownPage = origin === 'null' && req.headers['sec-fetch-site'] === 'same-origin';
    const allowed =
      (guard.allowOwnOrigin === true && (ownPage || own.some((h) => origin.toLowerCase() === `http://${h}`))) ||
      (guard.admitFormUploads === true &&
        isFormUpload(req) &&
        (guard.formUploadOrigins?.() ?? []).includes(origin.toLowerCase()));
    if (!allowed) return 'forbidden_origin';
  }
  if (guard.accessKeyId === undefined) return undefined;
  const keyId = accessKeyIdOf(req);
  if (keyId === undefined)
    return guard.requireCredential && !(guard.admitFormUploads && isFormUpload(req))
      ? 'missing_credentials'
      : undefined;
  return sameKey(keyId, guard.accessKeyId) ? undefined : 'unknown_access_key';
}

/** Answers a refused request: 403, a code a program can read, nothing about the request itself (nothing logged). */
function refuse(res: ServerResponse, refusal: Refusal): void {
  res.writeHead(403, { 'content-type': 'application/json', 'cache-control': 'no-store', connection: 'close' });
  res.end(JSON.stringify({ error: { code: refusal, message: REFUSAL_MESSAGES[refusal] } }));
}

/** Applies the guard to `req`; true when the request may go on, false when it has been answered 403. */
export function admit(req: IncomingMessage, res: ServerResponse, port: number, guard: RequestGuard = {}): boolean {
  const refusal = refusalOf(req, port, guard);
  if (refusal === undefined) return true;
  refuse(res, refusal);
  return false;
}

/**
 * Puts the guard in front of a third-party server (dynalite, s3rver, aws-ses-v2-local) without patching it: its
 * 'request' listeners are replaced by one that calls them only for an admitted request. Call it before the server
 * takes its first request (right after it listens is fine: connections are handled on a later turn of the loop).
 */
export function guardServer(server: Server, guard: RequestGuard = {}): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const port = (server.address() as AddressInfo | null)?.port ?? -1;
    if (!admit(req, res, port, guard)) return;
    for (const listener of listeners) listener.call(server, req, res);
  });
}

/** Read a request body, refusing more than `limit` bytes (the caller answers 413). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** An HTTP server on loopback, behind the guard, that closes its idle connections when stopped. */
export function serve(
  port: number,
  onRequest: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  guard: RequestGuard = {},
): Promise<LocalServer> {
  const server: Server = createServer((req, res) => {
    if (!admit(req, res, (server.address() as AddressInfo).port, guard)) return;
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'internal_error', message: error instanceof Error ? error.name : 'error' } }),
      );
    });
  });
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
