import { z } from 'zod';
import type { API_ROUTES } from '../../infra/constructs/api-routes';
import { MAX_REASON_LENGTH, NoticeAnswerResult, RECIPIENT_ANSWERS } from '../answer-notice/answer-notice';
import { MAX_APPEAL_REASON } from '../appeal-request/appeal-request';
import { RequestView } from '../get-request/get-request';
import { SubmitRequestResult } from '../submit-request/submit-request';
import type { DocumentFile } from '../core/domain/document-keys';
import { ACTIONS as CONSOLE_ACTIONS, QUEUE_FILTERS } from '../console/console';
import { AgentUploadBody, IdempotencyKey, PresignedUpload, RequestId, SubmitRequestBody } from '../core/domain/request';
import type { ShownErrorCode } from './error-samples';
import { ErrorBody } from '../core/http/responses';

/**
 * What the OpenAPI document (GET /openapi.json, functions/openapi/document.ts) says about each route of
 * infra/constructs/api-routes.ts: one entry per route, keyed `METHOD /path`, built from the zod schemas the routes
 * validate and answer with. A route added to API_ROUTES without an entry here does not typecheck (and a unit test
 * fails), so every public route is documented.
 */

/** `METHOD /path` of each route in API_ROUTES. */
type RouteKeyOf<R> = R extends { readonly method: infer M extends string; readonly path: infer P extends string }
  ? `${M} ${P}`
  : never;
export type RouteKey = RouteKeyOf<(typeof API_ROUTES)[number]>;

export type MediaType = 'application/json' | 'application/x-www-form-urlencoded' | 'multipart/form-data';

export interface ResponseDoc {
  readonly description: string;
  /** an application/json body of this shape */
  readonly json?: z.ZodType;
  /** a text/html page (for a person at a browser) */
  readonly html?: boolean;
  /** a redirect: the Location header says where */
  readonly redirect?: boolean;
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: z.ZodType }>>;
}

export interface RouteDoc {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'requests' | 'pages' | 'console' | 'documentation';
  /** parameters: one zod object per place, its keys the parameters' names (descriptions from `.describe()`) */
  readonly path?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly headers?: z.ZodObject;
  /** `Authorization: Bearer <statusToken>` */
  readonly statusToken?: boolean;
  readonly body?: Readonly<Partial<Record<MediaType, z.ZodType>>>;
  /** examples of the JSON body, by name (a unit test parses each with the body's schema, so they cannot drift) */
  readonly bodyExamples?: Readonly<Record<string, unknown>>;
  /** the answers other than errors (and the pages a person sees for an error) */
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  /**
   * The codes of the JSON errors (`ErrorBody`) this route can answer with; each one's status comes from
   * functions/core/http/error-statuses.ts. Every route may also answer the generic 500 (`internal_error`).
   */
  readonly errors?: readonly ShownErrorCode[];
}

/** Named schemas: the document puts them under components.schemas and refers to them there. */
export const OPENAPI_COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  SubmitRequestBody,
  SubmitRequestResult,
  RequestView,
  AgentUploadBody,
  PresignedUpload,
  ErrorBody,
  NoticeAnswerResult,
};

const Token = z.string().min(1).describe('the single-use token of the mailed link');
const tokenQuery = z.object({ token: Token });
const TOKEN_REFUSED = 'This link is invalid, has expired, or has already been used (a page saying so)';
const FORM_TOO_LARGE = 'A form larger than 2 KiB';

/** The console's page language, and what every console route behind sign-in may answer before it acts. */
const CONSOLE_LANG = z.object({ lang: z.enum(['en', 'es']).optional().describe('the page language') });
const CONSOLE_REFUSALS = {
  401: { description: 'No valid session (the authorizer refused): sign in first' },
  403: {
    description: 'A form without its session-bound token, or posted from another origin: nothing changed',
    html: true,
  },
} as const;
const ConsoleCsrfForm = z.object({
  csrf: z.string().min(1).describe("the form token bound to the operator's session"),
});
const ConsoleSignInForm = z.object({ credential: z.string().min(1).describe("the twin's operator credential") });
const ConsoleActionForm = ConsoleCsrfForm.extend({
  reason: z
    .string()
    .max(1000)
    .optional()
    .describe("a denial's reason, a clarification's question or a cancellation's why (the subject is told)"),
});

