import { RateLimitedError } from '../core/domain/errors';
import { Email, type Regulation, type SubmitRequestBody } from '../core/domain/request';
import type { RequestStatus } from '../core/domain/status';
import { logger } from '../core/logger';
import type { SubmitContext, SubmitRequestResult } from '../submit-request/submit-request';
import { type Refusal, UnparseableMailError } from './errors';
import { RECEIVE_MAIL_MAX_BYTES } from './keys';
import { guessRight, ownWords } from './rights';

/** How much of an unclear mail is kept for the operator who decides its right. */
const MAX_KEPT_CHARS = 2000;

export { INBOUND_MAIL_PREFIX, RECEIVE_MAIL_MAX_BYTES } from './keys';

/** The stored raw mail: read up to a limit (over it: its size only), and deleted. */
export interface RawMailStore {
  /** the raw message; `tooLarge` (its size) without reading it past `maxBytes`; undefined when it is gone */
  read(key: string, maxBytes: number): Promise<{ raw: Buffer } | { tooLarge: number } | undefined>;
  delete(key: string): Promise<void>;
}

/** What the use case reads of a parsed mail (functions/receive-mail/parse-mail.ts); nothing else is kept. */
export interface ParsedMail {
  /** the single From address, as written; undefined when there is none, or several */
  from?: string;
  subject: string;
  text: string;
  /** lowercased header values that mark automatic mail (RFC 3834 Auto-Submitted; Precedence) */
  autoSubmitted?: string;
  precedence?: string;
  /** X-Autoreply, X-Autorespond or X-Auto-Response-Suppress present */
  autoReplyHeader: boolean;
  /** the top-level media type, lowercased (`multipart/report` is a delivery or read report, RFC 6522) */
  contentType?: string;
  /** how many attachments were dropped unread */
  attachments: number;
}

/** One received mail, as SES's receipt (or the twin's SMTP session) describes it: ids and the envelope. */
export interface InboundMail {
  /** the raw object's key (INBOUND_MAIL_PREFIX + the message id) */
  key: string;
  messageId: string;
  /** the envelope recipients (RCPT TO) the receiver accepted: Bcc'd intake addresses count, a forged To does not */
  recipients: readonly string[];
  /** the envelope sender (MAIL FROM); empty for a bounce (RFC 5321 §4.5.5) */
  sender: string;
  /** SES's virus scan failed it (none locally) */
  virus?: boolean;
}

export type ReceiveMailResult =
  | { outcome: 'request'; requestId: string; status: RequestStatus; unclear: boolean }
  | { outcome: 'refused'; reason: Refusal }
  | { outcome: 'gone' };

export interface ReceiveMailDeps {
  store: RawMailStore;
  parse: (raw: Buffer) => Promise<ParsedMail>;
  /** the same intake use case as POST /requests (functions/submit-request) */
  submit: { execute(body: SubmitRequestBody, context: SubmitContext): Promise<SubmitRequestResult> };
  /** the active profile's intake addresses (`intake.emails`): mail to any other is refused */
  intakeAddresses: () => readonly string[];
  /** the law a mailed request is made under: the first the profile answers under (a mail names none) */
  regulation: () => Regulation;
  maxBytes?: number;
}

/**
 * A request by email (issue 11 §4): one raw mail becomes a request through the same intake use case as POST /requests,
 * or is refused. The From address is only the address the request names: a header proves nothing, so the usual
 * verification link goes to it and only the mailbox's owner can go on (an opt-out of sale/sharing needs no proof,
 * 11 CCR §7026(d), exactly as through the API). The right is guessed from the words when clear (rights.ts); otherwise
 * the request is recorded with a placeholder and held for an operator (`type_unclear`).
 *
 * Refused, unanswered (a reply to a forged or automatic sender is backscatter), and logged with ids, sizes and a code
 * only: oversized, unparseable, no From, automatic, bounces, a failed virus scan, mail to an address that is not an
 * intake address, and mail past the intake's caps. The raw object is deleted once the mail became a request or was
 * refused (GDPR Art. 5(1)(c), (e): nothing kept beyond need); on any other failure it stays for the retry, and the
 * bucket's lifecycle removes it within a day whatever happens.
 *
 * Re-entrant: the request's idempotency key is derived from the message id, so a retried invocation finds the same
 * request and mails nothing twice.
 */
