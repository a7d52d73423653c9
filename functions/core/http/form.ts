import type { HttpEvent } from './middlewares';

/**
 * A field of a posted HTML form (application/x-www-form-urlencoded; base64 when API Gateway encodes the body).
 * The pages' forms carry one short token, so only the first 4 KiB are read.
 */
export function formField(event: HttpEvent, name: string): string | undefined {
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8') : '';
  return new URLSearchParams(raw.slice(0, 4096)).get(name) ?? undefined;
}
