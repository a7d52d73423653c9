import type { FunctionEntry } from './function-specs';

/**
 * The HTTP API's route table, shared by the cloud (API Gateway HTTP API routes) and the local twin's HTTP server,
 * so both serve exactly the same surface. `path` uses API Gateway syntax (`{id}` is a path parameter);
 * `handler` is the handler module (repository-relative), the same string as the function's `dsar:handler` tag.
 * Plain data: no aws-cdk-lib import.
 */
export type HttpMethod = 'GET' | 'POST';

export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly handler: FunctionEntry;
  /**
   * `operator`: behind the console's Lambda REQUEST authorizer (CONSOLE_AUTHORIZER), in the cloud (API Gateway) and in
   * the twin (its HTTP server calls the same module first). None: public, the route checks what it needs itself.
   */
  readonly auth?: 'operator';
}

/** The console's authorizer: verifies the session JWT in the cookie (functions/console-authorizer/handler.ts). */
export const CONSOLE_AUTHORIZER = 'functions/console-authorizer/handler.ts' satisfies FunctionEntry;

const CONSOLE = 'functions/console/handler.ts' satisfies FunctionEntry;

export const API_ROUTES = [
  { method: 'POST', path: '/requests', handler: 'functions/submit-request/handler.ts' },
  // An authorized agent's permission document: a presigned POST to upload it, named on POST /requests after.
  { method: 'POST', path: '/agent-documents', handler: 'functions/agent-documents/handler.ts' },
  { method: 'GET', path: '/requests/{id}', handler: 'functions/get-request/handler.ts' },
  // GET shows a confirmation page (a link opened by a mail scanner changes nothing); POST is the page's button.
  { method: 'GET', path: '/verify', handler: 'functions/verify-identity/handler.ts' },
  { method: 'POST', path: '/verify', handler: 'functions/verify-identity/handler.ts' },
  // Likewise: GET shows a download button, POST spends the single-use token and redirects to a presigned URL.
  { method: 'GET', path: '/download', handler: 'functions/download/handler.ts' },
  { method: 'POST', path: '/download', handler: 'functions/download/handler.ts' },
  // A recipient's answer to a notice: GET shows the form (changes nothing), POST spends the token and records the answer.
  { method: 'GET', path: '/notices', handler: 'functions/answer-notice/handler.ts' },
  { method: 'POST', path: '/notices', handler: 'functions/answer-notice/handler.ts' },
  // An appeal of a denial (where the law gives one): GET shows the form, POST spends the token and records the appeal.
  { method: 'GET', path: '/appeal', handler: 'functions/appeal-request/handler.ts' },
  { method: 'POST', path: '/appeal', handler: 'functions/appeal-request/handler.ts' },
  // The pages' stylesheet and scripts: the Content-Security-Policy allows only same-origin files.
  { method: 'GET', path: '/assets/{name}', handler: 'functions/assets/handler.ts' },
  // The OpenAPI 3.1 document of these routes, generated from their zod schemas (functions/openapi/document.ts);
  // each route has its entry in functions/openapi/registry.ts (it does not typecheck without one).
  { method: 'GET', path: '/openapi.json', handler: 'functions/openapi/handler.ts' },
  // The privacy center (functions/privacy-center): plain HTML forms over the same intake and status use cases.
  { method: 'GET', path: '/privacy', handler: 'functions/privacy-center/handler.ts' },
  { method: 'POST', path: '/privacy/requests', handler: 'functions/privacy-center/handler.ts' },
  { method: 'POST', path: '/privacy/agent', handler: 'functions/privacy-center/handler.ts' },
  { method: 'GET', path: '/privacy/status', handler: 'functions/privacy-center/handler.ts' },
  { method: 'POST', path: '/privacy/status', handler: 'functions/privacy-center/handler.ts' },
  { method: 'POST', path: '/privacy/cancel', handler: 'functions/privacy-center/handler.ts' },
  { method: 'POST', path: '/privacy/forget', handler: 'functions/privacy-center/handler.ts' },
  // The operator console (README "Operator console"). Sign-in and its callback are public (they start a session);
  // every other console route is behind the authorizer, and every POST checks the form token and the Origin.
  { method: 'GET', path: '/console/sign-in', handler: CONSOLE },
  { method: 'POST', path: '/console/sign-in', handler: CONSOLE },
  { method: 'GET', path: '/console/callback', handler: CONSOLE },
  { method: 'POST', path: '/console/sign-out', handler: CONSOLE, auth: 'operator' },
  { method: 'GET', path: '/console', handler: CONSOLE, auth: 'operator' },
  { method: 'GET', path: '/console/metrics', handler: CONSOLE, auth: 'operator' },
  { method: 'GET', path: '/console/requests/{id}', handler: CONSOLE, auth: 'operator' },
  { method: 'POST', path: '/console/requests/{id}/{action}', handler: CONSOLE, auth: 'operator' },
] as const satisfies readonly ApiRoute[];
