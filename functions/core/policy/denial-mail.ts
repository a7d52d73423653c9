import { RIGHT } from '../domain/mail';
import { subjectEmail, type RequestRecord } from '../domain/request-record';
import type { MailMessage } from '../ports';
import type { AppealRule, Pack } from '../rules/pack';
import { complaintAuthority } from './authorities';
import type { Reason } from './reasons';
import type { Profile } from './profile';

/**
 * The mail that tells a subject their request will not be carried out: every reason in plain words, and — where the
 * law gives them — how to appeal and where to complain. GDPR Art. 12(4): "inform the data subject without delay … of
 * the reasons for not taking action and on the possibility of lodging a complaint with a supervisory authority";
 * 11 CCR §7022(f)/§7024(e): explain the basis for the denial; Va. Code §59.1-577(A)(2), Colo. Rev. Stat.
 * §6-1-1306(2)(b), Conn. Gen. Stat. §42-518(a)(2), Tex. Bus. & Com. Code §541.052(c): the justification, and
 * instructions for an appeal.
 */

const LAW: Record<Pack['id'], string> = {
  gdpr: 'the EU General Data Protection Regulation',
  uk_gdpr: 'the UK GDPR',
  ccpa: 'the California Consumer Privacy Act',
  vcdpa: 'the Virginia Consumer Data Protection Act',
  cpa: 'the Colorado Privacy Act',
  ctdpa: 'the Connecticut Data Privacy Act',
  tdpsa: 'the Texas Data Privacy and Security Act',
};

export function lawName(id: Pack['id']): string {
  return LAW[id];
}

/** One sentence per reason, in the subject's terms. */
function explain(reason: Reason, record: RequestRecord, profile: Profile): string {
  switch (reason.code) {
    case 'outside_jurisdiction':
      return (
        `You made this request under ${LAW[record.regulation]}, and ${profile.company} answers requests under ` +
        `${profile.jurisdictions.map((j) => LAW[j]).join(', ')} only. If one of those laws covers you, you may make ` +
        'the request again under it.'
      );
    case 'processor_referral':
      return (
        `We hold this data on behalf of ${record.controller ?? 'the organisation whose service you use'}, which decides ` +
        'what happens to it: please send your request to them, and we will help them answer it.'
      );
    case 'subject_not_served':
      return `${profile.company} does not answer privacy requests from people in your relationship to us through this service.`;
    case 'right_not_offered':
      return `${LAW[record.regulation]} does not give the right to ${RIGHT[record.type]}, and ${profile.company} does not offer it.`;
    case 'frequency_limit': {
      const limit = profile.limits[record.type];
      return limit
        ? `You have already made ${limit.max} such ${limit.max === 1 ? 'request' : 'requests'} in the period of ` +
            `${describePeriod(limit.per)} before this one, which is as many as we answer in that time.`
        : 'You have already made as many such requests as we answer in that time.';
    }
    case 'agent_without_authority':
      return agentReason(record, profile);
    // an operator's denial: their reason, as they wrote it for the subject
    case 'operator':
      return reason.source;
    // holds are never mailed as denials; said plainly should one ever be
    case 'review_required':
    case 'verification_review':
    case 'possibly_excessive':
    case 'appeal':
    case 'agent_document_review':
    case 'type_unclear':
      return 'Your request needs a decision by our privacy team.';
  }
}

/** Why an agent's authority was not accepted (decide.ts agentWithoutAuthority, in the same order). */
function agentReason(record: RequestRecord, profile: Profile): string {
  const by = record.agent ? `by ${record.agent.name}, acting for you` : 'by someone acting for you';
  if (!profile.agents.allowed)
    return `This request was made ${by}, and ${profile.company} does not accept requests made through an agent: you may make it yourself.`;
  if (record.agentAuthority?.authority === 'power_of_attorney' && !profile.agents.powerOfAttorney)
    return (
      `This request was made ${by} under a power of attorney, and ${profile.company} does not act on a power of ` +
      'attorney alone: the agent may send your signed permission instead, which we will ask you to confirm.'
    );
  return (
    `This request was made ${by} without a document showing their authority (your signed permission or a power of ` +
    'attorney, 11 CCR §7063): the agent may make it again with one.'
  );
}

