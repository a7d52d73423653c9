import { NotVerifiedError } from '../core/domain/errors';
import type { SystemsConfig } from '../../connectors/config';
import type { RequestRepository } from '../core/ports';
import { isTerminal } from '../core/domain/status';
import { logger } from '../core/logger';

export interface Plan {
  type: 'access' | 'deletion' | 'rejected';
  systems: { systemId: string }[];
}

/**
 * After verification: decide what the workflow does next and over which systems. This is where the policy step
 * (statutory clock, frequency limits, exemptions, agents) will reject a request with reasons; today every verified
 * request goes on to every configured system.
 */
export class PlanRequest {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly systems: SystemsConfig,
  ) {}

  public async execute(requestId: string): Promise<Plan> {
    const record = await this.requests.load(requestId);
    if (isTerminal(record.status)) return { type: 'rejected', systems: [] };
    if (!record.verified?.email) throw new NotVerifiedError(requestId);
    await this.requests.advance(requestId, 'locating');
    const systems = this.systems.systems.map((s) => ({ systemId: s.id }));
    logger.info('plan ready', { type: record.type, systems: systems.length });
    return { type: record.type, systems };
  }
}
