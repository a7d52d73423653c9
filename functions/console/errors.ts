import { DsarError } from '../core/domain/errors';

/** The console's refusals. Messages carry no personal data and no secret (they may be shown in a page). */

/** A POST without the page's synchronizer token, with a wrong one, or from another origin: nothing was changed. */
export class CsrfRefusedError extends DsarError {
  public readonly code = 'csrf_refused';
  public constructor(why: 'token' | 'origin', options?: { cause?: unknown }) {
    super(why === 'token' ? 'the form token is missing or wrong' : 'the request came from another origin', options);
    this.name = 'CsrfRefusedError';
  }
}

/** The operator credential did not match (the twin's sign-in). */
export class BadCredentialError extends DsarError {
  public readonly code = 'bad_credential';
  public constructor(options?: { cause?: unknown }) {
    super('the credential is wrong', options);
    this.name = 'BadCredentialError';
  }
}

/** Too many wrong credentials lately: sign-in is refused until the window has passed. */
export class SignInThrottledError extends DsarError {
  public readonly code = 'sign_in_throttled';
  public constructor(
    public readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(`too many failed sign-ins; try again in ${retryAfterSeconds} s`, options);
    this.name = 'SignInThrottledError';
  }
}

/** A retry asked for a request that has nothing to retry (no failed run, or one still running). */
export class NothingToRetryError extends DsarError {
  public readonly code = 'nothing_to_retry';
  public constructor(requestId: string, why: string, options?: { cause?: unknown }) {
    super(`request ${requestId}: nothing to retry (${why})`, options);
    this.name = 'NothingToRetryError';
  }
}

/** The managed login came back without a matching state, or the code could not be exchanged. */
export class SignInFailedError extends DsarError {
  public readonly code = 'sign_in_failed';
  public constructor(why: string, options?: { cause?: unknown }) {
    super(`sign-in failed: ${why}`, options);
    this.name = 'SignInFailedError';
  }
}
