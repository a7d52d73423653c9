import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { hmacHex } from '../../connectors/canonical';
import { requestClock } from '../core/domain/due-date';
import type { SystemsConfig } from '../../connectors/config';
import { type FieldProblem, IdempotencyConflictError, RateLimitedError, ValidationError } from '../core/domain/errors';
import { identityHash } from '../core/domain/keyed-hash';
import { agentAcknowledgmentMail, verificationMail } from '../core/domain/mail';
import { RequestId, type SubmitRequestBody } from '../core/domain/request';
import {
  type OpenKind,
  type RequestRecord,
  openKind,
  rightFields,
  verificationRequired,
} from '../core/domain/request-record';
import { RequestStatus } from '../core/domain/status';
import { fingerprint } from '../core/fingerprint';
import { logger } from '../core/logger';
import type {
  AgentDocumentStore,
  IdempotencyClaim,
  IntakeLimits,
  Mailer,
  RequestRepository,
  TokenStore,
  WorkflowStarter,
} from '../core/ports';
import { startWorkflow } from '../verify-identity/start-workflow';

export interface SubmitRequestDeps {
  requests: RequestRepository;
  tokens: TokenStore;
  mailer: Mailer;
  limits: IntakeLimits;
  /** the systems configuration: which attributes may be corrected and which consent purposes exist */
  systems: SystemsConfig;
  /** starts the requests that need no verification (an opt-out of sale/sharing, limiting sensitive data) at once */
  workflow: WorkflowStarter;
  /** the deployment's key for keyed hashes (addresses, client IPs, derived status tokens) */
  hashKey: () => Promise<string>;
  apiUrl: string;
  /** how long the verification link works: the request expires unverified after it */
  verificationTtlSeconds: number;
  statusTokenTtlSeconds: number;
  /** where an agent's uploaded permission document is looked for (POST /agent-documents); none: agents' documents are refused */
  agentDocuments?: Pick<AgentDocumentStore, 'exists'>;
  /** a repeat for the same identity and type within this long after the last mail sends none (default 15 minutes) */
  mailCooldownSeconds?: number;
  now?: () => Date;
}

export interface SubmitContext {
  idempotencyKey?: string;
  /** the caller's IP as the API saw it: counted (as a keyed hash) against the per-client cap */
  clientIp?: string;
  /** the request carried `Sec-GPC: 1` (Global Privacy Control): also an opt-out of sale/sharing (11 CCR §7025) */
  gpc?: boolean;
  /** how the request came in (recorded on it): `email` from functions/receive-mail; none: the API */
  channel?: 'email';
  /**
   * The mail's words named no one right: `body.type` is a placeholder, recorded as such so the policy step holds the
   * request for an operator to set the right (`type_unclear`). It coalesces only with another unclear mail.
   */
  typeUnclear?: boolean;
  /** an unclear mail's words (its subject and the sender's own text), for the operator who sets the right */
  mailText?: string;
}

/** The 202 answer of POST /requests (the OpenAPI document is generated from this schema). */
export const SubmitRequestResult = z.object({
  requestId: RequestId,
  status: RequestStatus,
  /** a read-only capability for GET /requests/{id}; shown once, stored hashed */
  statusToken: z.string(),
  /**
   * Present when the request carried `Sec-GPC: 1`: the signal was honoured as an opt-out of sale/sharing for the
   * identifier given (11 CCR §7025(c), and (c)(6) as amended for 2026: show that it was). `requestId` is that opt-out's
   * own request when one more was recorded for it; absent when the request itself was that opt-out.
   */
  gpc: z.object({ honoured: z.literal(true), requestId: RequestId.optional() }).optional(),
});
export type SubmitRequestResult = z.infer<typeof SubmitRequestResult>;

const DEFAULT_MAIL_COOLDOWN_SECONDS = 15 * 60;

/**
 * Accept a request: persist it (the record is the source of truth) and mail a single-use verification link to the
 * address on it. No workflow runs yet: the execution starts when the link is confirmed (verify-identity), so an
 * unverified request holds nothing open for days, and a flood of submissions costs a record and a mail each, within
 * the intake's caps. The subject is not looked up anywhere here, so the answer and the work done are the same whether
 * or not anyone holds data about them.
 *
 * An opt-out of sale/sharing and a request to limit sensitive data need no verification (11 CCR §7026(d), §7027(e)):
 * recorded verified-by-`not_required`, bound to the address given, their execution started at once (a failed start is
 * left to the sweeper, which starts verified requests without an execution); nothing is mailed.
 *
 * Repeats:
 * - with the same Idempotency-Key and body: the first request and the same status token (derived from the key and the
 *   request, so none is minted), no second mail;
 * - without a key, for the same identity, right and subject matter (request-record.ts `openKind`) while a request still
 *   waits for its link (or, needing none, has not ended): they coalesce into it (its id, a new status token), and at
 *   most one mail goes out per cool-down.
 * Past the per-client, per-address or per-domain caps: RateLimitedError (429 with Retry-After), and nothing is stored.
 */
