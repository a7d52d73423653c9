import type { RequestRecord } from '../domain/request-record';
import { addCalendarMonths, addDays, toCalendarDate } from '../rules/calendar-date';
import { loadPack, type PackId } from '../rules/pack';
import { periodParts, type Profile, type SubjectType } from './profile';
import type { Reason } from './reasons';

/**
 * The policy step's rules, as one pure function: given the request, the company's profile, the law's pack and the
 * subject's earlier requests, go on, or deny with reasons. It runs after verification and before any system is
 * searched (infra/workflow/definition.ts, Decide). Every reason is a fixed code with the source it rests on — the
 * article or the policy's own words — so a denial can be explained to the subject and checked by an auditor, and
 * nothing personal is in it (the codes travel in workflow state).
 *
 * The order is the order a privacy team would check by hand; every reason found is given, not only the first, so the
 * subject is not denied again for a second reason after fixing the first.
 */

export type Decision =
  | { outcome: 'go' }
  | { outcome: 'deny'; reasons: Reason[] }
  | { outcome: 'hold'; reasons: Reason[] };

const TYPE_UNCLEAR: Reason = {
  code: 'type_unclear',
  source: 'GDPR Art. 12(2): the request came by email and its words name no one right; a person decides which',
};

/** The statuses of earlier requests that do not count against a limit: nothing was done for anyone. */
const NOT_COUNTED: ReadonlySet<RequestRecord['status']> = new Set(['rejected', 'expired', 'cancelled']);

export interface DecideInput {
  request: Pick<
    RequestRecord,
    'requestId' | 'type' | 'regulation' | 'receivedAt' | 'relationship' | 'agentAuthority' | 'typeUnclear'
  >;
  profile: Profile;
  /** the subject's other requests (same keyed hash of the address), any status */
  earlier: readonly Pick<RequestRecord, 'requestId' | 'type' | 'status' | 'receivedAt'>[];
}

export function decide({ request, profile, earlier }: DecideInput): Decision {
  // Every rule below depends on the right; a mail whose right is unclear has only a placeholder, so a person decides
  // the right first (GDPR Art. 12(2): the controller facilitates the exercise of rights — it does not drop the request).
  // The operator's `approve --right` checks the rules for the right chosen (functions/operator-decision).
  if (request.typeUnclear) return { outcome: 'hold', reasons: [TYPE_UNCLEAR] };
  const reasons: Reason[] = [];
  const law = request.regulation as PackId;
  if (!profile.jurisdictions.includes(law))
    reasons.push({
      code: 'outside_jurisdiction',
      source: `profile ${profile.id}: answers under ${profile.jurisdictions.join(', ')} only`,
    });

  const subjectType: SubjectType = request.relationship ?? 'customer';
  const rule = profile.subjects[subjectType];
  if (rule === undefined) {
    reasons.push({ code: 'subject_not_served', source: `profile ${profile.id}: no rights stated for ${subjectType}` });
  } else if (rule.handling === 'refer_to_controller') {
    reasons.push({ code: 'processor_referral', source: rule.source });
  } else if (!rule.rights.includes(request.type) && subjectType === 'end_user') {
    // for an end user's data the company is a processor: the law's rights are owed by the controller, so what the
    // company does not offer itself is referred there (GDPR Art. 28(3)(e))
    reasons.push({
      code: 'processor_referral',
      source: `GDPR Art. 28(3)(e); CCPA §1798.140(ag); profile ${profile.id} answers end users for ${rule.rights.join(', ')} only`,
    });
  } else if (!rule.rights.includes(request.type)) {
    // the law's rights are answered whatever the company lists; a right neither gives is denied, with the law's words
    const given = loadPack(law).rights[request.type];
    if (!given?.given)
      reasons.push({
        code: 'right_not_offered',
        source: `${given?.source ?? law}; profile ${profile.id} does not offer it to ${subjectType}s`,
      });
  }

  const limit = profile.limits[request.type];
  if (limit !== undefined) {
    const counted = within(earlier, request, limit.per).filter(
      (e) => e.requestId !== request.requestId && e.type === request.type,
    );
    if (counted.length >= limit.max) reasons.push({ code: 'frequency_limit', source: limit.source });
  }
  const agentReason = agentWithoutAuthority(request.agentAuthority, profile);
  if (agentReason) reasons.push(agentReason);
  if (reasons.length > 0) return { outcome: 'deny', reasons };

  // Nothing to deny: does a person have to look first?
  const holds: Reason[] = [];
  const review = profile.review;
  if (review?.rights.includes(request.type)) holds.push({ code: 'review_required', source: review.source });
  const verification = profile.verification;
  if (verification?.high.includes(request.type))
    holds.push({ code: 'verification_review', source: verification.source });
  if (review?.excessive !== undefined) {
    const { max, per, source } = review.excessive;
    if (within(earlier, request, per).filter((e) => e.requestId !== request.requestId).length >= max)
      holds.push({ code: 'possibly_excessive', source });
  }
  if (request.agentAuthority?.authority === 'power_of_attorney')
    holds.push({
      code: 'agent_document_review',
      source: `11 CCR §7063(b); Cal. Prob. Code §§4000–4465: a power of attorney is checked by a person (${profile.agents.source})`,
    });
  return holds.length > 0 ? { outcome: 'hold', reasons: holds } : { outcome: 'go' };
}

/**
 * Whether an agent acts without authority the company accepts (11 CCR §7063): the profile takes no agents (possible
 * only outside the CCPA: profile.ts refuses a CCPA profile without them), or no power of attorney, or the agent named
 * no document. The subject's own confirmation (signed permission) is checked before this step, by the link.
 */
function agentWithoutAuthority(agent: RequestRecord['agentAuthority'], profile: Profile): Reason | undefined {
  if (agent === undefined) return undefined;
  const source = profile.agents.source;
  if (!profile.agents.allowed)
    return {
      code: 'agent_without_authority',
      source: `profile ${profile.id}: takes no requests from agents (${source})`,
    };
  if (agent.authority === 'power_of_attorney' && !profile.agents.powerOfAttorney)
    return {
      code: 'agent_without_authority',
      source: `profile ${profile.id}: does not act on a power of attorney alone (${source})`,
    };
  if (agent.document === undefined)
    return {
      code: 'agent_without_authority',
      source: `11 CCR §7063(a)(1): an agent must provide the ${agent.authority === 'power_of_attorney' ? 'power of attorney' : "consumer's signed permission"}`,
    };
  return undefined;
}

/** The earlier requests received in the `per` period before this one that did something (any right). */
function within(earlier: DecideInput['earlier'], request: DecideInput['request'], per: string) {
  const received = toCalendarDate(request.receivedAt);
  const span = periodParts(per);
  const from = 'months' in span ? addCalendarMonths(received, -span.months) : addDays(received, -span.days);
  return earlier.filter(
    (e) => !NOT_COUNTED.has(e.status) && e.receivedAt <= request.receivedAt && toCalendarDate(e.receivedAt) > from,
  );
}
