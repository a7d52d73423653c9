import { NotVerifiedError } from '../core/domain/errors';
import type { SystemsConfig } from '../../connectors/config';
import type { RequestRepository } from '../core/ports';
import type { RequestRecord } from '../core/domain/request-record';
import { isTerminal } from '../core/domain/status';
import { logger } from '../core/logger';
import { type PlannedRecipient, recipientsFor } from '../core/recipients';

export interface Plan {
  type: RequestRecord['type'] | 'rejected';
  systems: { systemId: string }[];
  /** the recipients to tell once the right is carried out (infra/workflow/notices.ts) */
  recipients: PlannedRecipient[];
}

/**
 * After verification: decide what the workflow does next and over which systems. This is where the policy step
 * (statutory clock, frequency limits, exemptions, agents) will reject a request with reasons; today every verified
 * request goes on to every configured system.
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
    if (isTerminal(record.status)) return { type: 'rejected', systems: [], recipients: [] };
    if (!record.verified?.email) throw new NotVerifiedError(requestId);
    if (record.type === 'deletion' && record.retry) {
      const { retry } = record;
      const moved = await this.requests.advance(requestId, 'locating', {
        retry: { ...retry, attempts: retry.attempts + 1 },
      });
      const configured = new Set(this.systems.systems.map((s) => s.id));
      const systems = retry.systems.filter((id) => configured.has(id)).map((systemId) => ({ systemId }));
      logger.info('retry planned', { type: record.type, systems: systems.length, attempt: moved.retry?.attempts });
      // told again only in name: a recipient that answered the first attempt is answered at once from its stored answer
      return { type: record.type, systems, recipients: recipientsFor(this.systems, record.type) };
    }
    await this.requests.advance(requestId, 'locating');
    const systems = this.systems.systems.map((s) => ({ systemId: s.id }));
    logger.info('plan ready', { type: record.type, systems: systems.length });
    return { type: record.type, systems, recipients: recipientsFor(this.systems, record.type) };
  }
}
