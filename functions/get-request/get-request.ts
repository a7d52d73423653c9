import { NotFoundError } from '../core/domain/errors';
import { RequestId } from '../core/domain/request';
import type { RequestStatus } from '../core/domain/status';
import type { RequestRepository, TokenStore } from '../core/ports';

/** What anyone holding the status token may see: dates, status and counts; no identity, no records. */
export interface RequestView {
  requestId: string;
  type: string;
  regulation: string;
  status: RequestStatus;
  receivedAt: string;
  dueDate: string;
  updatedAt: string;
  verifiedAt?: string;
  completedAt?: string;
  systems?: { searched: number; withRecords: number; failed: number };
  /** waiting for a person (a review the profile asks for, an agent's power of attorney, a question to the subject) */
  held?: true;
  /** a denial that may be appealed until this date (the mail carries the appeal link) */
  appealUntil?: string;
}

/**
 * Status of a request. An unknown id, a malformed id and a token for another request all give the same
 * NotFoundError, so the route cannot be used to learn which requests exist.
 */
export class GetRequest {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly tokens: TokenStore,
  ) {}

  public async execute(requestId: string, token: string | undefined): Promise<RequestView> {
    if (!RequestId.safeParse(requestId).success || !token) throw new NotFoundError();
    const owner = await this.tokens.check('status', token);
    if (owner !== requestId) throw new NotFoundError();
    const record = await this.requests.get(requestId);
    if (!record) throw new NotFoundError();
    const outcomes = record.outcomes;
    return {
      requestId: record.requestId,
      type: record.type,
      regulation: record.regulation,
      status: record.status,
      receivedAt: record.receivedAt,
      dueDate: record.dueDate,
      updatedAt: record.updatedAt,
      verifiedAt: record.verifiedAt,
      completedAt: record.completedAt,
      ...(record.decision?.outcome === 'hold' && record.status === 'verified' ? { held: true as const } : {}),
      ...(record.decision?.appealUntil ? { appealUntil: record.decision.appealUntil } : {}),
      systems: outcomes && {
        searched: outcomes.length,
        withRecords: outcomes.filter((o) => o.status === 'found').length,
        failed: outcomes.filter((o) => o.status === 'failed').length,
      },
    };
  }
}
