import { isTerminal } from '../core/domain/status';
import type { RequestRecord } from '../core/domain/request-record';
import { logger } from '../core/logger';
import { decide } from '../core/policy/decide';
import type { ReasonCode } from '../core/policy/reasons';
import { referralForwardMail } from '../core/policy/denial-mail';
import { type AppealLinks, Denial } from '../core/policy/denial';
import type { Profile } from '../core/policy/profile';
import type { Mailer, RequestRepository } from '../core/ports';

/** What the workflow branches on (`$.decision`): the outcome and the reasons' codes, nothing personal. */
export interface DecisionOutput {
  outcome: 'go' | 'deny' | 'hold';
  reasons: ReasonCode[];
}

/**
 * The policy step (Decide): before any system is searched, decide the request against the company's profile and the
 * law's pack (functions/core/policy/decide.ts), with the subject's earlier requests for the limits. A denial is
 * recorded on the request with its reasons, mailed to the subject (the reasons, the appeal where the law gives one,
 * and where to complain), a processor referral forwarded to the controller the subject named when the profile knows its
 * contact, and the request ends `rejected` (the sweeper then forgets the address).
 *
 * Re-entrant: the decision is made once and stored first; a re-run reads it back, mails only if the first run died
 * before recording the mail (one window remains: a crash after the mail was accepted and before `mailedAt` was
 * written mails twice), and never decides again — a profile changed in between does not change a decision made.
 */
export class DecideRequest {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly mailer: Mailer,
    private readonly profileOf: () => Profile,
    private readonly now: () => Date = () => new Date(),
    /** where a denial's appeal link points (none: the denial offers an appeal by reply) */
    private readonly links?: AppealLinks,
  ) {}

  private get profile(): Profile {
    return this.profileOf();
  }

  public async execute(requestId: string): Promise<DecisionOutput> {
    let record = await this.requests.load(requestId);
    // an ended request (cancelled, or a re-run after the denial) goes on to PlanRequest, which plans nothing for it;
    // one cancelled while it was held must not wait for an operator again
    if (isTerminal(record.status))
      return output(record.decision?.outcome === 'deny' ? record.decision : { outcome: 'go', reasons: [] });
    if (record.decision === undefined) {
      const earlier = record.subjectHash ? await this.requests.earlierOf(record.subjectHash) : [];
      const decision = decide({ request: record, profile: this.profile, earlier });
      const stamped: NonNullable<RequestRecord['decision']> = {
        outcome: decision.outcome,
        reasons: decision.outcome === 'go' ? [] : decision.reasons,
        by: 'policy',
        at: this.now().toISOString(),
        profile: { id: this.profile.id, version: this.profile.version },
      };
      await this.requests.update(requestId, { decision: stamped });
      record = { ...record, decision: stamped };
      logger.info('request decided', {
        outcome: stamped.outcome,
        reasons: stamped.reasons.map((r) => r.code),
        profile: this.profile.id,
      });
    }
    const decision = record.decision as NonNullable<RequestRecord['decision']>;
    if (decision.outcome === 'deny') await this.deny(record, decision);
    return output(decision);
  }

  private async deny(record: RequestRecord, decision: NonNullable<RequestRecord['decision']>): Promise<void> {
    const forwardTo = this.controllerContact(record, decision);
    if (forwardTo && decision.forwardedTo === undefined) {
      await this.mailer.send(referralForwardMail(record, forwardTo.contact, this.profile));
      await this.requests.update(record.requestId, { decision: { ...decision, forwardedTo: forwardTo.name } });
      decision.forwardedTo = forwardTo.name;
    }
    // the reasons, the appeal (with its link where the law gives one) and the complaint route; then `rejected`
    await new Denial(this.requests, this.mailer, this.links, this.now).send(record, decision, this.profile);
  }

  /** The named controller's privacy contact, when the profile knows it (names compared without case). */
  private controllerContact(record: RequestRecord, decision: NonNullable<RequestRecord['decision']>) {
    if (!decision.reasons.some((r) => r.code === 'processor_referral') || !record.controller) return undefined;
    const rule = this.profile.subjects.end_user;
    if (rule?.handling !== 'refer_to_controller') return undefined;
    const named = record.controller.trim().toLowerCase();
    return rule.controllers.find((c) => c.name.toLowerCase() === named);
  }
}

function output(decision: Pick<NonNullable<RequestRecord['decision']>, 'outcome' | 'reasons'>): DecisionOutput {
  return { outcome: decision.outcome, reasons: decision.reasons.map((r) => r.code) };
}
