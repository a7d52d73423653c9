import type { Readable } from 'node:stream';
import type { OpenKind, RequestRecord } from './domain/request-record';
import type { AgentDocumentType, PresignedUpload } from './domain/request';
import type { RequestStatus } from './domain/status';
import type { AuditEntry, AuditEvent } from './audit/chain';

export type { RequestRecord };

/**
 * Ports: what the use cases need from the outside world. Adapters in ./adapters implement them with the
 * AWS SDK; use cases never import an SDK, so they run the same in the cloud, in the local twin and in tests.
 */

/**
 * What `update` may set. `dueDate` may change only with the request's `clock` (an extension: the engine recomputes both,
 * functions/core/rules/clock.ts); the rest of the request's identity never changes.
 */
export type RecordPatch = Partial<
  Omit<RequestRecord, 'requestId' | 'status' | 'type' | 'regulation' | 'subject' | 'subjectForgottenAt' | 'receivedAt'>
>;

export interface IdempotencyClaim {
  /** hash of the client's key (the key itself is not stored) */
  keyHash: string;
  /** hash of the request body, so a reused key with another body is refused */
  fingerprint: string;
}

export type CreateResult =
  | { outcome: 'created'; requestId: string }
  | { outcome: 'duplicate'; requestId: string }
  | { outcome: 'conflict' };

export interface RequestRepository {
  /** Persist a new request; with an idempotency claim, a repeat returns the first request instead. */
  create(record: RequestRecord, idempotency?: IdempotencyClaim): Promise<CreateResult>;
  /** What an idempotency key was already used for, without claiming it: the first request, a conflict, or nothing. */
  findClaimed(idempotency: IdempotencyClaim): Promise<CreateResult | undefined>;
  get(requestId: string): Promise<RequestRecord | undefined>;
  /** As `get`, for the workflow steps, which are only ever given ids of existing requests: none is RequestNotFoundError. */
  load(requestId: string): Promise<RequestRecord>;
  /**
   * The one rule for moving a request's status: move forward to `to` and apply `patch`, in one conditional write (only
   * from a status that may move there: status.ts `canTransition`). A no-op when the request is already at or past `to`
   * (a re-run step, a terminal request): the record is returned as it is and `patch` is not applied (use `update` for
   * fields). Throws RequestNotFoundError for no record, StatusConflictError for a move that is not forward (e.g. a
   * verified request cannot expire). Callers that must know whether this call made the move compare the returned status.
   */
  advance(requestId: string, to: RequestStatus, patch?: RecordPatch): Promise<RequestRecord>;
  /** Set fields without moving the status; refused (StatusConflictError) once the request is terminal. */
  update(requestId: string, patch: RecordPatch): Promise<void>;
  /**
   * Set the right of a request whose mail named none clearly (`typeUnclear`), with the clock recomputed for it: the one
   * write that changes `type`, refused (StatusConflictError) unless the request is verified and marked unclear.
   */
  setRight(requestId: string, right: Pick<RequestRecord, 'type' | 'scope' | 'clock' | 'dueDate'>): Promise<void>;
  /**
   * Claim the delivery of `attempt` (see RequestRecord.delivery) in one conditional write on an open request: it wins
   * if no delivery is recorded or the recorded one is of an earlier attempt, or — with `takeOver`, the `claimedAt` of a
   * stale claim of this attempt that was never mailed — if that claim is still exactly the one recorded. False when
   * another claim holds; RequestNotFoundError/StatusConflictError as `update`.
   */
  claimDelivery(requestId: string, attempt: number, claimedAt: string, takeOver?: string): Promise<boolean>;
  /**
   * Drop the subject's identity from a request that has ended (refused for one still open): an answered deletion (once
   * their data is erased the record must not be the last place that names them), an expired, cancelled or rejected
   * request (nothing was done for anyone), an answered access request whose download window closed. What stays is the
   * keyed hash of the address, the dates, type, status and outcome counts. A no-op when already forgotten.
   */
  forgetSubject(requestId: string): Promise<void>;
  /**
   * Record the lift of a restriction (RequestRecord.lift) on an answered restriction request that still holds its
   * subject: the one write allowed on an ended request besides forgetting, because GDPR Art. 18(3) obliges the
   * controller to tell the subject before lifting. StatusConflictError for any other request.
   */
  recordLift(requestId: string, lift: NonNullable<RequestRecord['lift']>): Promise<void>;
  /**
   * Every request recorded for this keyed hash of an address, any status (the policy step counts them against the
   * profile's limits). Ids are remembered at `create`, so requests recorded before this existed are not among them.
   */
  earlierOf(subjectHash: string): Promise<RequestRecord[]>;
  /** Every request record, page by page (the sweeper's walk; a Scan: fine at the volumes a DSAR pipeline sees). */
  all(): AsyncIterable<RequestRecord>;
  /**
   * The open request of this identity and kind (request-record.ts `openKind`: the right and what it is about), if one
   * is still waiting for its link to be followed, or — needing no verification — has not ended yet: repeats coalesce
   * into it instead of mailing or starting again. `subjectHash` is the keyed hash of the address, never the address.
   */
  findOpen(subjectHash: string, kind: OpenKind): Promise<RequestRecord | undefined>;
  /** Remember `requestId` as the open request of this identity and kind until `expiresAt`. */
  markOpen(subjectHash: string, kind: OpenKind, requestId: string, expiresAt: Date): Promise<void>;
}

