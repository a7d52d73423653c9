import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...SECURITY_HEADERS },
    body: JSON.stringify(body),
  };
}

export function html(statusCode: number, body: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      // pages carry single-use tokens: no framing (clickjacking a confirm button), forms post back here only
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
      'x-frame-options': 'DENY',
      ...SECURITY_HEADERS,
    },
    body,
  };
}

/**
 * A response that sets cookies. Payload format 2.0 answers them as a list of their own (`cookies`), which API Gateway
 * sends as one Set-Cookie header each (the twin's server does the same); a `set-cookie` entry in `headers` would be
 * one header only.
 */
export function withCookies(
  response: APIGatewayProxyStructuredResultV2,
  cookies: readonly string[],
): APIGatewayProxyStructuredResultV2 {
  return { ...response, cookies: [...(response.cookies ?? []), ...cookies] };
}

/** 302 after a GET; 303 after a POST, so the browser follows with a GET. */
export function redirect(location: string, statusCode: 302 | 303 = 302): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { location, ...SECURITY_HEADERS }, body: '' };
}

/** Every error the API answers with JSON; the OpenAPI document is generated from this schema. */
export const ErrorBody = z.object({
  error: z.object({
    /** machine-readable, e.g. `invalid_request` (the DsarError's `code`) */
    code: z.string(),
    message: z.string(),
    /** e.g. the failing fields of an `invalid_request`: `[{ path, message }]` */
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
