import { type AddressObject, type Headers, MailParser, type StructuredHeader } from 'mailparser';
import { UnparseableMailError } from './errors';
import type { ParsedMail } from './receive-mail';

/**
 * mailparser behind the use case's port: the From address, the subject, the plain text and the headers that mark an
 * automatic mail — nothing else is kept. Attachments are never stored, nor held in memory: each attachment's stream is
 * drained as it comes (its bytes go nowhere) and released, so the parser goes on; only their count is returned. HTML is
 * turned into text only when there is no text part (mailparser's default), never into HTML from text.
 */
export function parseMail(raw: Buffer): Promise<ParsedMail> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
    let headers: Headers = new Map();
    let text = '';
    let attachments = 0;
    parser.on('headers', (h: Headers) => {
      headers = h;
    });
    parser.on('data', (data) => {
      if (data.type === 'attachment') {
        attachments += 1;
        data.content.on('data', () => undefined);
        data.content.on('end', () => data.release?.());
        data.content.resume();
      } else if (data.type === 'text') {
        text = typeof data.text === 'string' ? data.text : '';
      }
    });
    parser.on('error', (error: unknown) => reject(new UnparseableMailError({ cause: error })));
    parser.on('end', () => resolve(summarise(headers, text, attachments)));
    parser.end(raw);
  });
}

function summarise(headers: Headers, text: string, attachments: number): ParsedMail {
  const from = headers.get('from') as AddressObject | AddressObject[] | undefined;
  const addresses = (Array.isArray(from) ? from : from ? [from] : []).flatMap((a) => a.value);
  const contentType = headers.get('content-type') as StructuredHeader | undefined;
  return {
    // a From naming several mailboxes answers to no one in particular (RFC 5322 §3.6.2 then wants a Sender)
    from: addresses.length === 1 ? addresses[0]?.address : undefined,
    subject: typeof headers.get('subject') === 'string' ? (headers.get('subject') as string) : '',
    text,
    autoSubmitted: headerText(headers.get('auto-submitted')),
    precedence: headerText(headers.get('precedence')),
    autoReplyHeader: ['x-autoreply', 'x-autorespond', 'x-auto-response-suppress'].some((name) => headers.has(name)),
    contentType: contentType?.value?.toLowerCase(),
    attachments,
  };
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string')
    return value.value.trim().toLowerCase();
  return undefined;
}