export class SubmitRequest {
  private readonly now: () => Date;

  public constructor(private readonly deps: SubmitRequestDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  public async execute(body: SubmitRequestBody, context: SubmitContext = {}): Promise<SubmitRequestResult> {
    // Refused before anything is counted, stored or mailed: a right this deployment cannot act on is a 400.
    this.checkOffered(body);
    await this.checkAgentDocument(body);
    const key = await this.deps.hashKey();
    if (context.clientIp) await this.admitted(this.deps.limits.admitClient(hmacHex(key, `client:${context.clientIp}`)));
    const result = await this.submit(body, key, context.idempotencyKey, true, context);
    if (!context.gpc) return result;
    if (body.type === 'opt_out' && body.scope === 'sale_sharing') return { ...result, gpc: { honoured: true } };
    // The signal is honoured for the identifier on the request, as a request of its own that needs no verification
    // (§7025(c)(1): treated as a §7026 opt-out). It rides on this submission's admission (one request, one count), and
    // an idempotent repeat finds the same opt-out through a key derived from the client's.
    const optOut: SubmitRequestBody = {
      type: 'opt_out',
      scope: 'sale_sharing',
      regulation: body.regulation,
      subject: body.subject,
    };
    const gpcKey = context.idempotencyKey === undefined ? undefined : `gpc:${context.idempotencyKey}`;
    const honoured = await this.submit(optOut, key, gpcKey, false, { channel: context.channel });
    return { ...result, gpc: { honoured: true, requestId: honoured.requestId } };
  }

  /**
   * Whether the configuration can act on what is asked: a correction's attributes must be correctable in at least one
   * system, a consent purpose must be recorded by at least one (GDPR Art. 7(3), Art. 16). Scopes, grounds and the rest
   * are closed lists the body's schema already checked.
   */
  private checkOffered(body: SubmitRequestBody): void {
    const systems = this.deps.systems.systems;
    const problems: FieldProblem[] = [];
    if (body.type === 'correction') {
      const correctable = [...new Set(systems.flatMap((s) => Object.keys(s.correctable ?? {})))].sort();
      body.corrections.forEach((correction, i) => {
        if (!correctable.includes(correction.attribute))
          problems.push({
            path: `corrections.${i}.attribute`,
            message: correctable.length
              ? `"${correction.attribute}" cannot be corrected through this form; what can be: ${correctable.join(', ')}`
              : 'no personal data can be corrected through this form; please contact us directly',
          });
      });
    }
    if (body.type === 'withdraw_consent') {
      const purposes = [...new Set(systems.flatMap((s) => Object.keys(s.flags?.consent ?? {})))].sort();
      if (!purposes.includes(body.purpose))
        problems.push({
          path: 'purpose',
          message: purposes.length
            ? `we do not ask for consent for "${body.purpose}"; the purposes you may have consented to: ${purposes.join(', ')}`
            : 'we do not rely on consent for any purpose, so there is no consent to withdraw',
        });
    }
    if (problems.length) throw new ValidationError('The request cannot be acted on as asked', problems);
  }

  /**
   * An agent's document must be an upload POST /agent-documents issued (the key's shape, checked by the schema) that
   * was made: a 400 naming the field otherwise, before anything is stored. Its absence is not refused here: the policy
   * step denies it with the reason in words, on the record (decide.ts `agent_without_authority`).
   */
  private async checkAgentDocument(body: SubmitRequestBody): Promise<void> {
    const document = body.agent?.document;
    if (document === undefined) return;
    if (!(await this.deps.agentDocuments?.exists(document)))
      throw new ValidationError('The agent document was not found', [
        { path: 'agent.document', message: 'no document was uploaded under this key: upload it first' },
      ]);
  }

  /** One request: a repeat (same key), a coalesced one (same identity and kind, still open), or a new one. */
  private async submit(
    body: SubmitRequestBody,
    key: string,
    idempotencyKey: string | undefined,
    admit: boolean,
    intake: Pick<SubmitContext, 'channel' | 'typeUnclear' | 'mailText'> = {},
  ): Promise<SubmitRequestResult> {
    const subjectHash = identityHash(key, 'email', body.subject.email);
    const claim = idempotencyKey
      ? { keyHash: fingerprint({ idempotencyKey }), fingerprint: fingerprint(body, idempotencyKey) }
      : undefined;
    const kind: OpenKind = intake.typeUnclear
      ? `${body.type}:unclear`
      : openKind(
          { type: body.type, ...rightFields(body) },
          body.type === 'correction'
            ? hmacHex(key, `corrections:${JSON.stringify(body.corrections)}`).slice(0, 32)
            : undefined,
        );

    // An agent's request never coalesces with another for the same subject (nor takes repeats itself): merging would
    // drop the agent, or hang the subject's own request on an agent's authority.
    if (claim) {
      const prior = await this.deps.requests.findClaimed(claim);
      if (prior?.outcome === 'conflict') throw new IdempotencyConflictError();
      if (prior?.outcome === 'duplicate') return this.repeat(prior.requestId, key, idempotencyKey);
    } else if (!body.agent) {
      const open = await this.deps.requests.findOpen(subjectHash, kind);
      if (open) return this.coalesce(open, kind, subjectHash, key, body.subject.email);
    }
    return this.create(body, kind, subjectHash, key, claim, idempotencyKey, admit, intake);
  }

  private async create(
    body: SubmitRequestBody,
    kind: OpenKind,
    subjectHash: string,
    key: string,
    claim: IdempotencyClaim | undefined,
    idempotencyKey: string | undefined,
    admit: boolean,
    intake: Pick<SubmitContext, 'channel' | 'typeUnclear' | 'mailText'>,
  ): Promise<SubmitRequestResult> {
    const receivedAt = this.now();
    const at = receivedAt.toISOString();
    const fields = rightFields(body);
    // A power of attorney is not confirmed by the subject (11 CCR §7063(b)): recorded verified by the agent's authority
    // and started; the policy step holds it until an operator has checked the document, before any system is searched.
    const attorney = body.agent?.authority === 'power_of_attorney';
    const verify = verificationRequired({ type: body.type, ...fields }) && !attorney;
    // The per-address and per-domain caps count every request recorded for an address, mailed or not.
    if (admit) await this.admitMail(body.subject.email, subjectHash, key);
    // the clock of this right under this law (functions/core/rules): recomputed only by the engine from here on
    const clock = requestClock(body.regulation, body.type, receivedAt);
    const record: RequestRecord = {
      requestId: randomUUID(),
      type: body.type,
      regulation: body.regulation,
      subject: body.subject,
      subjectHash,
      ...fields,
      ...(body.agent
        ? {
            agent: { email: body.agent.email, name: body.agent.name },
            agentAuthority: {
              authority: body.agent.authority,
              ...(body.agent.document ? { document: body.agent.document } : {}),
            },
          }
        : {}),
      ...(intake.channel ? { channel: intake.channel } : {}),
      ...(intake.typeUnclear ? { typeUnclear: true } : {}),
      ...(intake.typeUnclear && intake.mailText ? { mailText: intake.mailText } : {}),
      status: 'received',
      receivedAt: at,
      dueDate: clock.dueOn,
      clock,
      updatedAt: at,
      // No proof asked (§7026(d), §7027(e)): recorded as such, bound to the identifier given, and ready to run.
      ...(verify
        ? {}
        : {
            status: 'verified',
            verified: { email: body.subject.email },
            verifiedAt: at,
            verification: attorney ? 'power_of_attorney' : 'not_required',
          }),
    };
    const created = await this.deps.requests.create(record, claim);
    if (created.outcome === 'conflict') throw new IdempotencyConflictError();
    if (created.outcome === 'duplicate') return this.repeat(created.requestId, key, idempotencyKey);
    let status: RequestStatus = 'verified';
    if (verify) {
      const sent = await this.sendLink(record);
      if (!body.agent) await this.deps.requests.markOpen(subjectHash, kind, record.requestId, sent);
      status = 'pending_verification';
    } else {
      // a repeat while this one runs coalesces into it; the pointer outlives any run by far
      if (!body.agent)
        await this.deps.requests.markOpen(
          subjectHash,
          kind,
          record.requestId,
          new Date(receivedAt.getTime() + this.deps.verificationTtlSeconds * 1000),
        );
      await startWorkflow(this.deps.workflow, record.requestId);
      logger.info('request needs no verification; started', { requestId: record.requestId, type: record.type });
    }
    if (record.agent) await this.acknowledgeAgent({ ...record, agent: record.agent });
    return {
      requestId: record.requestId,
      status,
      statusToken: await this.statusToken(record.requestId, key, idempotencyKey),
    };
  }

  /**
   * The agent's acknowledgment: the reference only (the subject's mail carries the link; the answer goes to the
   * subject). A courtesy the 202 already carries: a failure to send it is logged (its name) and does not undo the request.
   */
  private async acknowledgeAgent(record: Parameters<typeof agentAcknowledgmentMail>[0]): Promise<void> {
    try {
      await this.deps.mailer.send(agentAcknowledgmentMail(record));
    } catch (error) {
      logger.warn('agent acknowledgment not sent', {
        requestId: record.requestId,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  /** A repeat of an idempotent submission: its request as it stands, the same token, nothing sent. */
  private async repeat(requestId: string, key: string, idempotencyKey?: string): Promise<SubmitRequestResult> {
    let record = await this.deps.requests.load(requestId);
    // the first attempt died between recording the request and mailing its link: mail it now
    if (record.status === 'received' && record.subject) {
      await this.sendLink(record);
      record = await this.deps.requests.load(requestId);
    }
    return { requestId, status: record.status, statusToken: await this.statusToken(requestId, key, idempotencyKey) };
  }

  /** A repeat for an identity and type that already wait for their link: the same request; a mail only past the cool-down. */
  private async coalesce(
    open: RequestRecord,
    kind: OpenKind,
    subjectHash: string,
    key: string,
    email: string,
  ): Promise<SubmitRequestResult> {
    if (open.verification === 'not_required') {
      // nothing to mail: the request already runs (or the sweeper starts it)
      logger.info('request coalesced into the open one', { requestId: open.requestId });
      return {
        requestId: open.requestId,
        status: open.status,
        statusToken: await this.statusToken(open.requestId, key),
      };
    }
    const cooldown = (this.deps.mailCooldownSeconds ?? DEFAULT_MAIL_COOLDOWN_SECONDS) * 1000;
    const lastSent = open.verificationSentAt ? Date.parse(open.verificationSentAt) : 0;
    if (this.now().getTime() - lastSent >= cooldown) {
      await this.admitMail(email, subjectHash, key);
      const expiresAt = await this.sendLink(open);
      await this.deps.requests.markOpen(subjectHash, kind, open.requestId, expiresAt);
    }
    logger.info('request coalesced into the open one', { requestId: open.requestId });
    return {
      requestId: open.requestId,
      status: 'pending_verification',
      statusToken: await this.statusToken(open.requestId, key),
    };
  }

  /**
   * Issue a verification token, mail the link, and record the window. If the mail cannot be sent, the request is
   * closed and forgets its subject before the error goes on (the caller gets a 500 and nothing is left holding the
   * address), so a failure never leaves an orphan waiting for a link nobody got.
   */
  private async sendLink(record: RequestRecord): Promise<Date> {
    const { requests, tokens, mailer, verificationTtlSeconds } = this.deps;
    const expiresAt = new Date(this.now().getTime() + verificationTtlSeconds * 1000);
    const token = await tokens.issue('verify', record.requestId, verificationTtlSeconds);
    try {
      await mailer.send(
        verificationMail(record, `${this.deps.apiUrl.replace(/\/$/, '')}/verify?token=${token}`, expiresAt),
      );
    } catch (error) {
      if (record.status === 'received') {
        await requests.advance(record.requestId, 'cancelled', { completedAt: this.now().toISOString() });
        await requests.forgetSubject(record.requestId);
      }
      throw error;
    }
    await requests.advance(record.requestId, 'pending_verification');
    await requests.update(record.requestId, {
      verificationSentAt: this.now().toISOString(),
      verificationExpiresAt: expiresAt.toISOString(),
    });
    return expiresAt;
  }

  private async admitMail(email: string, subjectHash: string, key: string): Promise<void> {
    const domain = email.slice(email.lastIndexOf('@') + 1);
    await this.admitted(this.deps.limits.admitMail(subjectHash, hmacHex(key, `domain:${domain}`)));
  }

  private async admitted(admission: ReturnType<IntakeLimits['admitClient']>): Promise<void> {
    const result = await admission;
    if (!result.ok) throw new RateLimitedError(result.limit, result.retryAfterSeconds);
  }

  /**
   * The status token. With an idempotency key it is derived (HMAC under the deployment key of the request and the
   * client's key: 256 bits no one can compute without the secret), so a repeat gets the same token back and none is
   * minted; otherwise it is random. Either way only its hash is stored.
   */
  private async statusToken(requestId: string, key: string, idempotencyKey?: string): Promise<string> {
    const ttl = this.deps.statusTokenTtlSeconds;
    if (idempotencyKey === undefined) return this.deps.tokens.issue('status', requestId, ttl);
    const token = Buffer.from(hmacHex(key, `status-token:${requestId}:${idempotencyKey}`), 'hex').toString('base64url');
    await this.deps.tokens.register('status', requestId, token, ttl);
    return token;
  }
}
