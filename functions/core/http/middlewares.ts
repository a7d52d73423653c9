import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { DomainError, ValidationError } from '../domain/errors';
import { logger } from '../logger';
import { errorBody, json } from './responses';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyResultV2;
export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** Bodies larger than this are refused before parsing: a DSAR needs a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** middy's errors (http-errors): a status, and `expose` when the message is safe to show. */
interface HttpError extends Error {
  statusCode: number;
  expose?: boolean;
}
const isHttpError = (error: unknown): error is HttpError =>
  error instanceof Error && typeof (error as Partial<HttpError>).statusCode === 'number';

/**
 * Every error becomes `{"error": {"code", "message", "details"}}`. Only deliberate client errors (< 500)
 * show their message; anything else is a generic 500 whose cause is logged (by name and stack, never payload).
 */
function jsonErrors(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof DomainError && error.statusCode < 500) {
        request.response = json(error.statusCode, errorBody(error.code, error.message, error.details));
      } else if (isHttpError(error) && error.statusCode < 500 && error.expose !== false) {
        // middy's JSON parser says 415 for malformed JSON too; to the caller it is a bad request.
        const malformed = /malformed JSON/i.test(error.message);
        request.response = malformed
          ? json(400, errorBody('invalid_json', 'The body is not valid JSON'))
          : json(error.statusCode, errorBody(error.statusCode === 415 ? 'unsupported_media_type' : 'bad_request', error.message));
      } else {
        // Name and frames only: a message (ours or an SDK's) could quote a value from the request.
        const frames = error instanceof Error ? (error.stack ?? '').split('\n').slice(1).join('\n') : '';
        logger.error('request failed', { error: { name: error instanceof Error ? error.name : typeof error, frames } });
        request.response = json(500, errorBody('internal_error', 'Something went wrong on our side; nothing was changed by this call'));
      }
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

/** The HTTP surface of a handler without a body: headers normalised, logger context, JSON errors. */
export function httpRoute(handler: HttpHandler) {
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger))
    .use(jsonErrors())
    .use(httpHeaderNormalizer())
    .handler(handler);
}

/** As `httpRoute`, plus a bounded JSON body validated by `schema`; the handler gets the parsed body. */
export function httpJsonRoute<S extends z.ZodType>(
  schema: S,
  handler: (event: Omit<HttpEvent, 'body'> & { body: z.infer<S> }, context: Context) => Promise<HttpResult>,
) {
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger))
    .use(jsonErrors())
    .use(httpHeaderNormalizer())
    .use(bodyLimit())
    .use(httpJsonBodyParser({ disableContentTypeError: false }))
    .use(zodBody(schema))
    .handler(handler as unknown as HttpHandler);
}
