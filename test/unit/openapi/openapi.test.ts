import { Validator } from '@seriousme/openapi-schema-validator';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { SubmitRequestBody } from '../../../functions/core/domain/request';
import { ERROR_STATUSES } from '../../../functions/core/http/error-statuses';
import { httpJsonRoute, httpRoute } from '../../../functions/core/http/middlewares';
import { buildOpenApiDocument } from '../../../functions/openapi/document';
import { ERROR_SAMPLES } from '../../../functions/openapi/error-samples';
import { ROUTE_DOCS, type RouteDoc, type RouteKey } from '../../../functions/openapi/registry';
import { json } from '../../../functions/core/http/responses';
import { API_ROUTES } from '../../../infra/constructs/api-routes';
import { lambdaContext } from '../../../infra/local/lambda-context';
import { DocumentSchemas } from '../../support/openapi';

type JsonObject = Record<string, unknown>;
type Operation = { responses: Record<string, { content?: Record<string, { schema: JsonObject }> }> };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** `METHOD /path` of every operation the document has. */
function documentedRoutes(document: JsonObject): string[] {
  return Object.entries(document.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

/** What the routes really answer with: each error in the status table, instantiated, by its code. */
function statusTableCodes(): Map<string, number> {
  return new Map(
    ERROR_STATUSES.map(([type, status]) => {
      const args = type.name === 'RateLimitedError' ? ['client', 60] : ['r1', 'x'];
      const error = Reflect.construct(type, args) as { code: string };
      return [error.code, status] as const;
    }),
  );
}

/** The codes a JSON error answer documents: the `enum` of its `error.code`. */
function documentedCodes(schema: JsonObject | undefined): string[] {
  const error = (schema?.properties as Record<string, JsonObject> | undefined)?.error;
  const code = (error?.properties as Record<string, { enum?: string[] }> | undefined)?.code;
  return code?.enum ?? [];
}

function event(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { http: { method, path, sourceIp: '203.0.113.7' } },
  } as unknown as APIGatewayProxyEventV2;
}

const document = buildOpenApiDocument();
const schemas = new DocumentSchemas(document);

describe('Function: buildOpenApiDocument', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    // Prepare
    const validator = new Validator();

    // Act
    const result = await validator.validate(document);

    // Assess
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every route of API_ROUTES and no other', () => {
    // Prepare
    const routes = API_ROUTES.map((r) => `${r.method} ${r.path}`).sort();

    // Act
    const documented = documentedRoutes(document);

    // Assess
    expect(documented).toEqual(routes);
  });

  it('leaves out a route that has no entry (what the route check above would catch)', () => {
    // Prepare: the registry without its entry for GET /requests/{id}
    const { 'GET /requests/{id}': _left, ...others } = ROUTE_DOCS as Record<RouteKey, RouteDoc>;

    // Act
    const documented = documentedRoutes(buildOpenApiDocument(others));

    // Assess
    expect(documented).not.toContain('GET /requests/{id}');
    expect(documented).not.toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('has a sample of every error the status table shows, and no other', () => {
    // Prepare & Act
    const sampled = ERROR_SAMPLES.map((e) => e.code).sort();

    // Assess
    expect(sampled).toEqual([...statusTableCodes().keys()].sort());
  });

  it('documents only error codes the status table shows, each under the status it gives', () => {
    // Prepare
    const table = statusTableCodes();
    const found: string[] = [];

    // Act
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const code of documentedCodes(response.content?.['application/json']?.schema)) {
            found.push(`${method} ${path} ${status} ${code}`);
            if (status === '500') expect(code).toBe('internal_error');
            else expect(table.get(code), `${method} ${path} ${status} ${code}`).toBe(Number(status));
          }
        }
      }
    }

    // Assess: the errors of the JSON routes are there
    expect(found).toEqual(
      expect.arrayContaining([
        'post /requests 400 invalid_request',
        'post /requests 400 invalid_json',
        'post /requests 415 unsupported_media_type',
        'post /requests 422 idempotency_key_reused',
        'post /requests 429 rate_limited',
        'get /requests/{id} 404 not_found',
        'post /agent-documents 400 invalid_request',
      ]),
    );
  });

  it('documents the bodies POST /requests takes: the same verdict as the zod schema the route validates with', () => {
    // Prepare
    const subject = { email: 'ada@example.com', name: 'Ada' };
    const bodies: unknown[] = [
      { type: 'access', regulation: 'gdpr', subject },
      { type: 'deletion', regulation: 'ccpa', subject, relationship: 'customer' },
      { type: 'correction', regulation: 'gdpr', subject, corrections: [{ attribute: 'name', value: 'Ada L.' }] },
      { type: 'opt_out', regulation: 'ccpa', subject, scope: 'sale_sharing' },
      { type: 'withdraw_consent', regulation: 'gdpr', subject, purpose: 'newsletter' },
      {
        type: 'access',
        regulation: 'ccpa',
        subject,
        agent: { email: 'agent@example.com', name: 'Helpers', authority: 'signed_permission' },
      },
      { type: 'access', regulation: 'gdpr', subject, extra: true },
      { type: 'opt_out', regulation: 'ccpa', subject },
      { type: 'access', regulation: 'hipaa', subject },
      { type: 'access', regulation: 'gdpr', subject: { email: 'not an address' } },
      { type: 'teleport', regulation: 'gdpr', subject },
    ];

    // Act
    const verdicts = bodies.map((body) => ({
      zod: SubmitRequestBody.safeParse(body).success,
      documented: schemas.requestBody('POST', '/requests', body).valid,
    }));

    // Assess
    expect(verdicts.map((v) => v.documented)).toEqual(verdicts.map((v) => v.zod));
    expect(verdicts.filter((v) => v.zod)).toHaveLength(6);
  });

  it.each(
    Object.entries(ROUTE_DOCS as Record<RouteKey, RouteDoc>).flatMap(([key, doc]) =>
      Object.entries(doc.bodyExamples ?? {}).map(([name, value]) => [key, name, value, doc] as const),
    ),
  )('%s: the body example %s is one the route takes', (key, _name, value, doc) => {
    // Prepare
    const [method, path] = key.split(' ') as [string, string];
    const schema = doc.body?.['application/json'];

    // Act
    const parsed = schema?.safeParse(value);
    const documented = schemas.requestBody(method, path, value);

    // Assess
    expect(parsed?.success).toBe(true);
    expect(documented).toEqual({ valid: true, errors: [] });
  });

  it("documents the error middleware's real answers: a refused body (400) and a fault (500)", async () => {
    // Prepare
    const submit = httpJsonRoute(SubmitRequestBody, async () => json(202, {}));
    const faulty = httpRoute(async () => {
      throw new Error('boom');
    });

    // Act
    const refused = (await submit(
      event('POST', '/requests', '{"type":"access"}', { 'content-type': 'application/json' }),
      lambdaContext('SubmitRequest'),
    )) as APIGatewayProxyStructuredResultV2;
    const notJson = (await submit(
      event('POST', '/requests', 'type=access', { 'content-type': 'text/plain' }),
      lambdaContext('SubmitRequest'),
    )) as APIGatewayProxyStructuredResultV2;
    const fault = (await faulty(
      event('GET', '/requests/x'),
      lambdaContext('GetRequest'),
    )) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(refused.statusCode).toBe(400);
    expect(schemas.response('POST', '/requests', 400, JSON.parse(refused.body ?? ''))).toEqual({
      valid: true,
      errors: [],
    });
    expect(notJson.statusCode).toBe(415);
    expect(schemas.response('POST', '/requests', 415, JSON.parse(notJson.body ?? ''))).toEqual({
      valid: true,
      errors: [],
    });
    expect(fault.statusCode).toBe(500);
    expect(schemas.response('GET', '/requests/{id}', 500, JSON.parse(fault.body ?? ''))).toEqual({
      valid: true,
      errors: [],
    });
    // and a code the route does not document is refused by the documented schema
    expect(schemas.response('GET', '/requests/{id}', 404, JSON.parse(refused.body ?? '')).valid).toBe(false);
  });

  it('puts the shared schemas under components and refers to them', () => {
    // Prepare
    const post = (document.paths as Record<string, Record<string, JsonObject>>)['/requests']?.post;

    // Act
    const schemaNames = Object.keys((document.components as { schemas: JsonObject }).schemas).sort();

    // Assess
    expect(schemaNames).toEqual(
      expect.arrayContaining(['PresignedUpload', 'RequestView', 'SubmitRequestBody', 'SubmitRequestResult']),
    );
    expect(JSON.stringify(post?.requestBody)).toContain('#/components/schemas/SubmitRequestBody');
    expect(document.servers).toEqual([{ url: '/' }]);
  });
});