export class ReceiveMail {
  private readonly maxBytes: number;

  public constructor(private readonly deps: ReceiveMailDeps) {
    this.maxBytes = deps.maxBytes ?? RECEIVE_MAIL_MAX_BYTES;
  }

  public async execute(mail: InboundMail): Promise<ReceiveMailResult> {
    const read = await this.deps.store.read(mail.key, this.maxBytes);
    if (read === undefined) {
      logger.info('inbound mail already handled', { messageId: mail.messageId });
      return { outcome: 'gone' };
    }
    const bytes = 'raw' in read ? read.raw.length : read.tooLarge;
    const result = await this.receive(mail, read);
    await this.deps.store.delete(mail.key);
    if (result.outcome === 'refused')
      logger.warn('inbound mail refused', { messageId: mail.messageId, bytes, reason: result.reason });
    else
      logger.info('inbound mail became a request', {
        messageId: mail.messageId,
        bytes,
        requestId: result.requestId,
        unclear: result.unclear,
      });
    return result;
  }

  private async receive(
    mail: InboundMail,
    read: { raw: Buffer } | { tooLarge: number },
  ): Promise<Exclude<ReceiveMailResult, { outcome: 'gone' }>> {
    const refuse = (reason: Refusal) => ({ outcome: 'refused' as const, reason });
    if (!('raw' in read)) return refuse('too_large');
    if (mail.virus) return refuse('virus');
    const intake = new Set(this.deps.intakeAddresses().map((a) => a.toLowerCase()));
    if (!mail.recipients.some((r) => intake.has(r.trim().toLowerCase()))) return refuse('unknown_recipient');
    if (mail.sender.trim() === '' || mail.sender.trim() === '<>') return refuse('bounce');

    let parsed: ParsedMail;
    try {
      parsed = await this.deps.parse(read.raw);
    } catch (error) {
      if (error instanceof UnparseableMailError) return refuse('unparseable');
      throw error;
    }
    const automatic = automaticMail(parsed);
    if (automatic) return refuse(automatic);
    const from = parsed.from === undefined ? undefined : Email.safeParse(parsed.from);
    if (!from?.success) return refuse('no_from');

    const guess = guessRight(parsed.subject, parsed.text);
    const unclear = guess === 'unclear';
    // the placeholder of an unclear mail: access, which changes nothing and is given under every law
    const right = unclear ? { type: 'access' as const } : guess;
    const body = {
      ...right,
      regulation: this.deps.regulation(),
      // no name: the From display name proves nothing and the request does not need it (GDPR Art. 5(1)(c))
      subject: { email: from.data },
    } as SubmitRequestBody;
    try {
      const result = await this.deps.submit.execute(body, {
        idempotencyKey: `mail:${mail.messageId}`,
        channel: 'email',
        // the operator decides the right from the words: kept on the request, forgotten with its subject
        ...(unclear ? { typeUnclear: true, mailText: ownWords(parsed.subject, parsed.text, MAX_KEPT_CHARS) } : {}),
      });
      return { outcome: 'request', requestId: result.requestId, status: result.status, unclear };
    } catch (error) {
      if (error instanceof RateLimitedError) return refuse('rate_limited');
      throw error;
    }
  }
}

/** Auto-replies, list mail and delivery reports: never a request, and never to be answered (RFC 3834 §2). */
function automaticMail(mail: ParsedMail): Refusal | undefined {
  const from = mail.from?.toLowerCase() ?? '';
  const local = from.slice(0, from.lastIndexOf('@'));
  if (local === 'mailer-daemon' || local === 'postmaster' || mail.contentType === 'multipart/report') return 'bounce';
  if (mail.autoSubmitted !== undefined && mail.autoSubmitted !== 'no') return 'automatic';
  if (mail.precedence !== undefined && ['bulk', 'junk', 'list', 'auto_reply'].includes(mail.precedence))
    return 'automatic';
  if (mail.autoReplyHeader) return 'automatic';
  return undefined;
}
