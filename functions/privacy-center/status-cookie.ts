import type { HttpEvent } from '../core/http/middlewares';

/**
 * The status access a browser keeps after a submission: the reference and the status token, in a cookie no script can
 * read (HttpOnly), sent only to the center (Path=/privacy) and never from another site (SameSite=Strict), over HTTPS
 * only (Secure) where the API is served over HTTPS — the twin serves http://127.0.0.1, where a Secure cookie would not
 * be sent back. The token never goes in a URL (history, proxy logs, Referer).
 */
export const STATUS_COOKIE = 'dsar_status';
/** A month: long enough to follow a request to its answer (45 days at most under most laws, plus the form again). */
export const STATUS_COOKIE_MAX_AGE = 30 * 86_400;

export interface StatusAccess {
  requestId: string;
  token: string;
}

const ACCESS = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{16,128})$/;

export function statusCookie(access: StatusAccess, secure: boolean): string {
  return cookie(`${access.requestId}.${access.token}`, STATUS_COOKIE_MAX_AGE, secure);
}

/** The cookie that makes the browser forget the request. */
export function clearedStatusCookie(secure: boolean): string {
  return cookie('', 0, secure);
}

function cookie(value: string, maxAge: number, secure: boolean): string {
  return `${STATUS_COOKIE}=${value}; Path=/privacy; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The status access in the request's cookies (API Gateway v2 puts them in `cookies`; a plain server in the header). */
export function readStatusCookie(event: Pick<HttpEvent, 'cookies' | 'headers'>): StatusAccess | undefined {
  const all = [...(event.cookies ?? []), ...(event.headers?.cookie?.split(';') ?? [])];
  for (const entry of all) {
    const [name, ...rest] = entry.trim().split('=');
    if (name !== STATUS_COOKIE) continue;
    const match = ACCESS.exec(rest.join('='));
    if (match?.[1] && match[2]) return { requestId: match[1], token: match[2] };
  }
  return undefined;
}
