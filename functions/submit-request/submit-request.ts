import { randomUUID } from 'node:crypto';
import { hmacHex } from '../../connectors/canonical';
import { dueDate } from '../core/domain/due-date';
import { IdempotencyConflictError, RateLimitedError } from '../core/domain/errors';
import { identityHash } from '../core/domain/keyed-hash';
import { verificationMail } from '../core/domain/mail';
import type { SubmitRequestBody } from '../core/domain/request';
import type { RequestRecord } from '../core/domain/request-record';
import type { RequestStatus } from '../core/domain/status';
import { fingerprint } from '../core/fingerprint';
import { logger } from '../core/logger';
import type { IdempotencyClaim, IntakeLimits, Mailer, RequestRepository, TokenStore } from '../core/ports';

export interface SubmitRequestDeps {
  requests: RequestRepository;
  tokens: TokenStore;
  mailer: Mailer;
  limits: IntakeLimits;
  /** the deployment's key for keyed hashes (addresses, client IPs, derived status tokens) */
  hashKey: () => Promise<string>;
  apiUrl: string;
  /** how long the verification link works: the request expires unverified after it */
  verificationTtlSeconds: number;
  statusTokenTtlSeconds: number;
  /** a repeat for the same identity and type within this long after the last mail sends none (default 15 minutes) */
  mailCooldownSeconds?: number;
  now?: () => Date;
}

export interface SubmitContext {
  idempotencyKey?: string;
  /** the caller's IP as the API saw it: counted (as a keyed hash) against the per-client cap */
  clientIp?: string;
}

export interface SubmitRequestResult {
  requestId: string;
  status: RequestStatus;
  /** a read-only capability for GET /requests/{id}; shown once, stored hashed */
  statusToken: string;
}

const DEFAULT_MAIL_COOLDOWN_SECONDS = 15 * 60;

/**
 * Accept a request: persist it (the record is the source of truth) and mail a single-use verification link to the
 * address on it. No workflow runs yet: the execution starts when the link is confirmed (verify-identity), so an
 * unverified request holds nothing open for days, and a flood of submissions costs a record and a mail each, within
 * the intake's caps. The subject is not looked up anywhere here, so the answer and the work done are the same whether
 * or not anyone holds data about them.
 *
 * Repeats:
 * - with the same Idempotency-Key and body: the first request and the same status token (derived from the key and the
 *   request, so none is minted), no second mail;
 * - without a key, for the same identity and type while a request still waits for its link: they coalesce into it (its
 *   id, a new status token), and at most one mail goes out per cool-down.
 * Past the per-client, per-address or per-domain caps: RateLimitedError (429 with Retry-After), and nothing is stored.
 */
export class SubmitRequest {
  private readonly now: () => Date;

  public constructor(private readonly deps: SubmitRequestDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  public async execute(body: SubmitRequestBody, context: SubmitContext = {}): Promise<SubmitRequestResult> {
    const key = await this.deps.hashKey();
    if (context.clientIp) await this.admitted(this.deps.limits.admitClient(hmacHex(key, `client:${context.clientIp}`)));
    const subjectHash = identityHash(key, 'email', body.subject.email);
    const claim = context.idempotencyKey
      ? {
          keyHash: fingerprint({ idempotencyKey: context.idempotencyKey }),
          fingerprint: fingerprint(body, context.idempotencyKey),
        }
      : undefined;

    if (claim) {
      const prior = await this.deps.requests.findClaimed(claim);
      if (prior?.outcome === 'conflict') throw new IdempotencyConflictError();
      if (prior?.outcome === 'duplicate') return this.repeat(prior.requestId, key, context.idempotencyKey);
    } else {
      const open = await this.deps.requests.findOpen(subjectHash, body.type);
      if (open) return this.coalesce(open, subjectHash, key, body.subject.email);
    }
    return this.create(body, subjectHash, key, claim, context.idempotencyKey);
  }

  private async create(
    body: SubmitRequestBody,
    subjectHash: string,
    key: string,
    claim: IdempotencyClaim | undefined,
    idempotencyKey?: string,
  ) {
    await this.admitMail(body.subject.email, subjectHash, key);
    const receivedAt = this.now();
    const record: RequestRecord = {
      requestId: randomUUID(),
      type: body.type,
      regulation: body.regulation,
      subject: body.subject,
      subjectHash,
      status: 'received',
      receivedAt: receivedAt.toISOString(),
      dueDate: dueDate(body.regulation, receivedAt),
      updatedAt: receivedAt.toISOString(),
    };
    const created = await this.deps.requests.create(record, claim);
    if (created.outcome === 'conflict') throw new IdempotencyConflictError();
    if (created.outcome === 'duplicate') return this.repeat(created.requestId, key, idempotencyKey);
    const sent = await this.sendLink(record);
    await this.deps.requests.markOpen(subjectHash, body.type, record.requestId, sent);
    return {
      requestId: record.requestId,
      status: 'pending_verification' as const,
      statusToken: await this.statusToken(record.requestId, key, idempotencyKey),
    };
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
    subjectHash: string,
    key: string,
    email: string,
  ): Promise<SubmitRequestResult> {
    const cooldown = (this.deps.mailCooldownSeconds ?? DEFAULT_MAIL_COOLDOWN_SECONDS) * 1000;
    const lastSent = open.verificationSentAt ? Date.parse(open.verificationSentAt) : 0;
    if (this.now().getTime() - lastSent >= cooldown) {
      await this.admitMail(email, subjectHash, key);
      const expiresAt = await this.sendLink(open);
      await this.deps.requests.markOpen(subjectHash, open.type, open.requestId, expiresAt);
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
