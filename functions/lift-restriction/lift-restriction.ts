import { connectedSystems, type SystemsConfig } from '../../connectors/config';
import type { ConnectorFor } from '../core/connectors';
import { changeIdentity } from '../core/domain/change-result';
import { StatusConflictError, WrongRequestTypeError } from '../core/domain/errors';
import { liftNoticeMail } from '../core/domain/mail';
import { type RequestRecord, verifiedIdentities } from '../core/domain/request-record';
import type { Mailer, RequestRepository } from '../core/ports';
import { logger } from '../core/logger';

/**
 * Lifting a restriction of processing (GDPR Art. 18(3): "A data subject who has obtained restriction of processing
 * … shall be informed by the controller before the restriction of processing is lifted"). Two steps, in this order:
 *
 * 1. AnnounceLift: mail the subject the date of the lift and record it (`lift.noticeSentAt`, `lift.liftAt`). Once
 *    only: a second call mails nothing and keeps the first date.
 * 2. LiftRestriction: once the notice was sent and the date has come (the sweeper's rule), or at once when the operator
 *    says so (`now`, still only after the notice), clear the `restriction` flag in every system that records it
 *    (setFlags on:false writes the configured `off` value), record `lift.liftedAt`, and forget the subject's address,
 *    which the restriction kept for this one purpose. A system that fails leaves the lift unrecorded, so a re-run
 *    (idempotent: cleared flags are `unchanged`) finishes it.
 *
 * Operators run both with `npm run lift-restriction -- <requestId> [--at YYYY-MM-DD | --now]`.
 */
function restrictionStillHeld(record: RequestRecord): void {
  if (record.type !== 'restriction') throw new WrongRequestTypeError(record.requestId, 'restriction');
  const answered = record.status === 'completed' || record.status === 'partially_completed';
  if (!answered || !record.subject || record.lift?.liftedAt)
    throw new StatusConflictError(record.requestId, 'lift restriction');
}

export class AnnounceLift {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly mailer: Mailer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async execute(requestId: string, liftAt: Date): Promise<{ liftAt: string; mailed: boolean }> {
    const record = await this.requests.load(requestId);
    restrictionStillHeld(record);
    if (record.lift) return { liftAt: record.lift.liftAt, mailed: false };
    const at = liftAt.getTime() < this.now().getTime() ? this.now() : liftAt;
    await this.mailer.send({ ...liftNoticeMail(record, at), to: changeIdentity(record) });
    const lift = { noticeSentAt: this.now().toISOString(), liftAt: at.toISOString() };
    await this.requests.recordLift(requestId, lift);
    logger.info('restriction lift announced', { requestId, liftAt: lift.liftAt });
    return { liftAt: lift.liftAt, mailed: true };
  }
}

export interface LiftSystemResult {
  systemId: string;
  changed: number;
  unchanged: number;
  /** the system records no restriction flag (or is read-only): nothing to clear there */
  refused: boolean;
  error?: string;
}

export type LiftResult =
  | { status: 'not_announced' }
  | { status: 'not_due'; liftAt: string }
  | { status: 'lifted' | 'failed'; systems: LiftSystemResult[] };

export class LiftRestriction {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly connectorFor: ConnectorFor,
    private readonly systems: SystemsConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether the sweeper should lift this restriction now: announced, due, not yet lifted, address still kept. */
  public static due(record: RequestRecord, now: Date): boolean {
    return (
      record.type === 'restriction' &&
      record.subject !== undefined &&
      record.lift !== undefined &&
      record.lift.liftedAt === undefined &&
      Date.parse(record.lift.liftAt) <= now.getTime()
    );
  }

  public async execute(requestId: string, options: { now?: boolean } = {}): Promise<LiftResult> {
    const record = await this.requests.load(requestId);
    restrictionStillHeld(record);
    const { lift } = record;
    // the notice comes first, always: --now shortens the wait, never the telling
    if (!lift) return { status: 'not_announced' };
    if (!options.now && Date.parse(lift.liftAt) > this.now().getTime())
      return { status: 'not_due', liftAt: lift.liftAt };

    const identities = verifiedIdentities(record, changeIdentity(record));
    const systems: LiftSystemResult[] = [];
    // a manual system's restriction was made by its owner, who was told; lifting it there is theirs too (left alone)
    for (const system of connectedSystems(this.systems)) {
      try {
        const outcome = await this.connectorFor(system.id).setFlags(identities, [{ flag: 'restriction', on: false }]);
        systems.push({
          systemId: system.id,
          changed: outcome.changed,
          unchanged: outcome.unchanged,
          refused: outcome.refused.length > 0,
        });
      } catch (error) {
        systems.push({
          systemId: system.id,
          changed: 0,
          unchanged: 0,
          refused: false,
          error: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
    const failed = systems.some((s) => s.error !== undefined);
    if (!failed) {
      await this.requests.recordLift(requestId, { ...lift, liftedAt: this.now().toISOString() });
      await this.requests.forgetSubject(requestId);
    }
    logger.info('restriction lift', {
      requestId,
      failed: systems.filter((s) => s.error).length,
      changed: systems.reduce((n, s) => n + s.changed, 0),
    });
    return { status: failed ? 'failed' : 'lifted', systems };
  }
}
