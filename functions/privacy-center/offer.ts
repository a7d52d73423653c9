import type { SystemsConfig } from '../../connectors/config';
import type { RequestType } from '../core/domain/request';
import type { Profile, SubjectType } from '../core/policy/profile';
import { loadPack, type PackId, type Period } from '../core/rules/pack';

/** How long the law gives for one right: the respond period of its pack, with the section it comes from. */
export interface Deadline {
  law: PackId;
  lawName: string;
  period: Period;
}

/** One right offered to a kind of subject, with the inputs its form needs and what each law gives to answer it. */
export interface RightOffer {
  type: RequestType;
  deadlines: Deadline[];
}

export type KindOffer =
  | { kind: SubjectType; handling: 'answer'; rights: RightOffer[] }
  | { kind: SubjectType; handling: 'refer_to_controller'; controllers: { name: string; contact: string }[] };

/** What the center shows: read from the active profile and the systems configuration, never written down twice. */
export interface CenterOffer {
  company: string;
  policyUrl?: string;
  jurisdictions: PackId[];
  kinds: KindOffer[];
  agents: { allowed: boolean; powerOfAttorney: boolean };
  /** the attributes a correction may name (CCPA §7023, GDPR Art. 16): correctable in at least one system */
  correctable: string[];
  /** the purposes whose consent may be withdrawn (GDPR Art. 7(3)): recorded by at least one system */
  purposes: string[];
  /** every right offered to any kind (the agent's form offers these) */
  rights: RequestType[];
}

/**
 * The offer of the active profile. The rights are the profile's (what the company promises each kind of subject);
 * the deadlines the packs' (what each served law gives: a law that does not give a right has none to show). A right
 * that needs something no system has (a correction with nothing correctable, a consent nobody recorded) is left out:
 * its form could only be refused (submit-request `checkOffered`).
 */
export function centerOffer(profile: Profile, systems: SystemsConfig): CenterOffer {
  const correctable = [...new Set(systems.systems.flatMap((s) => Object.keys(s.correctable ?? {})))].sort();
  const purposes = [...new Set(systems.systems.flatMap((s) => Object.keys(s.flags?.consent ?? {})))].sort();
  const usable = (type: RequestType) =>
    (type !== 'correction' || correctable.length > 0) && (type !== 'withdraw_consent' || purposes.length > 0);
  const deadlines = (type: RequestType): Deadline[] =>
    profile.jurisdictions.flatMap((law) => {
      const pack = loadPack(law);
      const rule = pack.rights[type];
      return rule?.given ? [{ law, lawName: pack.name, period: rule.respond }] : [];
    });
  const kinds: KindOffer[] = [];
  for (const kind of ['customer', 'end_user', 'personnel'] as const) {
    const rule = profile.subjects[kind];
    if (!rule) continue;
    if (rule.handling === 'refer_to_controller')
      kinds.push({ kind, handling: rule.handling, controllers: rule.controllers });
    else
      kinds.push({
        kind,
        handling: 'answer',
        rights: rule.rights.filter(usable).map((type) => ({ type, deadlines: deadlines(type) })),
      });
  }
  const rights = [
    ...new Set(kinds.flatMap((k) => (k.handling === 'answer' ? k.rights.map((r) => r.type) : []))),
  ] as RequestType[];
  return {
    company: profile.company,
    ...(profile.policy.url ? { policyUrl: profile.policy.url } : {}),
    jurisdictions: profile.jurisdictions,
    kinds,
    agents: { allowed: profile.agents.allowed, powerOfAttorney: profile.agents.powerOfAttorney },
    correctable,
    purposes,
    rights,
  };
}
