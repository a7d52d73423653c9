import { z } from 'zod';
import { ConfigurationError } from '../core/errors';
import { INTERNAL_ERROR_CODE, type ShownError, type ShownErrorCode, shownError } from './error-samples';
import { OPENAPI_COMPONENTS, ROUTE_DOCS, type RouteDoc, type RouteKey } from './registry';
import { ErrorBody, errorBody } from '../core/http/responses';

/**
 * The OpenAPI 3.1 document of the HTTP API (GET /openapi.json), generated from the route docs
 * (./registry.ts) and the zod schemas they name: `z.toJSONSchema` writes JSON Schema draft 2020-12, which is
 * OpenAPI 3.1's own dialect, so the schemas are the ones the routes validate with and answer from, not copies.
 */

type JsonObject = Record<string, unknown>;
type Io = 'input' | 'output';

/** Bump when the API changes in a way a client must know about. */
export const API_DOCUMENT_VERSION = '1.0.0';

const TAGS = [
  { name: 'requests', description: 'Data subject requests, as JSON (GDPR Arts. 15–21, CCPA/CPRA)' },
  { name: 'pages', description: 'The pages behind the mailed links, for a person at a browser (HTML forms)' },
  {
    name: 'console',
    description:
      "The operators' console (HTML, behind sign-in): a session cookie checked by the API's authorizer, and on every POST a form token bound to the session and the API's own Origin",
  },
  { name: 'documentation', description: 'This document' },
];

interface PipeDef {
  type: 'pipe';
  in: z.ZodType;
  out: z.ZodType;
}

/**
 * The input of a pipe from a string to a string (e.g. `Email`: trimmed and bounded, then checked as an address) must
 * pass both ends, but zod describes only the first: the second is added as `allOf`, so the document refuses what the
 * route refuses (e.g. a malformed address).
 */
function bothEndsOfStringPipes(io: Io) {
  return (ctx: { zodSchema: unknown; jsonSchema: JsonObject }) => {
    const def = (ctx.zodSchema as z.ZodType)._zod.def as unknown as PipeDef;
    if (io !== 'input' || def.type !== 'pipe') return;
    if (def.in._zod.def.type === 'string' && def.out._zod.def.type === 'string')
      ctx.jsonSchema.allOf = [jsonSchemaOf(def.out, io)];
  };
}

/** A zod schema as JSON Schema 2020-12, without `$schema` (the document's dialect is already 2020-12). */
function jsonSchemaOf(schema: z.ZodType, io: Io): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    // a refinement or a transform says nothing JSON Schema can: the schema of its input or output is documented
    unrepresentable: 'any',
    override: bothEndsOfStringPipes(io),
  }) as JsonObject;
  return rest;
}

/** The JSON error body of the given codes: `ErrorBody` with `error.code` narrowed to them. */
function errorSchema(codes: readonly string[]): JsonObject {
  const [first, ...rest] = codes;
  if (first === undefined) throw new ConfigurationError('an error response needs at least one code');
  return jsonSchemaOf(
    ErrorBody.extend({ error: ErrorBody.shape.error.extend({ code: z.enum([first, ...rest]) }) }),
    'output',
  );
}

class Components {
  private readonly used = new Map<string, Io>();
  private readonly names = new Map<z.ZodType, string>(
    Object.entries(OPENAPI_COMPONENTS).map(([name, schema]) => [schema, name]),
  );

  /** A $ref to the named schema (io must be the same at every use), or the schema inline. */
  public schema(schema: z.ZodType, io: Io): JsonObject {
    const name = this.names.get(schema);
    const seen = name === undefined ? undefined : this.used.get(name);
    if (name === undefined || (seen !== undefined && seen !== io)) return jsonSchemaOf(schema, io);
    this.used.set(name, io);
    return { $ref: `#/components/schemas/${name}` };
  }

  public build(): JsonObject {
    const entries = [...this.used].sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(
      entries.map(([name, io]) => [name, jsonSchemaOf(OPENAPI_COMPONENTS[name] as z.ZodType, io)]),
    );
  }
}

