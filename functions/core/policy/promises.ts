import type { SystemsConfig } from '../../../connectors/config';
import type { Profile } from './profile';

/**
 * The profile's promises that depend on the estate, checked against the systems configuration: what a deployment
 * cannot keep, in words an operator can act on. The CDK app refuses to synthesize a deployment that breaks one; the
 * twin says so when it starts.
 */
export function brokenPromises(profile: Profile, systems: Pick<SystemsConfig, 'backups'>): string[] {
  const problems: string[] = [];
  const backups = systems.backups?.retentionDays;
  if (profile.deletion !== undefined && backups !== undefined && backups > profile.deletion.withinDays)
    problems.push(
      `Profile "${profile.id}" promises deletion within ${profile.deletion.withinDays} days, but the systems ` +
        `configuration keeps backups for ${backups} days: erased data would live on in backups past the promise. ` +
        `Shorten the backups (backups.retentionDays) or the promise.`,
    );
  return problems;
}
