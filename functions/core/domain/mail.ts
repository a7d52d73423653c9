import type { MailMessage } from '../ports';
import { subjectEmail, type RequestRecord } from './request-record';

/**
 * The mails the pipeline sends. Plain text, the request's id and dates, and a link carrying a token.
 * They go only to the address on the request, which is the identity being verified.
 */
export const RIGHT: Record<RequestRecord['type'], string> = {
  access: 'a copy of your personal data',
  portability: 'a portable copy of the personal data you provided to us',
  categories: 'the categories of personal data we hold about you and why',
  disclosures: 'the disclosures of your personal data to others for their direct marketing',
  deletion: 'the deletion of your personal data',
  correction: 'the correction of your personal data',
  restriction: 'the restriction of the processing of your personal data',
  objection: 'your objection to the processing of your personal data',
  opt_out: 'an opt-out from the use of your personal data',
  limit_sensitive: 'limiting the use of your sensitive personal information',
  withdraw_consent: 'the withdrawal of your consent',
};

/** What confirming will do, said before anyone confirms (a deletion cannot be undone). */
export const CONSEQUENCE: Record<RequestRecord['type'], string> = {
  access:
    'Confirming sends a copy of the personal data we hold about this address to this mailbox, as a download link.',
  deletion:
    'Confirming will permanently erase the personal data we hold about this address in every system that holds it, ' +
    'except what the law requires us to keep; the receipt will say what was kept and why. This cannot be undone.',
  portability:
    'Confirming sends the personal data you provided to us, as JSON and CSV files in one archive, to this mailbox as a ' +
    'download link.',
  categories:
    'Confirming sends a statement of the categories of personal data we hold, where they come from, why we use them ' +
    'and whom we disclose them to, to this mailbox.',
  disclosures:
    'Confirming sends a statement of the third parties we disclosed personal information to for their own direct ' +
    'marketing in the preceding calendar year, to this mailbox.',
  correction:
    'Confirming will change the details you asked us to correct in every system that holds them, and tell those we ' +
    'shared them with; the answer will say what was changed where, and why anything could not be.',
  restriction:
    'Confirming will mark your personal data as restricted in every system that holds it: we will keep it but not use ' +
    'it, and we will tell you before the restriction is lifted.',
  objection:
    'Confirming will record your objection in every system that holds your personal data and tell those we shared it ' +
    'with.',
  opt_out:
    'Confirming will record your opt-out in every system that holds your personal data and tell those we shared it ' +
    'with.',
  limit_sensitive:
    'Confirming will limit the use of your sensitive personal information to what the law permits, in every system ' +
    'that holds it, and tell those we shared it with.',
  withdraw_consent:
    'Confirming will record that you withdrew your consent in every system that relies on it, and tell those that ' +
    'process your data for that purpose.',
};

export function verificationMail(record: RequestRecord, link: string, expiresAt: Date): MailMessage {
  return {
    to: subjectEmail(record),
    subject: 'Please confirm your privacy request',
    text: [
      // a mail whose words named no one right: its type is a placeholder, so the mail names none (receive-mail)
      record.typeUnclear
        ? `We received your privacy request by email (reference ${record.requestId}). We could not tell from your message which right you want to exercise: once you confirm, a member of our privacy team will decide it with you.`
        : `We received a request for ${RIGHT[record.type]} (reference ${record.requestId}).`,
      // 11 CCR §7063(a)(2)–(3): an agent's request is confirmed by the subject directly, who must know who asked
      ...(record.agent
        ? [
            `It was made on your behalf by ${record.agent.name} (${record.agent.email}), as your authorized agent.`,
            'Confirm only if you gave them permission to make this request for you. The answer will come to you, not to them.',
          ]
        : []),
      ...(record.typeUnclear ? [] : [CONSEQUENCE[record.type]]),
      '',
      record.agent
        ? 'To confirm that it is you and that you gave this permission, please open this link and confirm:'
        : 'To make sure it was you, please open this link and confirm:',
      link,
      '',
      `The link works once and expires on ${expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
      'If you did not make this request, open the link and choose "This was not me" to cancel it, or ignore this mail:',
      'nothing will happen, and the request lapses when the link expires.',
    ].join('\n'),
  };
}

/**
 * The agent's acknowledgment of a request made for someone else: the reference and what happens next, nothing about
 * the subject (the agent is not verified; the subject confirms, or an operator checks a power of attorney).
 */
export function agentAcknowledgmentMail(
  record: RequestRecord & { agent: NonNullable<RequestRecord['agent']> },
): MailMessage {
  const next =
    record.agentAuthority?.authority === 'power_of_attorney'
      ? 'Our privacy team will check the power of attorney you sent before we act on it.'
      : 'We have asked the person you act for to confirm it themselves; nothing happens until they do.';
  return {
    to: record.agent.email,
    subject: 'We received the privacy request you made',
    text: [
      `We received the request for ${RIGHT[record.type]} you made on someone else's behalf (reference ${record.requestId}).`,
      next,
      'The answer goes to that person directly.',
    ].join('\n'),
  };
}

