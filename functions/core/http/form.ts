import { ValidationError } from '../domain/errors';
import type { HttpEvent } from './middlewares';

/** The pages' forms carry one short token and a button's value: anything larger is refused before it is read. */
export const MAX_FORM_BYTES = 2048;

/** The fields of a posted HTML form (application/x-www-form-urlencoded; base64 when API Gateway encodes the body). */
export function formFields(event: HttpEvent): URLSearchParams {
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  if (raw.length > MAX_FORM_BYTES) throw new ValidationError(`The form is larger than ${MAX_FORM_BYTES} bytes`);
  return new URLSearchParams(raw.toString('utf8'));
}

/** One field of a posted form. */
export function formField(event: HttpEvent, name: string): string | undefined {
  return formFields(event).get(name) ?? undefined;
}
