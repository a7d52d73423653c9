import type { NoticeTarget } from '../core/recipients';
import type { Correction } from '../core/domain/request';
import type { RequestRecord } from '../core/domain/request-record';

/**
 * What a recipient is told: the right exercised, what to do, the subject's identifier and nothing more (GDPR Art. 5(1)(c)
 * data minimisation: enough to find the subject, no record values — except a correction's new values, which Art. 19
 * and 11 CCR §7023(i) require passing on), the request's reference, the deadline and the answer link.
 */
export interface NoticeContent {
  right: RequestRecord['type'];
  reference: string;
  /** what the recipient is asked to do, in words */
  action: string;
  /** for a correction: attribute → corrected value */
  corrections?: { attribute: string; value: string }[];
  /** for an opt-out or objection: its scope; for a withdrawal of consent: the purpose */
  scope?: string;
  purpose?: string;
  subject: { email: string };
  deadline: string;
  answerUrl: string;
}

/** The fields of a request that say what to do (filled by the rights' intake; read loosely until every right has them). */
interface ChangeFields {
  corrections?: Correction[];
  scope?: string;
  purpose?: string;
}

/** The right, named for a recipient (the subject-facing words in domain/mail.ts say "your personal data"). */
const RIGHT_NAME: Record<RequestRecord['type'], string> = {
  access: 'access (GDPR Art. 15; CCPA §1798.110)',
  portability: 'data portability (GDPR Art. 20)',
  categories: 'know the categories of personal information (CCPA §1798.110)',
  disclosures: 'know direct-marketing disclosures (Cal. Civ. Code §1798.83)',
  deletion: 'erasure (GDPR Art. 17; CCPA §1798.105)',
  correction: 'rectification (GDPR Art. 16; CCPA §1798.106)',
  restriction: 'restriction of processing (GDPR Art. 18)',
  objection: 'object to processing (GDPR Art. 21)',
  opt_out: 'opt out (CCPA §1798.120)',
  limit_sensitive: 'limit the use of sensitive personal information (CCPA §1798.121)',
  withdraw_consent: 'withdraw consent (GDPR Art. 7(3))',
};

const ACTION: Record<RequestRecord['type'], string> = {
  access: 'Nothing: this request asks for a copy only.',
  portability: 'Nothing: this request asks for a copy only.',
  categories: 'Nothing: this request asks for information only.',
  disclosures: 'Nothing: this request asks for information only.',
  // GDPR Art. 17(2), 19; CCPA §1798.105(c)(1)
  deletion: 'Delete the personal data about this person that we disclosed to you, and tell us when it is done.',
  // GDPR Art. 16, 19; 11 CCR §7023(i)
  correction: 'Correct the personal data about this person that we disclosed to you, as follows.',
  // GDPR Art. 18(1), 19
  restriction: 'Restrict the processing of the personal data about this person: keep it, but do not use it.',
  // GDPR Art. 21, 19
  objection: 'Stop processing the personal data about this person for the purpose named.',
  // CCPA §1798.120, 11 CCR §7026(f)(2)
  opt_out: 'Record this person’s opt-out for the scope named and stop that use of their personal information.',
  // CCPA §1798.121, 11 CCR §7027
  limit_sensitive:
    'Limit the use of this person’s sensitive personal information to the purposes 11 CCR §7027(m) permits.',
  // GDPR Art. 7(3)
  withdraw_consent: 'This person withdrew their consent for the purpose named: stop processing for that purpose.',
};

/**
 * What the owner of a manual system (connectors/config.ts ManualSystem) is asked: the pipeline's own work, done by
 * hand in the place the configuration describes — find and send the records, erase them as the system's strategy
 * says, or make the change.
 */
function manualAction(type: RequestRecord['type'], manual: NonNullable<NoticeTarget['manual']>): string {
  const where = `in ${manual.description}`;
  if (type === 'access' || type === 'portability')
    return `Find every record about this person ${where} and send them to us through the link (a JSON array of objects, or a CSV file with a header row), or answer that you hold none.`;
  if (type === 'deletion') {
    const erasure = manual.erasure;
    if (erasure.strategy === 'delete')
      return `Delete every record about this person ${where} (GDPR Art. 17; CCPA §1798.105), then answer done, or not held if there were none.`;
    if (erasure.strategy === 'anonymize')
      return `Keep the records about this person ${where}, but remove what identifies them (${Object.keys(erasure.fields).join(', ')}): ${erasure.reason}. Then answer done, or not held if there were none.`;
    return `Do not delete the records about this person ${where}: they are kept (${erasure.reason}${erasure.law ? `; ${erasure.law}` : ''}). Answer done once you checked, or not held if there are none.`;
  }
  return `${ACTION[type]} This concerns the records about this person ${where}.`;
}

export function noticeContent(
  record: RequestRecord,
  email: string,
  deadline: string,
  answerUrl: string,
  target?: NoticeTarget,
): NoticeContent {
  const change = record as RequestRecord & ChangeFields;
  return {
    right: record.type,
    reference: record.requestId,
    action: target?.manual ? manualAction(record.type, target.manual) : ACTION[record.type],
    ...(record.type === 'correction' && change.corrections
      ? { corrections: change.corrections.map(({ attribute, value }) => ({ attribute, value })) }
      : {}),
    ...(change.scope && (record.type === 'opt_out' || record.type === 'objection') ? { scope: change.scope } : {}),
    ...(change.purpose && record.type === 'withdraw_consent' ? { purpose: change.purpose } : {}),
    subject: { email },
    deadline,
    answerUrl,
  };
}

/** The webhook body: the same content as the mail, as JSON (README, "Recipient notices"). */
export function webhookBody(recipient: NoticeTarget, content: NoticeContent): Record<string, unknown> {
  return {
    type: 'dsar.notice',
    version: 1,
    recipient: recipient.id,
    ...(recipient.system ? { system: recipient.system } : {}),
    ...content,
  };
}

/** The notice as a plain-text mail. */
export function noticeMail(recipient: NoticeTarget, content: NoticeContent): { subject: string; text: string } {
  const lines = [
    `To ${recipient.name},`,
    '',
    recipient.manual
      ? `A person exercised their right to ${RIGHT_NAME[content.right]} (our reference ${content.reference}). Our system "${recipient.system}", which you answer for, can only be reached by a person: please do the following by hand.`
      : recipient.system
        ? `A person exercised their right to ${RIGHT_NAME[content.right]} (our reference ${content.reference}). Our system "${recipient.system}", which you answer for, cannot make this change itself: please make it by hand there.`
        : `A person exercised their right to ${RIGHT_NAME[content.right]} (our reference ${content.reference}). We disclosed personal data about them to you, so we are passing the request on (GDPR Art. 19; CCPA §1798.105(c)).`,
    '',
    `What to do: ${content.action}`,
    ...(content.corrections ?? []).map((c) => `  - ${c.attribute}: ${c.value}`),
    ...(content.scope ? [`Scope: ${content.scope}`] : []),
    ...(content.purpose ? [`Purpose: ${content.purpose}`] : []),
    '',
    `The person: email address ${content.subject.email}`,
    recipient.manual && (content.right === 'access' || content.right === 'portability')
      ? `Please answer by ${content.deadline}: send the records, or not held (you hold nothing about this person), or an exception with its reason.`
      : `Please answer by ${content.deadline}: done, not held (you hold nothing about this person), or an exception with its reason.`,
    `Answer here (the link works once): ${content.answerUrl}`,
  ];
  return { subject: `Data subject request ${content.reference}: please act and answer`, text: lines.join('\n') };
}
