import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type JsonObject = Record<string, unknown>;

// ajv-formats is CommonJS: its default export arrives wrapped once more under some loaders
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as typeof addFormatsModule;

/** A JSON pointer token (RFC 6901): `/` and `~` escaped. */
const token = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export interface Checked {
  valid: boolean;
  errors: string[];
}

/**
 * Checks values against the schemas of an OpenAPI 3.1 document with a JSON Schema 2020-12 validator (ajv), the
 * document's `$ref`s resolved within it: what a client generated from the document would accept.
 */
export class DocumentSchemas {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private static readonly ID = 'urn:dsar:openapi';

  public constructor(private readonly document: JsonObject) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, DocumentSchemas.ID);
  }

  /** The operation of `METHOD /path`, or undefined when the document has none. */
  public operation(method: string, path: string): JsonObject | undefined {
    const paths = this.document.paths as Record<string, Record<string, JsonObject>>;
    return paths[path]?.[method.toLowerCase()];
  }

  public requestBody(method: string, path: string, value: unknown, mediaType = 'application/json'): Checked {
    return this.check(['paths', path, method.toLowerCase(), 'requestBody', 'content', mediaType, 'schema'], value);
  }

  /** `value` as the body of a `status` answer of the operation (an undocumented status is reported as such). */
  public response(
    method: string,
    path: string,
    status: number,
    value: unknown,
    mediaType = 'application/json',
  ): Checked {
    const responses = this.operation(method, path)?.responses as Record<string, JsonObject> | undefined;
    if (!responses?.[String(status)])
      return { valid: false, errors: [`${method} ${path} documents no ${status} answer`] };
    return this.check(
      ['paths', path, method.toLowerCase(), 'responses', String(status), 'content', mediaType, 'schema'],
      value,
    );
  }

  private check(path: string[], value: unknown): Checked {
    const validate = this.ajv.getSchema(`${DocumentSchemas.ID}#/${path.map(token).join('/')}`);
    if (!validate) return { valid: false, errors: [`no schema at ${path.join(' ')}`] };
    const valid = validate(value) as boolean;
    return { valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`) };
  }
}
