import { NotVerifiedError } from '../core/domain/errors';
import { connectedSystems, type SystemsConfig } from '../../connectors/config';
import type { RequestRepository } from '../core/ports';
import type { RequestRecord } from '../core/domain/request-record';
import type { RequestType } from '../core/domain/request';
import { isTerminal } from '../core/domain/status';
import { logger } from '../core/logger';
import { manualFor, ownersFor, type PlannedRecipient, recipientsFor } from '../core/recipients';
import { requestedFlags } from '../core/domain/change-result';

/**
 * What the workflow does for a right (its one Choice branches on this):
 * - `export`: locate in the planned systems, assemble the document (access; portability over the marked systems);
 * - `statement`: no system is searched, the document comes from the data map (categories, disclosures);
 * - `erase`: locate, erase, confirm, tell recipients, receipt (deletion);
 * - `correct`: write the corrected attributes (correction);
 * - `flag`: set a preference flag (restriction, objection, opt_out, limit_sensitive, withdraw_consent);
 * - `rejected`: nothing (the request ended before its execution got here).
 */
export type PlanAction = 'export' | 'statement' | 'erase' | 'correct' | 'flag' | 'rejected';

export const ACTION: Readonly<Record<RequestType, Exclude<PlanAction, 'rejected'>>> = {
  access: 'export',
  portability: 'export',
  categories: 'statement',
  disclosures: 'statement',
  deletion: 'erase',
  correction: 'correct',
  restriction: 'flag',
  objection: 'flag',
  opt_out: 'flag',
  limit_sensitive: 'flag',
  withdraw_consent: 'flag',
};

/**
 * The rights that need no identity verification, bound to the identifier given (CCPA §1798.120 with 11 CCR §7026(d):
 * an opt-out of sale/sharing; §7027: limiting sensitive personal information). Intake records them
 * `verification: 'not_required'`; every other type must carry a link-verified address.
 */
export function needsNoVerification(record: RequestRecord): boolean {
  return record.verification === 'not_required';
}

export interface Plan {
  type: RequestRecord['type'] | 'rejected';
  action: PlanAction;
  systems: { systemId: string }[];
  /** the recipients to tell once the right is carried out (infra/workflow/notices.ts) */
  recipients: PlannedRecipient[];
}

/**
 * After verification: decide what the workflow does next and over which systems. This is where the policy step
 * (statutory clock, frequency limits, exemptions, agents) will reject a request with reasons; today every verified
 * request goes on to every configured system (portability: the systems marked `portability` only, GDPR Art. 20 covers
 * what the subject provided; categories and disclosures: none, they are answered from the data map).
 *
 * A deletion that carries a retry rule (it was answered with some systems unconfirmed, see functions/deliver) plans
 * only `retry.systems` that are still configured: from `retrying` it re-enters at `locating`, counting the attempt in
 * the same conditional write (so a re-run of this step neither counts twice nor widens the plan to every system).
 */
export class PlanRequest {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly systems: SystemsConfig,
  ) {}

  public async execute(requestId: string): Promise<Plan> {
    const record = await this.requests.load(requestId);
    if (isTerminal(record.status)) return { type: 'rejected', action: 'rejected', systems: [], recipients: [] };
    if (!record.verified?.email && !needsNoVerification(record)) throw new NotVerifiedError(requestId);
    const action = ACTION[record.type];
    // the data map's recipients (Art. 19), and for a change the owners of systems that cannot make it themselves
    const recipients = [
      ...recipientsFor(this.systems, record.type),
      ...(action === 'correct' || action === 'flag'
        ? ownersFor(this.systems, {
            attributes: (record.corrections ?? []).map((c) => c.attribute),
            flags: requestedFlags(record),
          })
        : []),
      // the systems only a person can reach: their owners are asked to do what a connector would (any right)
      ...manualFor(this.systems, record.type),
    ];
    if (record.type === 'deletion' && record.retry) {
      const { retry } = record;
      const moved = await this.requests.advance(requestId, 'locating', {
        retry: { ...retry, attempts: retry.attempts + 1 },
      });
      const configured = new Set(this.systems.systems.map((s) => s.id));
      const systems = retry.systems.filter((id) => configured.has(id)).map((systemId) => ({ systemId }));
      logger.info('retry planned', { type: record.type, systems: systems.length, attempt: moved.retry?.attempts });
      return { type: record.type, action, systems, recipients };
    }
    await this.requests.advance(requestId, 'locating');
    const systems = this.systemsFor(record.type).map((s) => ({ systemId: s.id }));
    logger.info('plan ready', { type: record.type, action, systems: systems.length, recipients: recipients.length });
    return { type: record.type, action, systems, recipients };
  }

  /** The systems searched or changed through connectors (manual systems are asked through notices: `manualFor`). */
  private systemsFor(type: RequestType) {
    if (ACTION[type] === 'statement') return [];
    const connected = connectedSystems(this.systems);
    if (type === 'portability') return connected.filter((s) => s.portability !== undefined);
    return connected;
  }
}
