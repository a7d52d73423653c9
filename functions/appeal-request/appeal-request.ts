import { randomUUID } from 'node:crypto';
import { requestClock } from '../core/domain/due-date';
import { InvalidTokenError, ValidationError } from '../core/domain/errors';
import type { RequestRecord } from '../core/domain/request-record';
import { logger } from '../core/logger';
import { appealRule } from '../core/policy/denial-mail';
import type { RequestRepository, TokenStore, WorkflowStarter } from '../core/ports';
import { appealDue } from '../core/rules/clock';
import { loadPack } from '../core/rules/pack';

/** The subject's reasons for the appeal: a few paragraphs. */
export const MAX_APPEAL_REASON = 2000;

/**
 * An appeal of a denial, where the law gives one (Va. Code §59.1-577(C); Colo. Rev. Stat. §6-1-1306(3); Conn. Gen.
 * Stat. §42-518(d); Tex. Bus. & Com. Code §541.053), made through the single-use link in the denial mail — which went
 * to the address on the request, so following it proves control of that address as the verification link does.
 *
 * The appeal is a request of its own, linked to the original (`appealOf`): the same right, law and subject, its own
 * deadline from the appeal clock of the original's pack (`appealDue`: 60 days in Virginia, 45 in Colorado…), held for
 * an operator from the start (the law has a person decide it). Approved (`dsar approve`), the workflow carries out the
 * right; denied (`dsar deny`), the subject is told why and where to complain (policy/denial.ts).
 */
export class AppealRequest {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly tokens: Pick<TokenStore, 'check' | 'consume'>,
    private readonly workflow: WorkflowStarter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The denied request behind an appeal link, for the form; consumes nothing. */
  public async peek(token: string | undefined): Promise<RequestRecord> {
    const requestId = token ? await this.tokens.check('appeal', token) : undefined;
    return this.appealable(requestId);
  }

  public async execute(token: string | undefined, reason: string | undefined): Promise<{ appealId: string }> {
    const why = (reason ?? '').trim();
    if (why.length === 0 || why.length > MAX_APPEAL_REASON)
      throw new ValidationError('Please tell us why you disagree with the decision', [
        { path: 'reason', message: `1 to ${MAX_APPEAL_REASON} characters` },
      ]);
    const requestId = token ? await this.tokens.consume('appeal', token) : undefined;
    const original = await this.appealable(requestId);
    const at = this.now();
    const pack = loadPack(original.regulation);
    const rule = appealRule(pack, original.type);
    const clock = original.clock ?? requestClock(original.regulation, original.type, new Date(original.receivedAt));
    const due = appealDue(clock, at, pack);
    if (rule === undefined || due === undefined || original.subject === undefined) throw new InvalidTokenError();
    const appeal: RequestRecord = {
      requestId: randomUUID(),
      type: original.type,
      regulation: original.regulation,
      subject: original.subject,
      subjectHash: original.subjectHash,
      ...(original.relationship ? { relationship: original.relationship } : {}),
      ...(original.corrections ? { corrections: original.corrections } : {}),
      ...(original.scope ? { scope: original.scope } : {}),
      ...(original.purpose ? { purpose: original.purpose } : {}),
      ...(original.ground ? { ground: original.ground } : {}),
      status: 'verified',
      verification: 'email_link',
      verified: { email: original.subject.email },
      receivedAt: at.toISOString(),
      verifiedAt: at.toISOString(),
      updatedAt: at.toISOString(),
      dueDate: due.dueOn,
      appealOf: original.requestId,
      appealReason: why,
      // decided before the workflow starts: a person decides an appeal, so the policy step reads this hold back
      decision: {
        outcome: 'hold',
        reasons: [{ code: 'appeal', source: rule.respond.source }],
        at: at.toISOString(),
        profile: original.decision?.profile ?? { id: 'open', version: '1.0.0' },
        by: 'policy',
      },
    };
    await this.requests.create(appeal);
    // a failed start leaves a verified request with no execution: the sweeper starts it
    await this.workflow.start(appeal.requestId).catch((error: unknown) => {
      logger.warn('appeal recorded, its workflow not started yet', { error: (error as Error).name });
    });
    logger.info('appeal received', { appealOf: original.requestId, appealId: appeal.requestId, dueDate: due.dueOn });
    return { appealId: appeal.requestId };
  }

  private async appealable(requestId: string | undefined): Promise<RequestRecord> {
    const record = requestId ? await this.requests.get(requestId) : undefined;
    if (!record?.subject || record.status !== 'rejected' || record.appealOf !== undefined)
      throw new InvalidTokenError();
    return record;
  }
}
