import { RequestType } from '../domain/request';
import { PackId } from '../rules/pack';
import { type Profile, parseProfile } from './profile';

/**
 * The profile of a deployment that names none: every law with a pack, every right to customers and personnel, no
 * company limits. Nothing is denied but what the law itself does not give — the behaviour before profiles existed — so
 * choosing a profile (DSAR_PROFILE, `-c profile=`) is what makes a company's own promises bind.
 */
export const OPEN_PROFILE: Profile = parseProfile(
  {
    id: 'open',
    version: '1.0.0',
    company: 'This deployment',
    policy: { title: 'No company profile chosen: the law alone' },
    jurisdictions: PackId.options,
    subjects: {
      customer: { handling: 'answer', rights: RequestType.options, source: 'no profile: every right is answered' },
      personnel: { handling: 'answer', rights: RequestType.options, source: 'no profile: every right is answered' },
    },
    agents: { allowed: true, powerOfAttorney: false, source: 'no profile: agents as the CCPA requires (11 CCR §7063)' },
    intake: {},
  },
  'open (built in)',
);
