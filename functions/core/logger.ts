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

/** An error name is an identifier (`DependencyUnavailableError`, `States.Timeout`): what Retry/Catch can match on. */
export const ERROR_NAME = /^[A-Za-z][\w.]{0,99}$/;

/** An error's name if it is an identifier; anything else (an odd or missing name) is `Error`. */
export function errorName(error: unknown): string {
  const name = error instanceof Error ? error.name : undefined;
  return typeof name === 'string' && ERROR_NAME.test(name) ? name : 'Error';
}

/**
 * What may be logged of an error: its name, the names along its `cause` chain, and the `at …` lines of its stack —
 * never a message (ours or an SDK's may quote an address or a value from a request), nor any line a message spans.
 */
export function loggableError(error: unknown): { name: string; causes: string[]; frames: string[] } {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  const causes: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause !== undefined && causes.length < 5) {
    causes.push(errorName(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return { name: errorName(error), causes, frames: stack.split('\n').filter((line) => /^\s+at /.test(line)) };
}
