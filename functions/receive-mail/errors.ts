import { DsarError } from '../core/domain/errors';

/**
 * Why a mail was refused: a fixed code, the only thing logged about it (never its address, subject or body). Nothing
 * is answered for any of them: a refusal mailed back to a forged or automatic sender is backscatter, or a mail loop.
 * - `too_large`: over the raw size limit (RECEIVE_MAIL_MAX_BYTES);
 * - `unknown_recipient`: addressed to none of the active profile's intake addresses;
 * - `unparseable`: not a message mailparser can read;
 * - `no_from`: no single valid From address to answer;
 * - `automatic`: an auto-reply or a list mail (Auto-Submitted, Precedence bulk/junk/list, X-Autoreply…);
 * - `bounce`: a delivery report (empty envelope sender, mailer-daemon/postmaster, multipart/report);
 * - `virus`: SES's virus scan failed it (cloud only);
 * - `rate_limited`: past the intake's per-address or per-domain caps, like POST /requests's 429.
 */
export const REFUSALS = [
  'too_large',
  'unknown_recipient',
  'unparseable',
  'no_from',
  'automatic',
  'bounce',
  'virus',
  'rate_limited',
] as const;
export type Refusal = (typeof REFUSALS)[number];

/** The raw mail could not be parsed at all: the parser's own error is kept as `cause` (it is never logged). */
export class UnparseableMailError extends DsarError {
  public readonly code = 'unparseable_mail';
  public constructor(options?: { cause?: unknown }) {
    super('the raw mail could not be parsed', options);
    this.name = 'UnparseableMailError';
  }
}