/** What a document of each right is called in the mail that links to it. */
const DOCUMENT: Record<RequestRecord['type'], string> = {
  access: 'your data export',
  portability: 'your portable data archive',
  categories: 'the statement of categories',
  disclosures: 'the statement of disclosures',
  deletion: 'your deletion receipt',
  correction: 'your receipt',
  restriction: 'your receipt',
  objection: 'your receipt',
  opt_out: 'your receipt',
  limit_sensitive: 'your receipt',
  withdraw_consent: 'your receipt',
};

/** The receipt's per-system outcome words (receipt-format.ts), as a sentence; `n` is the record count it carries. */
const DONE: Record<string, (n: number) => string> = {
  erased: (n) => `erased (${n} records found)`,
  anonymized: (n) => `anonymised (${n} records found)`,
  retained: (n) => `kept, for the reason the receipt gives (${n} records found)`,
  nothing_found: () => 'nothing found',
  failed: () => 'could not be completed; the receipt says so, and we will follow up',
  changed: (n) => `changed as asked (${n} records)`,
  unchanged: () => 'already as asked, nothing to change',
  refused: (n) => `could not be changed (${n} records); the receipt says why and who will do it by hand`,
  not_recorded: () => 'records none of what you asked about, so there was nothing to change',
  found: (n) => `${n} records found`,
  not_found: () => 'nothing found',
};

/** Per system, what was done (counts and fixed words, never a value): from the receipt's judgement or the search. */
export function doneLines(record: RequestRecord): string[] {
  const done =
    record.done ??
    (record.outcomes ?? []).map((o) => ({
      systemId: o.systemId,
      outcome: o.status === 'failed' ? 'failed_search' : o.status,
      records: o.recordCount,
    }));
  return done.map(({ systemId, outcome, records }) => {
    const say = outcome === 'failed_search' ? () => 'could not be searched' : DONE[outcome];
    return `- ${systemId}: ${say ? say(records) : outcome}`;
  });
}

/**
 * The answer: which right was exercised, what was done in each system, and a single-use link to the document (the
 * export, statement or receipt). A restriction's answer promises the notice before a lift (GDPR Art. 18(3)).
 */
export function deliveryMail(record: RequestRecord, link: string, complete: boolean, expiresAt: Date): MailMessage {
  const systems = doneLines(record);
  return {
    to: subjectEmail(record),
    subject: complete ? 'Your privacy request is complete' : 'Your privacy request is partly complete',
    text: [
      `Your request for ${RIGHT[record.type]} (reference ${record.requestId}) has been answered.`,
      ...(complete
        ? []
        : [
            'Some systems could not do what was asked. The document says which and why; we will follow up on them, and nothing is presented as complete that is not.',
          ]),
      ...(systems.length > 0 ? ['', 'What was done in each of our systems:', ...systems, ''] : []),
      ...(record.type === 'restriction'
        ? ['We will write to you at this address before the restriction is lifted.', '']
        : []),
      `Download ${DOCUMENT[record.type]} here (the link works once, until ${expiresAt.toISOString().slice(0, 10)}):`,
      link,
    ].join('\n'),
  };
}

/**
 * GDPR Art. 18(3): a subject who obtained a restriction is told before it is lifted. Sent before any flag is cleared,
 * with the date of the lift, to the address the restriction kept for this purpose.
 */
export function liftNoticeMail(record: RequestRecord, liftAt: Date): MailMessage {
  return {
    to: subjectEmail(record),
    subject: 'The restriction of your personal data will be lifted',
    text: [
      `You asked us to restrict the processing of your personal data (reference ${record.requestId}).`,
      `We will lift that restriction on ${liftAt.toISOString().slice(0, 10)}: from then on we may use that data again ` +
        'for the purposes we told you about.',
      '',
      'If you think the restriction should stay (for instance, because the accuracy of the data is still contested or ' +
        'your objection is still being considered), reply before that date. You may also ask for the data to be deleted, ' +
        'or complain to a supervisory authority.',
    ].join('\n'),
  };
}

/**
 * The notice of an extension (GDPR Art. 12(3): "together with the reasons for the delay"; CCPA §1798.130(a)(2)(A),
 * 11 CCR §7021(b): notice and an explanation of the reason): the new date and the operator's reason.
 */
export function extensionMail(record: RequestRecord, dueOn: string, reason: string): MailMessage {
  return {
    to: subjectEmail(record),
    subject: 'We need more time to answer your privacy request',
    text: [
      `We are still working on your request (reference ${record.requestId}), and need more time than the law's first`,
      `period allows: we will answer by ${dueOn}.`,
      '',
      `Why: ${reason}`,
      '',
      'You do not need to do anything. If you disagree with the delay, you may reply to this message, or complain to',
      'a supervisory authority (under the GDPR) or to the California Privacy Protection Agency (under the CCPA).',
    ].join('\n'),
  };
}
