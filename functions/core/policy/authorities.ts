import type { PackId } from '../rules/pack';
import type { Authority, Profile } from './profile';

/**
 * Where a subject may complain under each law when the profile names no one else: the regulator the law itself names.
 * GDPR Art. 77 gives the right to complain to a supervisory authority, in particular in the member state of residence;
 * the EDPB's list is the way to the right one. UK GDPR Art. 77 and DPA 2018 s.165: the ICO. The US state laws are
 * enforced by their Attorneys General (CCPA also by the California Privacy Protection Agency, Civ. Code §1798.199.10).
 */
export const DEFAULT_AUTHORITY: Readonly<Record<PackId, Authority>> = {
  gdpr: {
    name: 'the data protection supervisory authority of your EU member state',
    url: 'https://www.edpb.europa.eu/about-edpb/about-edpb/members_en',
  },
  uk_gdpr: { name: "the Information Commissioner's Office (ICO)", url: 'https://ico.org.uk/make-a-complaint/' },
  ccpa: {
    name: 'the California Privacy Protection Agency',
    url: 'https://cppa.ca.gov/webapplications/complaint',
  },
  vcdpa: {
    name: 'the Office of the Attorney General of Virginia',
    url: 'https://www.oag.state.va.us/consumer-protection/index.php/file-a-complaint',
  },
  cpa: {
    name: 'the Colorado Attorney General',
    url: 'https://coag.gov/file-complaint/',
  },
  ctdpa: {
    name: 'the Connecticut Attorney General',
    url: 'https://www.dir.ct.gov/ag/complaint/',
  },
  tdpsa: {
    name: 'the Texas Attorney General',
    url: 'https://www.texasattorneygeneral.gov/consumer-protection/file-consumer-complaint',
  },
};

/** The authority a subject under `law` may complain to: the profile's choice, or the law's regulator. */
export function complaintAuthority(profile: Pick<Profile, 'complaints'>, law: PackId): Authority {
  return profile.complaints[law] ?? DEFAULT_AUTHORITY[law];
}
