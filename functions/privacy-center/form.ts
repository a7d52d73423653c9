import { ValidationError, type FieldProblem } from '../core/domain/errors';
import { SubmitRequestBody } from '../core/domain/request';
import type { HttpEvent } from '../core/http/middlewares';

/**
 * The center's forms carry a request (an address, a name, a correction and its note, an agent's details): a few hundred
 * bytes, a correction's value and note up to 1000 characters each, percent-encoded (up to ×9 for non-Latin text). 16 KB
 * is what POST /requests takes as JSON (middlewares.ts MAX_BODY_BYTES): the same bound for the same request. The token
 * forms of the mailed pages keep their own 2 KB (core/http/form.ts).
 */
export const MAX_CENTER_FORM_BYTES = 16 * 1024;

/** The fields of a posted center form (application/x-www-form-urlencoded; base64 when API Gateway encodes the body). */
export function centerFormFields(event: Pick<HttpEvent, 'body' | 'isBase64Encoded' | 'headers'>): URLSearchParams {
  const type = event.headers?.['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type))
    throw new ValidationError('The form must be sent as application/x-www-form-urlencoded');
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  if (raw.length > MAX_CENTER_FORM_BYTES)
    throw new ValidationError(`The form is larger than ${MAX_CENTER_FORM_BYTES} bytes`);
  return new URLSearchParams(raw.toString('utf8'));
}

/** The form's field names are the body's paths (`subject.email`, `corrections.0.value`); these are the ones it takes. */
const FIELDS = [
  'type',
  'regulation',
  'relationship',
  'controller',
  'subject.email',
  'subject.name',
  'scope',
  'ground',
  'purpose',
  'corrections.0.attribute',
  'corrections.0.value',
  'corrections.0.note',
  'agent.email',
  'agent.name',
  'agent.authority',
  'agent.document',
] as const;
export type CenterField = (typeof FIELDS)[number];

/**
 * The form as the JSON body POST /requests takes: dotted names become nested objects (a numeric segment an array),
 * empty inputs are left out (an optional input left blank is "not given", not an empty string the schema refuses), and
 * fields the form does not have are dropped (a button's name, say) rather than sent to a strict schema.
 */
export function formToBody(fields: URLSearchParams): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of FIELDS) {
    const value = fields.get(name)?.trim();
    if (!value) continue;
    const path = name.split('.');
    let at: Record<string, unknown> | unknown[] = body;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1] ?? '');
      const key = /^\d+$/.test(segment) ? Number(segment) : segment;
      const container = at as Record<string | number, unknown>;
      if (last) container[key] = value;
      else {
        container[key] ??= nextIsIndex ? [] : {};
        at = container[key] as Record<string, unknown> | unknown[];
      }
    });
  }
  return body;
}

export type Parsed = { ok: true; body: SubmitRequestBody } | { ok: false; problems: FieldProblem[] };

/**
 * Validate a posted form with the same schema as POST /requests (one set of rules for both doors). A problem's path is
 * the name of the input it is about, so the error summary can link to it; a problem about a whole object (an unknown
 * right, a missing subject) is put on the input that fixes it.
 */
export function parseSubmission(fields: URLSearchParams): Parsed {
  const parsed = SubmitRequestBody.safeParse(formToBody(fields));
  if (parsed.success) return { ok: true, body: parsed.data };
  const problems: FieldProblem[] = [];
  for (const issue of parsed.error.issues) {
    const path = fieldOf(issue.path.map(String).join('.'));
    if (!problems.some((p) => p.path === path)) problems.push({ path, message: issue.message });
  }
  return { ok: false, problems };
}

/** The input a schema path is about (`subject` missing → the email input; `corrections` → the first correction). */
export function fieldOf(path: string): string {
  if (path === '' || path === 'subject') return path === '' ? 'type' : 'subject.email';
  if (path === 'corrections' || path === 'corrections.0') return 'corrections.0.attribute';
  if (path === 'agent') return 'agent.email';
  return path;
}
