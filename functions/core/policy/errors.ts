import { DsarError } from '../domain/errors';

/**
 * Every error the policy module raises on purpose, in one file. Messages name profile ids, files and rule paths only:
 * a profile holds no personal data, and a decision's reasons are fixed codes.
 */

/** A profile file that cannot be read, or does not match the profile schema: named with every problem in it. */
export class InvalidProfileError extends DsarError {
  public readonly code = 'invalid_profile';
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidProfileError';
  }
}

/** A profile id that names no shipped profile and no readable file. */
export class UnknownProfileError extends DsarError {
  public readonly code = 'unknown_profile';
  public constructor(id: string, options?: { cause?: unknown }) {
    super(
      `No company profile "${id}": give a shipped profile's id (infra/config/profiles/<id>.json) or a file path`,
      options,
    );
    this.name = 'UnknownProfileError';
  }
}