/** The fields of the pages' forms (the handlers read them with URLSearchParams; these say what they accept). */
const VerifyForm = z.object({
  token: Token,
  action: z.enum(['confirm', 'cancel']).optional().describe('`confirm` (the default) or `cancel` ("this was not me")'),
});
const DownloadForm = z.object({
  token: Token,
  format: z
    .enum(['json', 'html', 'zip'] satisfies readonly DocumentFile['format'][])
    .optional()
    .describe("the file to download, for a document of several files (each file's button carries its own token)"),
});
const NoticeAnswer = z.object({
  token: Token,
  answer: z.enum(RECIPIENT_ANSWERS),
  reason: z.string().max(MAX_REASON_LENGTH).optional().describe('required for `exception`'),
});
const NoticeAnswerUpload = NoticeAnswer.extend({
  records: z
    .string()
    .meta({ format: 'binary' })
    .optional()
    .describe("a manual system's records for `found`: a JSON array of objects, or CSV with a header row"),
});
const AppealForm = z.object({ token: Token, reason: z.string().min(1).max(MAX_APPEAL_REASON) });

/**
 * The privacy center's request form: the body of POST /requests flattened to dotted names (`subject.email`,
 * `corrections.0.value`), validated by the same schema once nested (functions/privacy-center/form.ts).
 */
const CenterRequestForm = z.object({
  form: z.string().optional().describe('which form was posted (`<kind>:<right>` or `agent`), to show it again'),
  type: z.string().describe('the right, as `type` of POST /requests'),
  regulation: z.string().describe('the law, as `regulation` of POST /requests'),
  relationship: z.string().optional(),
  'subject.email': z.string(),
  'subject.name': z.string().optional(),
  scope: z.string().optional(),
  ground: z.string().optional(),
  purpose: z.string().optional(),
  'corrections.0.attribute': z.string().optional(),
  'corrections.0.value': z.string().optional(),
  'corrections.0.note': z.string().optional(),
  'agent.email': z.string().optional(),
  'agent.name': z.string().optional(),
  'agent.authority': z.string().optional(),
  'agent.document': z.string().optional().describe('the key of the upload POST /privacy/agent issued'),
});
const CenterStatusForm = z.object({
  reference: z.string().describe('the request id'),
  token: z.string().describe('the status code shown once after the form was sent'),
});
const CENTER_LANG = z.object({ lang: z.enum(['en', 'es']).optional().describe('the page language') });
const STATUS_COOKIE = 'the request is read from the `dsar_status` cookie (HttpOnly, SameSite=Strict, Path=/privacy)';

/** The OpenAPI document's own shape is OpenAPI's (https://spec.openapis.org/oas/v3.1.1): only its version is fixed. */
export const OpenApiDocumentShape = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({}),
  paths: z.looseObject({}),
});

