import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../functions/openapi/document';
import { DocumentSchemas } from '../support/openapi';
import { startTestTwin, type TestTwin } from './support';

/**
 * GET /openapi.json through the twin's HTTP API, and the API's real answers checked against it: what a client
 * generated from the document sends is accepted, and what the API answers is what the document says.
 */
describe('End to end: the OpenAPI document', () => {
  let t: TestTwin;
  let api: string;

  beforeAll(async () => {
    t = await startTestTwin();
    api = t.twin.endpoints.api;
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${api}${path}`, { method, body, headers });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
  }

  it('serves a valid OpenAPI 3.1 document, the one generated from the code, cacheable', async () => {
    // Act
    const served = await call('GET', '/openapi.json');
    const validated = await new Validator().validate(served.body as Record<string, unknown>);

    // Assess
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/json');
    expect(served.headers.get('cache-control')).toBe('public, max-age=300');
    expect(validated).toEqual({ valid: true });
    expect(served.body).toEqual(buildOpenApiDocument());
  });

  it("accepts a request body the document's schema accepts, and answers as the document says", async () => {
    // Prepare
    const document = (await call('GET', '/openapi.json')).body as Record<string, unknown>;
    const schemas = new DocumentSchemas(document);
    const body = {
      type: 'access',
      regulation: 'gdpr',
      subject: { email: 'openapi.reader@example.com', name: 'Ada Reader' },
    };
    const json = { 'content-type': 'application/json' };

    // Act
    const documentedBody = schemas.requestBody('POST', '/requests', body);
    const submitted = await call('POST', '/requests', JSON.stringify(body), json);
    const { requestId, statusToken } = submitted.body as { requestId: string; statusToken: string };
    const status = await call('GET', `/requests/${requestId}`, undefined, { authorization: `Bearer ${statusToken}` });
    const upload = await call('POST', '/agent-documents', JSON.stringify({ contentType: 'application/pdf' }), json);
    const errors = {
      invalid: await call('POST', '/requests', JSON.stringify({ ...body, regulation: 'hipaa' }), json),
      notJson: await call('POST', '/requests', '{"type":', json),
      wrongType: await call('POST', '/requests', JSON.stringify(body), { 'content-type': 'text/plain' }),
      reused: await call('POST', '/requests', JSON.stringify(body), { ...json, 'idempotency-key': 'openapi-key-1' }),
      unknown: await call('GET', `/requests/${crypto.randomUUID()}`, undefined, { authorization: 'Bearer nope' }),
      wrongUpload: await call('POST', '/agent-documents', JSON.stringify({ contentType: 'text/html' }), json),
    };
    const reusedAgain = await call('POST', '/requests', JSON.stringify({ ...body, type: 'deletion' }), {
      ...json,
      'idempotency-key': 'openapi-key-1',
    });

    // Assess: the body the API took is one the document's schema takes
    expect(documentedBody).toEqual({ valid: true, errors: [] });
    expect(submitted.status).toBe(202);
    // each real answer is documented under its status, and its body validates
    const answers = [
      ['POST', '/requests', submitted],
      ['GET', '/requests/{id}', status],
      ['POST', '/agent-documents', upload],
      ['POST', '/requests', errors.invalid],
      ['POST', '/requests', errors.notJson],
      ['POST', '/requests', errors.wrongType],
      ['POST', '/requests', errors.reused],
      ['POST', '/requests', reusedAgain],
      ['GET', '/requests/{id}', errors.unknown],
      ['POST', '/agent-documents', errors.wrongUpload],
    ] as const;
    for (const [method, path, answer] of answers)
      expect(schemas.response(method, path, answer.status, answer.body), `${method} ${path} ${answer.status}`).toEqual({
        valid: true,
        errors: [],
      });
    expect(answers.map(([, , answer]) => answer.status)).toEqual([202, 200, 201, 400, 400, 415, 202, 422, 404, 400]);
  });
});
