import { z } from 'zod';
import { NotFoundError } from '../core/domain/errors';
import { Regulation, RequestId, RequestType } from '../core/domain/request';
import { RequestStatus } from '../core/domain/status';
import type { RequestRepository, TokenStore } from '../core/ports';

const Count = z.number().int().nonnegative();

/**
 * What anyone holding the status token may see: dates, status and counts; no identity, no records. The answer of
 * GET /requests/{id} (the OpenAPI document is generated from this schema).
 */
export const RequestView = z.object({
  requestId: RequestId,
  type: RequestType,
  regulation: Regulation,
  status: RequestStatus,
  receivedAt: z.string(),
  dueDate: z.string(),
  updatedAt: z.string(),
  verifiedAt: z.string().optional(),
  completedAt: z.string().optional(),
  /** once the systems were searched: how many, how many held records, how many failed */
  systems: z.object({ searched: Count, withRecords: Count, failed: Count }).optional(),
  /** waiting for a person (a review the profile asks for, an agent's power of attorney, a question to the subject) */
  held: z.literal(true).optional(),
  /** a denial that may be appealed until this date (the mail carries the single-use appeal link) */
  appealUntil: z.string().optional(),
});
export type RequestView = z.infer<typeof RequestView>;

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
