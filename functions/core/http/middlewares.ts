import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { MalformedBodyError, RateLimitedError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors';
import { statusFor } from './error-statuses';
import { loggableError, logger } from '../logger';
import { errorBody, json } from './responses';
import { actingAs } from '../audit/actor';
import { isLang } from '../i18n/catalog';
import type { Actor } from '../audit/chain';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyResultV2;
export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** Bodies larger than this are refused before parsing: a DSAR needs a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** What @middy/http-json-body-parser attaches as `cause` to the errors it throws. */
const PARSER_PACKAGE = '@middy/http-json-body-parser';
interface ParserCause {
  package: string;
  /** set when JSON.parse itself failed (the body is not JSON); absent for a wrong Content-Type (an empty body never
   *  gets this far: the body limit refuses it first) */
  message?: string;
}
const parserCause = (error: unknown): ParserCause | undefined => {
  const cause = error instanceof Error ? (error.cause as Partial<ParserCause> | undefined) : undefined;
  return cause && typeof cause === 'object' && cause.package === PARSER_PACKAGE ? (cause as ParserCause) : undefined;
};

/**
 * middy's JSON parser throws http-errors with a 415 for both a wrong Content-Type and a body that does not parse;
 * which one it was is in the error's `cause` (never its message text). Both become our own errors here, so that
 * the status table (./error-statuses.ts) is the only place that knows statuses. The cause (which quotes the body) is not kept.
 */
function parserErrors(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const cause = parserCause(request.error);
      if (!cause) return;
      request.error = cause.message !== undefined ? new MalformedBodyError() : new UnsupportedMediaTypeError();
    },
  };
}

/**
 * Every error becomes `{"error": {"code", "message", "details"}}`. Only the errors in the status table show their
 * message; anything else is a generic 500 whose cause is logged (by name and stack, never payload).
 */
function jsonErrors(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      const shown = statusFor(error);
      if (shown) {
        const response = json(shown.status, errorBody(shown.error.code, shown.error.message, shown.error.details));
        // RFC 9110 §10.2.3: a 429 says when to come back
        if (shown.error instanceof RateLimitedError)
          response.headers = { ...response.headers, 'retry-after': String(shown.error.retryAfterSeconds) };
        request.response = response;
        return;
      }
      // Name and frames only: a message (ours or an SDK's) could quote a value from the request.
      logger.error('request failed', { error: loggableError(error) });
      request.response = json(
        500,
        errorBody('internal_error', 'Something went wrong on our side; nothing was changed by this call'),
      );
    },
  };
}

function bodyLimit(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: async ({ event }) => {
      const size = event.body ? Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : 0;
      if (size > MAX_BODY_BYTES) throw new ValidationError(`The body is larger than ${MAX_BODY_BYTES} bytes`);
      if (size === 0) throw new ValidationError('A JSON body is required');
    },
  };
}

/** Validate the parsed body with a zod schema; on failure, 400 with the issues as details. */
function zodBody(schema: z.ZodType): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: async (request) => {
      const parsed = schema.safeParse((request.event as { body: unknown }).body);
      if (!parsed.success) {
        const details = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
        throw new ValidationError('The request body is invalid', details);
      }
      (request.event as { body: unknown }).body = parsed.data;
    },
  };
}

/**
 * A page asked for in a language (`?lang=`, the layout's language switch) remembers it in a `lang` cookie, so the next
 * page — a link, a form's answer, a redirect — speaks it too (functions/core/i18n/catalog.ts `pickLang` reads it).
 * Not a secret and not personal: no HttpOnly needed; a year; this site only.
 */
function languageCookie(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    after: async ({ event, response }) => {
      const asked = event.queryStringParameters?.lang;
      if (!isLang(asked) || typeof response !== 'object' || response === null) return;
      const type = String(response.headers?.['content-type'] ?? '');
      if (!type.startsWith('text/html')) return;
      response.cookies = [...(response.cookies ?? []), `lang=${asked}; Path=/; Max-Age=31536000; SameSite=Lax`];
    },
  };
}

/** The HTTP surface of a handler without a body: headers normalised, logger context, JSON errors. */
/**
 * `actor`: who the audit trail says made the changes of this route (functions/core/audit/actor.ts); a route is called
 * by the requester through their links (`subject`) unless it says otherwise.
 */
export function httpRoute(handler: HttpHandler, actor: Actor = 'subject') {
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger))
    .use(jsonErrors())
    .use(httpHeaderNormalizer())
    .use(languageCookie())
    .handler((event, context) => actingAs(actor, () => handler(event, context)));
}

/** As `httpRoute`, plus a bounded JSON body validated by `schema`; the handler gets the parsed body. */
export function httpJsonRoute<S extends z.ZodType>(
  schema: S,
  handler: (event: Omit<HttpEvent, 'body'> & { body: z.infer<S> }, context: Context) => Promise<HttpResult>,
  actor: Actor = 'subject',
) {
  const routed = handler as unknown as HttpHandler;
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger))
    .use(jsonErrors())
    .use(httpHeaderNormalizer())
    .use(bodyLimit())
    .use(parserErrors())
    .use(httpJsonBodyParser({ disableContentTypeError: false }))
    .use(zodBody(schema))
    .handler((event, context) => actingAs(actor, () => routed(event, context)));
}