function describePeriod(period: string): string {
  const match = /^P(\d+)([YMD])$/.exec(period);
  if (!match) return period;
  const n = Number(match[1]);
  const unit = { Y: 'year', M: 'month', D: 'day' }[match[2] as 'Y' | 'M' | 'D'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * The appeal the law gives against a refusal of this right (Virginia, Colorado, Connecticut, Texas: against a refusal
 * to act on any request, so a right the law does not list falls back to the access rule's); undefined under the GDPR,
 * the UK GDPR and the CCPA, which give none.
 */
export function appealRule(pack: Pack, type: RequestRecord['type']): AppealRule | undefined {
  const rule = pack.rights[type];
  const access = pack.rights.access;
  return (rule?.given ? rule.appeal : undefined) ?? (access?.given ? access.appeal : undefined);
}

/** A single-use link to the appeal form, and the last day it works. */
export interface AppealOffer {
  link: string;
  until: string;
}

/** Where the law gives an appeal, how to make it and how long the company has to decide it. */
function appealLines(record: RequestRecord, pack: Pack, profile: Profile, offer?: AppealOffer): string[] {
  const appeal = appealRule(pack, record.type);
  if (appeal === undefined) return [];
  const unit = appeal.respond.unit === 'business_days' ? 'business days' : 'days';
  const decided = `We will decide your appeal within ${appeal.respond.length} ${unit} and tell you why.`;
  const law = appeal.respond.source.split(':')[0];
  return offer
    ? [
        '',
        `You may appeal this decision (${law}): open this link by ${offer.until} and tell us why. ${decided}`,
        offer.link,
      ]
    : [
        '',
        `You may appeal this decision (${law}): reply to this message, or write to ` +
          `${profile.intake.emails[0] ?? 'us'}, quoting reference ${record.requestId}. ${decided}`,
      ];
}

export function denialMail(
  record: RequestRecord,
  reasons: readonly Reason[],
  profile: Profile,
  pack: Pack,
  offer?: AppealOffer,
): MailMessage {
  const authority = complaintAuthority(profile, record.regulation);
  const referral = reasons.some((r) => r.code === 'processor_referral');
  return {
    to: subjectEmail(record),
    subject: referral ? 'Where to send your privacy request' : 'We cannot carry out your privacy request',
    text: [
      `We received your request for ${RIGHT[record.type]} (reference ${record.requestId}), and we will not carry it out, for ${reasons.length === 1 ? 'this reason' : 'these reasons'}:`,
      ...reasons.map((r) => `- ${explain(r, record, profile)}`),
      ...appealLines(record, pack, profile, offer),
      '',
      `If you disagree, you may complain to ${authority.name}: ${authority.url}`,
      ...(profile.denialWording ? ['', profile.denialWording] : []),
    ].join('\n'),
  };
}

/**
 * What the agent of a denied request is told (11 CCR §7063: the agent made the request, so it must learn why its
 * authority was not accepted): the reasons about that authority only — and, on a power of attorney, an operator's
 * reason, which is their judgement of the document. Every other reason (a frequency limit, a referral) is about the
 * subject and goes to the subject alone: the agent's authority was not accepted, so it learns nothing about them.
 * Undefined when no reason is the agent's to hear, or the agent's address was forgotten.
 */
export function agentDenialMail(
  record: RequestRecord,
  reasons: readonly Reason[],
  profile: Profile,
): MailMessage | undefined {
  if (!record.agent) return undefined;
  const own = reasons.filter(
    (r) =>
      r.code === 'agent_without_authority' ||
      (r.code === 'operator' && record.agentAuthority?.authority === 'power_of_attorney'),
  );
  if (own.length === 0) return undefined;
  return {
    to: record.agent.email,
    subject: 'We cannot carry out the privacy request you made',
    text: [
      `You asked us, on someone else's behalf, for ${RIGHT[record.type]} (reference ${record.requestId}). We will not carry it out:`,
      ...own.map((r) => `- ${r.code === 'operator' ? r.source : agentReasonForAgent(record, profile)}`),
      '',
      'We have told the person you acted for, with every reason that applies.',
    ].join('\n'),
  };
}

/** As agentReason, addressed to the agent. */
function agentReasonForAgent(record: RequestRecord, profile: Profile): string {
  if (!profile.agents.allowed)
    return `${profile.company} does not accept requests made through an agent; the person may make it themselves.`;
  if (record.agentAuthority?.authority === 'power_of_attorney' && !profile.agents.powerOfAttorney)
    return `${profile.company} does not act on a power of attorney alone; you may send the person's signed permission instead, which they will be asked to confirm.`;
  return (
    "You gave no document of your authority (the person's signed permission or a power of attorney, 11 CCR " +
    '§7063(a)(1)): upload one through POST /agent-documents and make the request again, naming it.'
  );
}

/**
 * The request forwarded to the controller's privacy contact (GDPR Art. 28(3)(e): the processor assists the controller
 * in answering; CCPA §1798.140(ag)): the right, the address that made it and the reference. The subject named the
 * controller, and is told in the referral that their request went there.
 */
export function referralForwardMail(record: RequestRecord, contact: string, profile: Profile): MailMessage {
  return {
    to: contact,
    subject: 'A privacy request from one of your end users',
    text: [
      `${profile.company} received a request for ${RIGHT[record.type]} from ${subjectEmail(record)}, who told us you`,
      `control their data in our service (our reference ${record.requestId}; made under ${LAW[record.regulation]}).`,
      '',
      'We process that data on your behalf, so the request is yours to decide. Tell us what to do and we will carry it',
      'out in our systems, as our agreement with you provides.',
    ].join('\n'),
  };
}

/**
 * An appeal decided against the subject: the reason, and where to complain — Va. Code §59.1-577(C), Conn. Gen. Stat.
 * §42-518(d): "a method through which the consumer may contact the Attorney General to submit a complaint"; Colo. Rev.
 * Stat. §6-1-1306(3), Tex. Bus. & Com. Code §541.053 likewise.
 */
export function appealDeniedMail(record: RequestRecord, reason: string, profile: Profile): MailMessage {
  const authority = complaintAuthority(profile, record.regulation);
  return {
    to: subjectEmail(record),
    subject: 'The decision on your appeal',
    text: [
      `We reviewed your appeal (reference ${record.requestId}) of our decision on your request ${record.appealOf ?? ''}`,
      `for ${RIGHT[record.type]}, and we uphold that decision:`,
      `- ${reason}`,
      '',
      `If you disagree, you may submit a complaint to ${authority.name}: ${authority.url}`,
      ...(profile.denialWording ? ['', profile.denialWording] : []),
    ].join('\n'),
  };
}