/**
 * The audit trail of each request (functions/core/audit/chain.ts): an append-only, hash-chained list of events that
 * say what changed, when and by whom — fixed words, statuses and field names, never a value of the record.
 */
export interface AuditLog {
  /** Add the next event of the request (sequence number and links are the log's); returns the event as stored. */
  append(requestId: string, entry: AuditEntry): Promise<AuditEvent>;
  /**
   * The request's events as stored, by sequence number, unparsed: whoever reads them verifies them (`verifyChain`),
   * and a tampered item must reach the verification rather than fail the read.
   */
  history(requestId: string): Promise<readonly Readonly<Record<string, unknown>>[]>;
}

/** `appeal`: the link in a denial where the law gives an appeal (functions/appeal-request) */
export type TokenPurpose = 'verify' | 'download' | 'status' | 'appeal';

/** What a limit said: go on, or wait this long (`limit` names which one, for the machine-readable error). */
export type Admission = { ok: true } | { ok: false; limit: 'client' | 'address' | 'domain'; retryAfterSeconds: number };

/**
 * Anti-automation for the intake (OWASP ASVS 5.0 2.4.1): counters per client and per address, each a conditional
 * write keyed by a keyed hash (never a plain IP or address), expiring by TTL.
 */
export interface IntakeLimits {
  /** Count one submission from a client (keyed hash of its IP); refused past the hourly cap. */
  admitClient(clientHash: string): Promise<Admission>;
  /** Count one verification mail to an address and its domain (keyed hashes); refused past either daily cap. */
  admitMail(addressHash: string, domainHash: string): Promise<Admission>;
}