/** Parameters from a zod object: each key a parameter, its description lifted out of its schema. */
function parameters(place: 'path' | 'query' | 'header', object: z.ZodObject | undefined): JsonObject[] {
  if (!object) return [];
  const schema = jsonSchemaOf(object, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: place,
      required: place === 'path' || (schema.required ?? []).includes(name),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

function errorsByStatus(codes: readonly ShownErrorCode[]): Map<number, ShownError[]> {
  const byStatus = new Map<number, ShownError[]>();
  for (const code of codes) {
    const error = shownError(code);
    byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  }
  return byStatus;
}

function responses(doc: RouteDoc, components: Components): JsonObject {
  const errors = errorsByStatus(doc.errors ?? []);
  const statuses = [...new Set([...Object.keys(doc.responses).map(Number), ...errors.keys()])].sort((a, b) => a - b);
  const out: JsonObject = {};
  for (const status of statuses) {
    const given = doc.responses[status];
    const shown = errors.get(status) ?? [];
    if (given?.json && shown.length > 0)
      throw new ConfigurationError(`${doc.operationId}: ${status} is both a JSON answer and an error`);
    const listed = shown.map((e) => `\`${e.code}\` (${e.message})`).join('; ');
    const description = [given?.description, listed && `JSON error: ${listed}`].filter(Boolean).join('. ');
    const content: JsonObject = {};
    if (given?.html) content['text/html'] = { schema: { type: 'string' } };
    if (given?.json) content['application/json'] = { schema: components.schema(given.json, 'output') };
    else if (shown.length > 0)
      content['application/json'] = {
        schema: errorSchema(shown.map((e) => e.code)),
        examples: Object.fromEntries(shown.map((e) => [e.code, { value: errorBody(e.code, e.message, e.details) }])),
      };
    const headers: JsonObject = {};
    for (const [name, header] of Object.entries(given?.headers ?? {}))
      headers[name] = { description: header.description, schema: jsonSchemaOf(header.schema, 'output') };
    if (given?.redirect) headers.Location = { description: 'where to go', schema: { type: 'string' }, required: true };
    // the error middleware adds Retry-After to every rate_limited answer (RFC 9110 §10.2.3)
    if (shown.some((e) => e.code === 'rate_limited'))
      headers['Retry-After'] = { description: 'seconds to wait', schema: { type: 'integer', minimum: 1 } };
    out[String(status)] = {
      description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(Object.keys(content).length > 0 ? { content } : {}),
    };
  }
  out['500'] = {
    description: 'A fault on our side: its cause is logged, not shown; nothing was changed by this call',
    content: { 'application/json': { schema: errorSchema([INTERNAL_ERROR_CODE]) } },
  };
  return out;
}

function operation(doc: RouteDoc, components: Components): JsonObject {
  const params = [
    ...parameters('path', doc.path),
    ...parameters('query', doc.query),
    ...parameters('header', doc.headers),
  ];
  const body = doc.body && {
    required: true,
    content: Object.fromEntries(
      Object.entries(doc.body).map(([type, schema]) => [
        type,
        {
          schema: components.schema(schema, 'input'),
          ...(type === 'application/json' && doc.bodyExamples
            ? {
                examples: Object.fromEntries(
                  Object.entries(doc.bodyExamples).map(([name, value]) => [name, { value }]),
                ),
              }
            : {}),
        },
      ]),
    ),
  };
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    tags: [doc.tag],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(doc.statusToken ? { security: [{ statusToken: [] }] } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: responses(doc, components),
  };
}

/** The document for `docs` (by default every route's). Pure: the handler builds it once, at cold start. */
export function buildOpenApiDocument(docs: Readonly<Partial<Record<RouteKey, RouteDoc>>> = ROUTE_DOCS): JsonObject {
  const components = new Components();
  const paths: Record<string, JsonObject> = {};
  for (const [key, doc] of Object.entries(docs) as [RouteKey, RouteDoc][]) {
    const [method, path] = key.split(' ') as [string, string];
    paths[path] = { ...paths[path], [method.toLowerCase()]: operation(doc, components) };
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'DSAR pipeline API',
      version: API_DOCUMENT_VERSION,
      description:
        'Data subject requests under the GDPR and the CCPA/CPRA: make one, follow its status, and the pages behind ' +
        'the mailed links. Errors are `{ "error": { "code", "message", "details"? } }` and change nothing.',
    },
    // relative: the host that served this document (the API, or the CDN in front of it; the local twin)
    servers: [{ url: '/' }],
    tags: TAGS,
    paths,
    components: {
      schemas: components.build(),
      securitySchemes: {
        statusToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'the `statusToken` of POST /requests (in the header only: a URL ends up in histories and logs)',
        },
      },
    },
  };
}
