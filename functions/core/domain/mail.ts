import type { MailMessage } from '../ports';
import { subjectEmail, type RequestRecord } from './request-record';

/**
 * The mails the pipeline sends. Plain text, the request's id and dates, and a link carrying a token.
 * They go only to the address on the request, which is the identity being verified.
 */
const RIGHT: Record<RequestRecord['type'], string> = {
  access: 'a copy of your personal data',
  deletion: 'the deletion of your personal data',
};

/** What confirming will do, said before anyone confirms (a deletion cannot be undone). */
export const CONSEQUENCE: Record<RequestRecord['type'], string> = {
  access:
    'Confirming sends a copy of the personal data we hold about this address to this mailbox, as a download link.',
  deletion:
    'Confirming will permanently erase the personal data we hold about this address in every system that holds it, ' +
    'except what the law requires us to keep; the receipt will say what was kept and why. This cannot be undone.',
};

export function verificationMail(record: RequestRecord, link: string, expiresAt: Date): MailMessage {
  return {
    to: subjectEmail(record),
    subject: 'Please confirm your privacy request',
    text: [
      `We received a request for ${RIGHT[record.type]} (reference ${record.requestId}).`,
      CONSEQUENCE[record.type],
      '',
      'To make sure it was you, please open this link and confirm:',
      link,
      '',
      `The link works once and expires on ${expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
      'If you did not make this request, open the link and choose "This was not me" to cancel it, or ignore this mail:',
      'nothing will happen, and the request lapses when the link expires.',
    ].join('\n'),
  };
}

export function deliveryMail(record: RequestRecord, link: string, complete: boolean, expiresAt: Date): MailMessage {
  const what = record.type === 'deletion' ? 'your deletion receipt' : 'your data export';
  return {
    to: subjectEmail(record),
    subject: complete ? 'Your privacy request is complete' : 'Your privacy request is partly complete',
    text: [
      `Your request (reference ${record.requestId}) has been answered.`,
      complete
        ? ''
        : 'Some systems could not be reached. The document says which; we will follow up on them, and nothing is presented as complete that is not.',
      `Download ${what} here (the link works once, until ${expiresAt.toISOString().slice(0, 10)}):`,
      link,
    ]
      .filter((line, i) => line !== '' || i !== 1)
      .join('\n'),
  };
}