export const ROUTE_DOCS = {
  'POST /requests': {
    operationId: 'submitRequest',
    summary: 'Make a data subject request',
    description:
      'Records the request and mails a single-use verification link to the subject (nothing is done until it is ' +
      'confirmed), except an opt-out of sale/sharing and a limit of sensitive data, which need no verification ' +
      '(CCPA regs §7026(d), §7027(e)). The answer is the same whether or not anyone holds data about the subject.',
    tag: 'requests',
    headers: z.object({
      'Idempotency-Key': IdempotencyKey.optional().describe(
        'a repeat with the same key returns the first request (and the same status token) and mails nothing',
      ),
      'Sec-GPC': z
        .literal('1')
        .optional()
        .describe('Global Privacy Control: also honoured as an opt-out of sale/sharing (11 CCR §7025)'),
    }),
    body: { 'application/json': SubmitRequestBody },
    bodyExamples: {
      access: { type: 'access', regulation: 'gdpr', subject: { email: 'ada@example.com', name: 'Ada Lovelace' } },
      deletion: { type: 'deletion', regulation: 'ccpa', subject: { email: 'ada@example.com' } },
      correction: {
        type: 'correction',
        regulation: 'gdpr',
        subject: { email: 'ada@example.com' },
        corrections: [{ attribute: 'name', value: 'Ada King', note: 'my married name' }],
      },
      opt_out: { type: 'opt_out', regulation: 'ccpa', subject: { email: 'ada@example.com' }, scope: 'sale_sharing' },
    },
    responses: { 202: { description: 'Accepted: the request is recorded', json: SubmitRequestResult } },
    errors: ['invalid_request', 'invalid_json', 'unsupported_media_type', 'idempotency_key_reused', 'rate_limited'],
  },
  'POST /agent-documents': {
    operationId: 'issueAgentDocumentUpload',
    summary: "Upload an authorized agent's permission document",
    description:
      'A presigned POST: send `fields`, then the file, as multipart/form-data to `url` within 15 minutes (at most ' +
      '5 MB, the type given only); then name `key` as `agent.document` on POST /requests (11 CCR §7063).',
    tag: 'requests',
    body: { 'application/json': AgentUploadBody },
    bodyExamples: { pdf: { contentType: 'application/pdf' } },
    responses: { 201: { description: 'A presigned POST for one document', json: PresignedUpload } },
    errors: ['invalid_request', 'invalid_json', 'unsupported_media_type'],
  },
  'GET /requests/{id}': {
    operationId: 'getRequest',
    summary: "A request's status",
    description:
      'Status, dates and, once searched, the counts of systems; no identity, no records. An unknown id, a malformed ' +
      'id and a token for another request all answer 404.',
    tag: 'requests',
    path: z.object({ id: RequestId.describe('the `requestId` of POST /requests') }),
    statusToken: true,
    responses: { 200: { description: 'The status view', json: RequestView } },
    errors: ['not_found'],
  },
  'GET /verify': {
    operationId: 'showVerification',
    summary: 'The verification page (the mailed link)',
    description: 'Says what confirming will do, with two buttons; opening it changes nothing.',
    tag: 'pages',
    query: tokenQuery,
    responses: {
      200: { description: 'The confirmation page', html: true },
      410: { description: TOKEN_REFUSED, html: true },
    },
  },
  'POST /verify': {
    operationId: 'verify',
    summary: "Confirm or cancel a request (the page's buttons)",
    description: 'Spends the token: `confirm` starts the request, `cancel` ends it and forgets the address.',
    tag: 'pages',
    body: { 'application/x-www-form-urlencoded': VerifyForm },
    responses: {
      200: { description: 'Confirmed, or cancelled', html: true },
      400: { description: FORM_TOO_LARGE },
      410: { description: TOKEN_REFUSED, html: true },
    },
    errors: ['invalid_request'],
  },
  'GET /download': {
    operationId: 'showDownload',
    summary: 'The download page (the mailed link)',
    description: 'A page with a Download button; opening it spends nothing.',
    tag: 'pages',
    query: tokenQuery,
    responses: { 200: { description: 'The download page', html: true } },
  },
  'POST /download': {
    operationId: 'download',
    summary: "Download the document (the page's button)",
    description:
      'Spends the token. A document of one file redirects to a presigned URL valid for 5 minutes; one of several ' +
      'answers a page with one button per file, each with a single-use token of its own.',
    tag: 'pages',
    body: { 'application/x-www-form-urlencoded': DownloadForm },
    responses: {
      200: { description: 'A page offering each file of the document', html: true },
      303: { description: 'To the presigned URL of the file', redirect: true },
      400: { description: FORM_TOO_LARGE },
      410: { description: TOKEN_REFUSED, html: true },
    },
    errors: ['invalid_request'],
  },
  'GET /notices': {
    operationId: 'showNotice',
    summary: 'A recipient notice and its answer form (the link in the notice)',
    description: 'Who asks, the reference and the deadline, and the form; opening it changes nothing.',
    tag: 'pages',
    query: tokenQuery,
    responses: { 200: { description: 'The answer form', html: true }, 410: { description: TOKEN_REFUSED, html: true } },
  },
  'POST /notices': {
    operationId: 'answerNotice',
    summary: 'Answer a recipient notice',
    description:
      'Spends the token and records the answer; the first answer stands. A form answers with pages; JSON with JSON ' +
      "(and errors as JSON). A manual system's records come as a multipart form with the file.",
    tag: 'pages',
    body: {
      'application/x-www-form-urlencoded': NoticeAnswer,
      'multipart/form-data': NoticeAnswerUpload,
      'application/json': NoticeAnswer,
    },
    responses: {
      200: { description: 'The answer is recorded', html: true, json: NoticeAnswerResult },
      400: {
        description: 'An answer this notice does not take, an exception without its reason, a refused file',
        html: true,
      },
      410: { description: 'The link is invalid, has expired, or the notice was already answered', html: true },
    },
    errors: ['invalid_request', 'invalid_json', 'invalid_token'],
  },
  'GET /appeal': {
    operationId: 'showAppeal',
    summary: 'The appeal form of a denial (the link in the denial mail)',
    description: 'Where the law gives an appeal of a denial; opening it changes nothing.',
    tag: 'pages',
    query: tokenQuery,
    responses: { 200: { description: 'The appeal form', html: true }, 410: { description: TOKEN_REFUSED, html: true } },
  },
  'POST /appeal': {
    operationId: 'appeal',
    summary: 'Appeal a denial',
    description: 'Spends the token and records the appeal, which an operator decides.',
    tag: 'pages',
    body: { 'application/x-www-form-urlencoded': AppealForm },
    responses: {
      200: { description: 'The appeal is recorded (the page gives its reference)', html: true },
      400: { description: 'No reason given, or a form larger than 2 KiB' },
      410: { description: 'The link is invalid, has expired, or was already used for an appeal', html: true },
    },
    errors: ['invalid_request'],
  },
  'GET /privacy': {
    operationId: 'privacyCenter',
    summary: 'The privacy center: one form per right the active profile offers',
    description:
      'Plain HTML forms, per kind of subject, in the page language; a `Sec-GPC: 1` header shows that the signal is honoured as an opt-out of sale/sharing (11 CCR §7025).',
    tag: 'pages',
    query: CENTER_LANG,
    responses: { 200: { description: 'The center', html: true } },
  },
  'POST /privacy/requests': {
    operationId: 'privacyCenterSubmit',
    summary: 'A center form posted: the same intake as POST /requests',
    description:
      'Answers the same "check your mail" page whether or not anyone holds data about the address, shows the reference and status code once, and sets the status cookie.',
    tag: 'pages',
    query: CENTER_LANG,
    body: { 'application/x-www-form-urlencoded': CenterRequestForm },
    responses: {
      200: { description: 'Check your mail (or: recorded, for the rights that need no confirmation)', html: true },
      400: { description: 'The form again, with an error summary naming each field', html: true },
      429: { description: 'Too many requests: a page saying when to try again', html: true },
    },
  },
  'POST /privacy/agent': {
    operationId: 'privacyCenterAgent',
    summary: "An authorized agent's upload (a presigned POST shown as a form) and request",
    tag: 'pages',
    query: CENTER_LANG,
    body: {
      'application/x-www-form-urlencoded': z.object({ contentType: AgentUploadBody.shape.contentType }),
    },
    responses: { 200: { description: 'The upload form (to the bucket) and the request form', html: true } },
  },
  'GET /privacy/status': {
    operationId: 'privacyCenterStatus',
    summary: "A request's status page",
    description: `The timeline, the due date and what the subject can do next; ${STATUS_COOKIE}. Without it, the lookup form.`,
    tag: 'pages',
    query: CENTER_LANG,
    responses: { 200: { description: 'The status page, or the lookup form', html: true } },
  },
  'POST /privacy/status': {
    operationId: 'privacyCenterLookup',
    summary: 'Open a status with the reference and the status code (never in a URL)',
    tag: 'pages',
    query: CENTER_LANG,
    body: { 'application/x-www-form-urlencoded': CenterStatusForm },
    responses: {
      303: { description: 'To GET /privacy/status, the status cookie set', redirect: true },
      404: { description: 'No request with this reference and code: the form again', html: true },
    },
  },
  'POST /privacy/cancel': {
    operationId: 'privacyCenterCancel',
    summary: 'Cancel a request before its subject confirmed it',
    description: `Only while the request waits for its confirmation; ${STATUS_COOKIE}.`,
    tag: 'pages',
    query: CENTER_LANG,
    responses: { 200: { description: 'Cancelled, or the status page saying it is too late', html: true } },
  },
  'POST /privacy/forget': {
    operationId: 'privacyCenterForget',
    summary: 'Forget the request on this browser (clears the status cookie)',
    tag: 'pages',
    query: CENTER_LANG,
    responses: { 303: { description: 'To the center', redirect: true } },
  },
  'GET /assets/{name}': {
    operationId: 'getAsset',
    summary: "A page's stylesheet or script",
    description:
      "The pages' only styles and scripts (their Content-Security-Policy allows no other source). Public, cached for an hour and revalidated by ETag.",
    tag: 'pages',
    path: z.object({ name: z.string().min(1).describe('the file, e.g. `site.css`') }),
    responses: {
      200: { description: 'The file (text/css or text/javascript), with its ETag' },
      304: { description: 'Unchanged since the ETag given in If-None-Match' },
    },
    errors: ['not_found'],
  },
  'GET /console/sign-in': {
    operationId: 'consoleSignInPage',
    summary: "The console's sign-in",
    description:
      'In the cloud a redirect to the Cognito managed login (authorization code with PKCE); in the twin a form for the operator credential the twin printed once.',
    tag: 'console',
    query: CONSOLE_LANG,
    responses: {
      200: { description: "The twin's sign-in form", html: true },
      302: { description: "To the user pool's managed login", redirect: true },
    },
  },
  'POST /console/sign-in': {
    operationId: 'consoleSignIn',
    summary: "Sign in with the twin's operator credential",
    tag: 'console',
    body: { 'application/x-www-form-urlencoded': ConsoleSignInForm },
    responses: {
      303: { description: 'To the queue, the session cookie set', redirect: true },
      401: { description: 'A wrong credential: the form again', html: true },
      403: { description: "Posted from another origin than the API's own: nothing changed", html: true },
      429: { description: 'Too many wrong credentials lately: sign-in is closed for a while', html: true },
    },
  },
  'GET /console/callback': {
    operationId: 'consoleSignInCallback',
    summary: "The managed login's return: the code exchanged, the session cookie set",
    tag: 'console',
    query: z.object({
      code: z.string().describe('the authorization code'),
      state: z.string().describe('the state the sign-in sent, checked against its cookie'),
    }),
    responses: {
      303: { description: 'To the queue, signed in', redirect: true },
      401: { description: 'A missing or mismatched state, or a code the user pool refused: sign in again', html: true },
    },
  },
  'POST /console/sign-out': {
    operationId: 'consoleSignOut',
    summary: 'Sign out (the session cookie cleared)',
    tag: 'console',
    body: { 'application/x-www-form-urlencoded': ConsoleCsrfForm },
    responses: { ...CONSOLE_REFUSALS, 303: { description: 'To the sign-in page', redirect: true } },
  },
  'GET /console': {
    operationId: 'consoleQueue',
    summary: 'The queue: requests by due date, with days left and what each waits for',
    tag: 'console',
    query: CONSOLE_LANG.extend({
      status: z.enum(QUEUE_FILTERS).optional().describe('which requests (default `open`)'),
    }),
    responses: { ...CONSOLE_REFUSALS, 200: { description: 'The queue', html: true } },
  },
  'GET /console/metrics': {
    operationId: 'consoleMetrics',
    summary: 'The figures of 11 CCR §7102 per right for a calendar year',
    tag: 'console',
    query: CONSOLE_LANG.extend({
      year: z
        .string()
        .regex(/^\d{4}$/)
        .optional()
        .describe('the year (default: last year)'),
    }),
    responses: { ...CONSOLE_REFUSALS, 200: { description: 'The figures', html: true } },
  },
  'GET /console/requests/{id}': {
    operationId: 'consoleRequest',
    summary: "A request's page: facts, clock, results per system, the verified audit history and the valid decisions",
    tag: 'console',
    path: z.object({ id: RequestId.describe('the request') }),
    query: CONSOLE_LANG.extend({
      done: z.string().optional().describe("what the last decision did (set by the action's redirect)"),
    }),
    responses: {
      ...CONSOLE_REFUSALS,
      200: { description: "The request's page", html: true },
      404: { description: 'No such request', html: true },
    },
  },
  'POST /console/requests/{id}/{action}': {
    operationId: 'consoleAct',
    summary: 'An operator decision on a request, audited with the operator',
    description:
      '`approve`, `deny` (with the reason the subject is told), `clarify` (the question), `cancel` (the why), `extend`, or `retry` (a failed run restarted from the record).',
    tag: 'console',
    path: z.object({
      id: RequestId.describe('the request'),
      action: z.enum(CONSOLE_ACTIONS).describe('the decision'),
    }),
    body: { 'application/x-www-form-urlencoded': ConsoleActionForm },
    responses: {
      ...CONSOLE_REFUSALS,
      303: { description: "Back to the request's page, which says what was done", redirect: true },
      404: { description: 'No such request or action', html: true },
      409: { description: 'The decision does not apply now (the page says why); nothing changed', html: true },
    },
  },
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    tag: 'documentation',
    responses: { 200: { description: 'The OpenAPI 3.1 document of this API', json: OpenApiDocumentShape } },
  },
} as const satisfies Record<RouteKey, RouteDoc>;
