import { describe, expect, it } from 'vitest';
import * as domainErrors from '../../../functions/core/domain/errors';
import * as runtimeErrors from '../../../functions/core/errors';
import { ERROR_STATUSES, statusFor } from '../../../functions/core/http/error-statuses';

type AnyErrorClass = new (...args: never[]) => Error;
const classes = (module: Record<string, unknown>) =>
  Object.entries(module).filter(
    (entry): entry is [string, AnyErrorClass] => typeof entry[1] === 'function' && entry[0] !== 'DsarError',
  );

describe('Module: errors', () => {
  it.each([...classes(domainErrors), ...classes(runtimeErrors)])(
    '%s is named for its class',
    (className, ErrorClass) => {
      // Prepare: every constructor takes ids or messages first (InvalidTaskInputError takes the failing paths)
      const args =
        className === 'InvalidTaskInputError'
          ? [['requestId']]
          : className === 'RateLimitedError'
            ? ['client', 60]
            : ['r1', 'x'];

      // Act
      const error = Reflect.construct(ErrorClass, args) as Error & { code?: unknown };

      // Assess
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(className);
      if (className in domainErrors) expect(error.code).toMatch(/^[a-z_]+$/);
    },
  );
});

describe('Function: statusFor', () => {
  it('maps exactly the errors a caller may see, all to 4xx', () => {
    // Prepare & Act
    const statuses = ERROR_STATUSES.map(([type, status]) => [type.name, status]);

    // Assess
    expect(Object.fromEntries(statuses)).toEqual({
      ValidationError: 400,
      MalformedBodyError: 400,
      NotFoundError: 404,
      InvalidTokenError: 410,
      UnsupportedMediaTypeError: 415,
      IdempotencyConflictError: 422,
      RateLimitedError: 429,
    });
  });

  it('hides every other error, domain or not', () => {
    // Prepare
    const hidden = [
      new domainErrors.NotVerifiedError('r1'),
      new domainErrors.StatusConflictError('r1', 'x'),
      new runtimeErrors.ConfigurationError('x'),
      new Error('x'),
    ];

    // Act & Assess
    for (const error of hidden) expect(statusFor(error), error.name).toBeUndefined();
    expect(statusFor(new domainErrors.InvalidTokenError())?.status).toBe(410);
  });
});

describe('Function: loggableError', () => {
  it('keeps the name, the cause names and the frames of an error, never a line of its message', async () => {
    // Prepare: a message spanning lines, quoting an address (as SDK and SES errors do)
    const { loggableError } = await import('../../../functions/core/logger');
    const cause = Object.assign(new Error('Email address is not verified: ada@example.com'), {
      name: 'MessageRejected',
    });
    const error = new runtimeErrors.DependencyUnavailableError('SES', 'SendEmail', { cause });
    error.stack = `DependencyUnavailableError: failed for\nada@example.com, second line\n    at send (file.ts:1:1)`;

    // Act
    const logged = loggableError(error);

    // Assess
    expect(logged).toEqual({
      name: 'DependencyUnavailableError',
      causes: ['MessageRejected'],
      frames: ['    at send (file.ts:1:1)'],
    });
    expect(JSON.stringify(logged)).not.toContain('@');
  });
});