export interface TokenStore {
  /** Issue a fresh random token; only its hash is stored. */
  issue(purpose: TokenPurpose, requestId: string, ttlSeconds: number): Promise<string>;
  /**
   * Register a token the caller derived (a keyed hash with 256 bits, e.g. the status token of an idempotent submission,
   * so that a repeat gets the same token back instead of a new one); registering it again changes nothing.
   */
  register(purpose: TokenPurpose, requestId: string, token: string, ttlSeconds: number): Promise<void>;
  /** Single use: returns the request id and marks the token used, or undefined if unknown/expired/used/other purpose. */
  consume(purpose: TokenPurpose, token: string): Promise<string | undefined>;
  /** Reusable read capability (status tokens): the request id, or undefined. */
  check(purpose: TokenPurpose, token: string): Promise<string | undefined>;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** What became of a request's execution (named by the request id). */
export type ExecutionState = 'none' | 'running' | 'succeeded' | 'failed';

/** Starting a request's workflow (only who confirms a request, and the sweeper, hold the state machine's ARN). */
export interface WorkflowStarter {
  /**
   * Start the request's workflow with input { requestId }, under `name` (default: the request id; see
   * request-record.ts `executionName`); starting the same name again is a no-op.
   */
  start(requestId: string, name?: string): Promise<void>;
}

/** The sweeper's view of executions: what became of the one named `name`. */
export interface Executions extends WorkflowStarter {
  describe(name: string): Promise<ExecutionState>;
}

export interface DocumentStore {
  /** Stream `body` into `key` (multipart, never whole in memory). */
  write(key: string, body: Readable | AsyncIterable<string>, contentType: string): Promise<void>;
  /** Stream the object at `key`. */
  read(key: string): Promise<Readable>;
  /** Delete `key` (no error if it is already gone). */
  remove(key: string): Promise<void>;
  /** A GET URL for `key` valid for `expiresInSeconds`. */
  presignGet(key: string, expiresInSeconds: number, fileName: string): Promise<string>;
}

/** A presigned POST for one upload: the form's target, the fields to send before the file, and the key it lands at. */
export type { PresignedUpload };

/**
 * Authorized agents' permission documents (11 CCR §7063): uploaded by the agent straight to the bucket through a
 * presigned POST whose policy bounds the type and size, then named on the request by key.
 */
export interface AgentDocumentStore {
  /** A presigned POST for one new document of `contentType` under a key the server chose. */
  issueUpload(contentType: AgentDocumentType): Promise<PresignedUpload>;
  /** Whether an upload landed at `key`. */
  exists(key: string): Promise<boolean>;
}

/**
 * Keyed hashes of erased identities. After a restore from backup, the re-apply command walks each system,
 * hashes the identities it finds and erases those on this list. No plain identity is ever stored here.
 */
export interface SuppressionList {
  add(identityHash: string, requestId: string): Promise<void>;
  has(identityHash: string): Promise<boolean>;
  all(): AsyncIterable<string>;
}

/** One held concurrency slot of a source system; `holder` is random, so only who took it can free it. */
export interface SystemLease {
  readonly systemId: string;
  readonly slot: number;
  readonly holder: string;
}

/**
 * A cap per source system across all requests (connectors/config.ts `concurrency`): a step takes one of the system's
 * slots before it touches the system and gives it back after. A slot whose holder died frees itself when its hold time
 * (the function's timeout) has passed, so a crash costs capacity for a while, never forever.
 */
export interface SystemLeases {
  /** Take a free (or expired) slot among `slots` of the system, tried in random order; undefined when all are held. */
  acquire(systemId: string, slots: number): Promise<SystemLease | undefined>;
  /** Free the slot if this lease still holds it (a no-op when another holder took it over after it expired). */
  release(lease: SystemLease): Promise<void>;
}

/** Answering a task that waits for a callback (the task token names its execution: no ARN is needed). */
export interface TaskCallbacks {
  /** Complete a task that waits for a callback; false if that task no longer exists (timed out, execution gone). */
  complete(taskToken: string, output: Record<string, unknown>): Promise<boolean>;
}

/** What a recipient answered (`not_sent`: it has no contact; `timed_out` and `failed` come from the workflow). */
/** `found`: a manual system's owner sent the subject's records (an access or portability request). */
export type NoticeAnswer = 'found' | 'done' | 'not_held' | 'exception' | 'not_sent';

/**
 * One notice to one recipient about one request (GDPR Art. 19): kept on the request's side, never in the workflow's
 * payload. `taskToken` is the Step Functions token of the callback task currently waiting for it (a re-run replaces it,
 * so an answer reaches whichever task waits now); `reason` is the recipient's free text for an `exception`.
 */
export interface Notice {
  requestId: string;
  recipientId: string;
  /** when the recipient's answer is due (ISO-8601) */
  deadline: string;
  taskToken?: string;
  channel?: 'email' | 'webhook';
  sentAt?: string;
  answer?: NoticeAnswer;
  answeredAt?: string;
  reason?: string;
  /** how many records a manual system's owner sent with a `found` answer */
  records?: number;
}

/** Notices and their single-use answer links (a kind of its own in the tokens table). */
export interface NoticeStore {
  /**
   * Record the notice if it is new, or point an existing one at `taskToken` (a re-run of the waiting step); returns it
   * as stored, so the caller sees whether it was already sent or answered.
   */
  open(requestId: string, recipientId: string, taskToken: string, deadline: string): Promise<Notice>;
  /** The notice, if any. */
  get(requestId: string, recipientId: string): Promise<Notice | undefined>;
  /** Record that the notice went out. */
  markSent(requestId: string, recipientId: string, channel: 'email' | 'webhook', at: string): Promise<void>;
  /** Issue a single-use answer token for the notice (256 bits, stored hashed, expiring with the deadline). */
  issueLink(requestId: string, recipientId: string, ttlSeconds: number): Promise<string>;
  /** The notice an answer token is for, without spending it (the answer page); undefined if unusable. */
  peek(token: string): Promise<Notice | undefined>;
  /** Spend the token: the notice it is for, or undefined if it is unknown, expired or used. */
  consume(token: string): Promise<Notice | undefined>;
  /** Record the answer unless one is recorded already (false then: the first answer stands). */
  answer(
    requestId: string,
    recipientId: string,
    answer: NoticeAnswer,
    at: string,
    reason?: string,
    records?: number,
  ): Promise<boolean>;
}

/** One notice to a webhook: the JSON body is signed with the named secret (see README, "Recipient notices"). */
export interface WebhookNotice {
  url: string;
  /** the name of the secret holding the HMAC key */
  secret: string;
  body: Record<string, unknown>;
}

/** Delivering a notice to a webhook: resolves once it is accepted (2xx), throws a named error otherwise. */
export interface WebhookSender {
  send(notice: WebhookNotice): Promise<void>;
}
