import type { RequestRecord } from '../core/domain/request-record';
import { RIGHT } from '../core/domain/mail';
import { logger } from '../core/logger';
import type { Profile } from '../core/policy/profile';
import type { Mailer, RequestRepository, TaskCallbacks } from '../core/ports';

/**
 * Task `AwaitOperator` (a callback task): a request the policy step held waits here for an operator. The task token is
 * kept on the request (`hold`), where the operator's approve, deny or cancel finds it (functions/operator-decision);
 * the profile's operators are mailed the first time, with the reference and the reasons' codes only.
 *
 * Re-entrant: a re-run (a restart of the execution) keeps the first `since` and mails no one again; if an operator
 * settled the request in between, the new task is answered at once with that decision, so nothing waits for an
 * answer already given.
 */
export class HoldRequest {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly mailer: Mailer,
    private readonly callbacks: TaskCallbacks,
    private readonly profileOf: () => Profile,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async execute(requestId: string, taskToken: string): Promise<void> {
    const record = await this.requests.load(requestId);
    const decision = record.decision;
    if (decision === undefined || decision.outcome !== 'hold') {
      const outcome = decision?.outcome === 'go' ? 'go' : 'deny';
      await this.callbacks.complete(taskToken, { outcome, reasons: (decision?.reasons ?? []).map((r) => r.code) });
      logger.info('hold already settled', { outcome });
      return;
    }
    const first = record.hold === undefined;
    await this.requests.update(requestId, {
      hold: { taskToken, since: record.hold?.since ?? this.now().toISOString() },
    });
    if (first) {
      const operators = this.profileOf().operators;
      for (const to of operators) await this.mailer.send(heldMail(record, to));
      logger.info('request held for an operator', {
        reasons: decision.reasons.map((r) => r.code),
        told: operators.length,
      });
    }
  }
}

/** To an operator: what waits and how to act; the reference, the right, the law and the reasons' codes, no subject. */
function heldMail(record: RequestRecord, to: string) {
  return {
    to,
    subject: `A privacy request waits for your decision (${record.requestId})`,
    text: [
      `Request ${record.requestId}, for ${RIGHT[record.type]} under ${record.regulation.toUpperCase()}, due ${record.dueDate},`,
      `waits for a decision: ${(record.decision?.reasons ?? []).map((r) => r.code).join(', ')}.`,
      '',
      `See it with: npx dsar show ${record.requestId}`,
      `Then: npx dsar approve|deny|clarify|cancel ${record.requestId} (deny, clarify and cancel take --reason).`,
    ].join('\n'),
  };
}
