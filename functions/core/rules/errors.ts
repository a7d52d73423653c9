import { DsarError } from '../domain/errors';

/**
 * Every error the rules engine raises on purpose, in one file. They extend the domain's DsarError, so they carry a
 * `name` and a machine-readable `code` like every other domain error; none is listed in the HTTP status table, so if
 * one ever reached the edge it would be a 500 (a clock operation is the workflow's doing, never the caller's input).
 * Messages name pack ids, request types and dates only: a clock holds no personal data.
 */

/** A date that is not a real `YYYY-MM-DD` calendar date, or one before the date it must follow. */
export class InvalidClockDateError extends DsarError {
  public readonly code = 'invalid_clock_date';
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidClockDateError';
  }
}

/** No pack with this id is shipped. */
export class UnknownPackError extends DsarError {
  public readonly code = 'unknown_pack';
  public constructor(id: string, options?: { cause?: unknown }) {
    super(`No jurisdiction pack "${id}"`, options);
    this.name = 'UnknownPackError';
  }
}

/** A shipped pack file does not match the pack schema: a packaging bug, found at load rather than mid-request. */
export class InvalidPackError extends DsarError {
  public readonly code = 'invalid_pack';
  public constructor(id: string, options?: { cause?: unknown }) {
    super(`Jurisdiction pack "${id}" does not match the pack schema`, options);
    this.name = 'InvalidPackError';
  }
}

/** The pack says this law does not give the right (e.g. no restriction right under the US state laws). */
export class RightNotGivenError extends DsarError {
  public readonly code = 'right_not_given';
  public constructor(pack: string, type: string, options?: { cause?: unknown }) {
    super(`The pack "${pack}" gives no "${type}" right`, options);
    this.name = 'RightNotGivenError';
  }
}

/** A clock was handed to a pack it was not started under (another id or another version). */
export class PackMismatchError extends DsarError {
  public readonly code = 'pack_mismatch';
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PackMismatchError';
  }
}

/** Why an extension is refused: the law gives none, it was already taken once, or the notice would come too late. */
export type ExtensionRefusal = 'not_available' | 'already_extended' | 'notice_too_late';

/** The extension is refused; `reason` says which of the three rules refused it. */
export class ExtensionRefusedError extends DsarError {
  public readonly code = 'extension_refused';
  public readonly reason: ExtensionRefusal;
  public constructor(reason: ExtensionRefusal, message: string, options?: { cause?: unknown }) {
    super(message, { ...options, details: { reason } });
    this.reason = reason;
    this.name = 'ExtensionRefusedError';
  }
}

/** Why a pause or a resume is refused. */
export type PauseRefusal = 'not_allowed' | 'already_paused' | 'not_paused' | 'clock_expired';

/** A pause or a resume the law or the clock's state does not allow; `reason` says which. */
export class PauseRefusedError extends DsarError {
  public readonly code = 'pause_refused';
  public readonly reason: PauseRefusal;
  public constructor(reason: PauseRefusal, message: string, options?: { cause?: unknown }) {
    super(message, { ...options, details: { reason } });
    this.reason = reason;
    this.name = 'PauseRefusedError';
  }
}
