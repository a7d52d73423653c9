import { randomUUID } from 'node:crypto';
import { dueDate } from '../core/domain/due-date';
import { IdempotencyConflictError } from '../core/domain/errors';
import type { SubmitRequestBody } from '../core/domain/request';
import type { RequestStatus } from '../core/domain/status';
import { fingerprint } from '../core/fingerprint';
import type { RequestRepository, TokenStore, WorkflowStarter } from '../core/ports';

export interface SubmitRequestDeps {
  requests: RequestRepository;
  tokens: TokenStore;
  workflow: WorkflowStarter;
  statusTokenTtlSeconds: number;
  now?: () => Date;
}

export interface SubmitRequestResult {
  requestId: string;
  status: RequestStatus;
  /** a read-only capability for GET /requests/{id}; shown once, stored hashed */
  statusToken: string;
}

/**
 * Accept a request: persist it (the record is the source of truth), then start its workflow, named by its id.
 * The subject is not looked up anywhere here, so the answer and the work done are the same whether or not
 * anyone holds data about them. A repeat with the same idempotency key returns the first request and
 * (re)starts the same execution, which also recovers a first attempt that died before starting it.
 */
export class SubmitRequest {
  private readonly now: () => Date;

  public constructor(private readonly deps: SubmitRequestDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  public async execute(body: SubmitRequestBody, idempotencyKey?: string): Promise<SubmitRequestResult> {
    const receivedAt = this.now();
    const record = {
      requestId: randomUUID(),
      type: body.type,
      regulation: body.regulation,
      subject: body.subject,
      status: 'received' as const,
      receivedAt: receivedAt.toISOString(),
      dueDate: dueDate(body.regulation, receivedAt),
      updatedAt: receivedAt.toISOString(),
    };
    const claim = idempotencyKey
      ? { keyHash: fingerprint({ idempotencyKey }), fingerprint: fingerprint(body, idempotencyKey) }
      : undefined;
    const created = await this.deps.requests.create(record, claim);
    if (created.outcome === 'conflict') throw new IdempotencyConflictError();

    await this.deps.workflow.start(created.requestId);
    const statusToken = await this.deps.tokens.issue('status', created.requestId, this.deps.statusTokenTtlSeconds);
    const status =
      created.outcome === 'created'
        ? record.status
        : ((await this.deps.requests.get(created.requestId))?.status ?? 'received');
    return { requestId: created.requestId, status, statusToken };
  }
}
