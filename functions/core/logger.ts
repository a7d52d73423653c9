import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger. Log ids, counts, error names: never a subject's identity or records.
 * Where a value must appear, pass it through `redact`.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'dsar' });

/** `ann@example.com` → `a***@e***`: enough to tell two addresses apart in a trace, not to recover one. */
export function redact(value: string): string {
  const [local = '', domain = ''] = value.split('@');
  return `${local.slice(0, 1)}***${domain ? `@${domain.slice(0, 1)}***` : ''}`;
}
