import type { RequestRecord } from '../domain/request-record';
import type { Mailer, RequestRepository, TokenStore } from '../ports';
import { addDays, toCalendarDate } from '../rules/calendar-date';
import { loadPack } from '../rules/pack';
import { type AppealOffer, agentDenialMail, appealDeniedMail, appealRule, denialMail } from './denial-mail';
import type { Profile } from './profile';

/**
 * How long a subject may appeal a denial. The state laws say "within a reasonable period of time after the consumer's
 * receipt of the decision" (Va. Code §59.1-577(C); Colo. Rev. Stat. §6-1-1306(3)(a); Conn. Gen. Stat. §42-518(d); Tex.
 * Bus. & Com. Code §541.053(a)) without a number: 60 days, the length the laws give the controller to decide.
 */
export const APPEAL_WINDOW_DAYS = 60;

/** Where appeal links point, and the tokens they carry; without them a denial offers an appeal by reply. */
export interface AppealLinks {
  tokens: Pick<TokenStore, 'issue'>;
  apiUrl: string;
}

/**
 * Sending a denial, the one way both the policy step and an operator do it: the mail (the reasons, the appeal where the
 * law gives one — with a single-use link to the appeal form — and where to complain), then the request ends
 * `rejected` with the decision, when it was mailed and until when it may be appealed (the sweeper keeps the address
 * until then). An appeal that is denied gets the appeal's own mail, with the authority to complain to and no further
 * appeal.
 */
export class Denial {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly mailer: Mailer,
    private readonly links: AppealLinks | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async send(record: RequestRecord, decision: NonNullable<RequestRecord['decision']>, profile: Profile) {
    const at = this.now();
    let offer: AppealOffer | undefined;
    if (record.appealOf !== undefined) {
      const reason = decision.reasons.map((r) => r.source).join(' ');
      await this.mailer.send(appealDeniedMail(record, reason, profile));
    } else {
      const pack = loadPack(record.regulation);
      if (appealRule(pack, record.type) && this.links) {
        const until = addDays(toCalendarDate(at), APPEAL_WINDOW_DAYS);
        const token = await this.links.tokens.issue('appeal', record.requestId, APPEAL_WINDOW_DAYS * 86_400);
        offer = { link: `${this.links.apiUrl}/appeal?token=${encodeURIComponent(token)}`, until };
      }
      // Both hear of it: the agent made the request, so it learns why its authority was not accepted (its reasons
      // only: agentDenialMail); the subject learns that someone asked in their name, and every reason — their
      // address is the one the request is about, and the one that may appeal.
      const toAgent = agentDenialMail(record, decision.reasons, profile);
      if (toAgent) await this.mailer.send(toAgent);
      await this.mailer.send(denialMail(record, decision.reasons, profile, pack, offer));
    }
    await this.requests.advance(record.requestId, 'rejected', {
      decision: {
        ...decision,
        mailedAt: decision.mailedAt ?? at.toISOString(),
        ...(offer ? { appealUntil: `${offer.until}T23:59:59.999Z` } : {}),
      },
    });
  }
}
