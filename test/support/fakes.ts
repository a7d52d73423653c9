import { Readable } from 'node:stream';
import { canTransition, isAtOrPast, isTerminal, type RequestStatus } from '../../functions/core/domain/status';
import { RequestNotFoundError, StatusConflictError } from '../../functions/core/domain/errors';
import type {
  CreateResult,
  DocumentStore,
  IdempotencyClaim,
  MailMessage,
  Mailer,
  RecordPatch,
  RequestRecord,
  RequestRepository,
  SuppressionList,
  TokenPurpose,
  TokenStore,
  Admission,
  ExecutionState,
  Executions,
  IntakeLimits,
  SystemLease,
  SystemLeases,
} from '../../functions/core/ports';
import { type OpenKind, stillOpen } from '../../functions/core/domain/request-record';

/** In-memory ports with the same rules as the DynamoDB adapters, for use-case tests. */
export class MemoryRequests implements RequestRepository {
  public readonly records = new Map<string, RequestRecord>();

  /** `now`: the clock "still open" is judged by (a test's fixed clock, so a dated test does not expire with time) */
  public constructor(private readonly now: () => Date = () => new Date()) {}
  private readonly claims = new Map<string, { requestId: string; fingerprint: string }>();

  public async create(record: RequestRecord, idempotency?: IdempotencyClaim): Promise<CreateResult> {
    if (idempotency) {
      const claim = this.claims.get(idempotency.keyHash);
      if (claim)
        return claim.fingerprint === idempotency.fingerprint
          ? { outcome: 'duplicate', requestId: claim.requestId }
          : { outcome: 'conflict' };
      this.claims.set(idempotency.keyHash, { requestId: record.requestId, fingerprint: idempotency.fingerprint });
    }
    this.records.set(record.requestId, structuredClone(record));
    return { outcome: 'created', requestId: record.requestId };
  }

  public async findClaimed(idempotency: IdempotencyClaim): Promise<CreateResult | undefined> {
    const claim = this.claims.get(idempotency.keyHash);
    if (!claim) return undefined;
    return claim.fingerprint === idempotency.fingerprint
      ? { outcome: 'duplicate', requestId: claim.requestId }
      : { outcome: 'conflict' };
  }

  public async get(requestId: string): Promise<RequestRecord | undefined> {
    const record = this.records.get(requestId);
    return record && structuredClone(record);
  }

  public async setRight(
    requestId: string,
    right: Pick<RequestRecord, 'type' | 'scope' | 'clock' | 'dueDate'>,
  ): Promise<void> {
    const record = this.records.get(requestId);
    if (!record) throw new RequestNotFoundError(requestId);
    if (record.status !== 'verified' || record.typeUnclear !== true)
      throw new StatusConflictError(requestId, 'setRight');
    this.records.set(requestId, { ...record, ...structuredClone(right), updatedAt: new Date().toISOString() });
  }

  public async earlierOf(subjectHash: string): Promise<RequestRecord[]> {
    return [...this.records.values()].filter((r) => r.subjectHash === subjectHash).map((r) => structuredClone(r));
  }

  public async load(requestId: string): Promise<RequestRecord> {
    const record = await this.get(requestId);
    if (!record) throw new RequestNotFoundError(requestId);
    return record;
  }

  public async advance(requestId: string, to: RequestStatus, patch: RecordPatch = {}): Promise<RequestRecord> {
    const record = this.records.get(requestId);
    if (!record) throw new RequestNotFoundError(requestId);
    if (isAtOrPast(record.status, to)) return structuredClone(record);
    if (!canTransition(record.status, to)) throw new StatusConflictError(requestId, to);
    Object.assign(record, patch, { status: to, updatedAt: new Date().toISOString() });
    return structuredClone(record);
  }

  public async update(requestId: string, patch: RecordPatch): Promise<void> {
    const record = this.records.get(requestId);
    if (!record || isTerminal(record.status)) throw new StatusConflictError(requestId, 'update');
    Object.assign(record, patch);
  }

  public async claimDelivery(
    requestId: string,
    attempt: number,
    claimedAt: string,
    takeOver?: string,
  ): Promise<boolean> {
    const record = this.records.get(requestId);
    if (!record) throw new RequestNotFoundError(requestId);
    if (isTerminal(record.status)) throw new StatusConflictError(requestId, 'claim delivery');
    const held = record.delivery;
    const free = held === undefined || held.attempt < attempt;
    const stale =
      takeOver !== undefined && held?.attempt === attempt && held.claimedAt === takeOver && held.mailedAt === undefined;
    if (!free && !stale) return false;
    record.delivery = { attempt, claimedAt };
    return true;
  }

  public async forgetSubject(requestId: string): Promise<void> {
    const record = this.records.get(requestId);
    if (!record || !isTerminal(record.status)) throw new StatusConflictError(requestId, 'forget');
    delete record.subject;
    delete record.verified;
    delete record.corrections;
    delete record.mailText;
    record.subjectForgottenAt ??= new Date().toISOString();
  }

  public async recordLift(requestId: string, lift: NonNullable<RequestRecord['lift']>): Promise<void> {
    const record = this.records.get(requestId);
    const answered = record?.status === 'completed' || record?.status === 'partially_completed';
    if (record?.type !== 'restriction' || !record.subject || !answered)
      throw new StatusConflictError(requestId, 'record lift');
    record.lift = structuredClone(lift);
  }

  public async *all(): AsyncIterable<RequestRecord> {
    for (const record of this.records.values()) yield structuredClone(record);
  }

  private readonly open = new Map<string, string>();

  public async findOpen(subjectHash: string, kind: OpenKind): Promise<RequestRecord | undefined> {
    const record = this.records.get(this.open.get(`${kind}#${subjectHash}`) ?? '');
    return record && stillOpen(record, this.now()) ? structuredClone(record) : undefined;
  }

  public async markOpen(subjectHash: string, kind: OpenKind, requestId: string): Promise<void> {
    this.open.set(`${kind}#${subjectHash}`, requestId);
  }
}

export class MemoryTokens implements TokenStore {
  public readonly issued: {
    purpose: TokenPurpose;
    requestId: string;
    token: string;
    ttlSeconds: number;
    used: boolean;
  }[] = [];

  public async issue(purpose: TokenPurpose, requestId: string, ttlSeconds: number): Promise<string> {
    const token = `${purpose}-${this.issued.length}-${'x'.repeat(30)}`;
    this.issued.push({ purpose, requestId, token, ttlSeconds, used: false });
    return token;
  }

  public async register(purpose: TokenPurpose, requestId: string, token: string, ttlSeconds: number): Promise<void> {
    if (this.issued.some((t) => t.token === token)) return;
    this.issued.push({ purpose, requestId, token, ttlSeconds, used: false });
  }

  public async consume(purpose: TokenPurpose, token: string): Promise<string | undefined> {
    const found = this.issued.find((t) => t.token === token && t.purpose === purpose && !t.used);
    if (!found) return undefined;
    found.used = true;
    return found.requestId;
  }

  public async check(purpose: TokenPurpose, token: string): Promise<string | undefined> {
    return this.issued.find((t) => t.token === token && t.purpose === purpose)?.requestId;
  }
}

export class MemoryMailer implements Mailer {
  public readonly sent: MailMessage[] = [];

  public async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }
}

export class MemoryWorkflow implements Executions {
  public readonly started: string[] = [];
  /** execution names started, in order */
  public readonly names: string[] = [];
  /** what describe() answers per request (default: whether it was started) */
  public readonly states = new Map<string, ExecutionState>();

  public async describe(name: string): Promise<ExecutionState> {
    return this.states.get(name) ?? (this.names.includes(name) ? 'running' : 'none');
  }

  public async start(requestId: string, name = requestId): Promise<void> {
    this.started.push(requestId);
    this.names.push(name);
  }
}

export function aRequest(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: '0b9a3c52-6a8e-4f43-9d2c-3c1e2f4a5b6c',
    type: 'access',
    regulation: 'gdpr',
    subject: { email: 'ada@example.com' },
    status: 'received',
    receivedAt: '2026-11-01T10:00:00.000Z',
    dueDate: '2026-12-01',
    updatedAt: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}

export class MemoryDocuments implements DocumentStore {
  /** `bytes` as written (a zip is binary); `body` the same read as UTF-8 text */
  public readonly objects = new Map<string, { body: string; contentType: string; bytes: Buffer }>();

  public async write(key: string, body: Readable | AsyncIterable<string>, contentType: string): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of body)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array));
    const bytes = Buffer.concat(chunks);
    this.objects.set(key, { body: bytes.toString('utf8'), contentType, bytes });
  }

  public async read(key: string): Promise<Readable> {
    const object = this.objects.get(key);
    if (!object) throw new Error(`no object ${key}`);
    return Readable.from([object.body]);
  }

  public async remove(key: string): Promise<void> {
    this.objects.delete(key);
  }

  public async presignGet(key: string, expiresInSeconds: number, fileName: string): Promise<string> {
    return `https://s3.example/${key}?expires=${expiresInSeconds}&name=${fileName}`;
  }
}

/** The suppression list in memory: hash → the requests that erased it (like the DynamoDB adapter's item). */
export class MemorySuppression implements SuppressionList {
  public readonly entries = new Map<string, Set<string>>();

  public async add(identityHash: string, requestId: string): Promise<void> {
    const requests = this.entries.get(identityHash) ?? new Set<string>();
    requests.add(requestId);
    this.entries.set(identityHash, requests);
  }

  public async has(identityHash: string): Promise<boolean> {
    return this.entries.has(identityHash);
  }

  public async *all(): AsyncIterable<string> {
    yield* [...this.entries.keys()];
  }
}

/** Intake limits in memory: per-key counters against the same caps as the DynamoDB adapter. */
export class MemoryIntakeLimits implements IntakeLimits {
  public readonly counts = new Map<string, number>();

  public constructor(private readonly caps = { clientPerHour: 30, addressPerDay: 5, domainPerDay: 500 }) {}

  public async admitClient(clientHash: string): Promise<Admission> {
    return this.count(`client#${clientHash}`, this.caps.clientPerHour)
      ? { ok: true }
      : { ok: false, limit: 'client', retryAfterSeconds: 3600 };
  }

  public async admitMail(addressHash: string, domainHash: string): Promise<Admission> {
    if (!this.count(`address#${addressHash}`, this.caps.addressPerDay))
      return { ok: false, limit: 'address', retryAfterSeconds: 86_400 };
    if (!this.count(`domain#${domainHash}`, this.caps.domainPerDay))
      return { ok: false, limit: 'domain', retryAfterSeconds: 86_400 };
    return { ok: true };
  }

  private count(key: string, cap: number): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= cap) return false;
    this.counts.set(key, n + 1);
    return true;
  }
}

/**
 * System concurrency slots in memory, with the DynamoDB adapter's rules: a slot is free when absent or when its hold has
 * passed; release frees it only for its holder. `now` and `holdSeconds` are the test's to set; slots are tried in
 * order (the adapter's random order is its own concern, tested against dynalite).
 */
export class MemorySystemLeases implements SystemLeases {
  /** `<systemId>#<slot>` → who holds it until when (epoch ms) */
  public readonly held = new Map<string, { holder: string; heldUntil: number }>();
  /** every lease given out, and every release asked for, in order */
  public readonly acquired: SystemLease[] = [];
  public readonly released: SystemLease[] = [];
  private taken = 0;

  public constructor(
    public now: () => Date = () => new Date(),
    private readonly holdSeconds = 900,
  ) {}

  public async acquire(systemId: string, slots: number): Promise<SystemLease | undefined> {
    const now = this.now().getTime();
    for (let slot = 0; slot < slots; slot += 1) {
      const current = this.held.get(`${systemId}#${slot}`);
      if (current && current.heldUntil > now) continue;
      this.taken += 1;
      const lease = { systemId, slot, holder: `holder-${this.taken}` };
      this.held.set(`${systemId}#${slot}`, { holder: lease.holder, heldUntil: now + this.holdSeconds * 1000 });
      this.acquired.push(lease);
      return lease;
    }
    return undefined;
  }

  public async release(lease: SystemLease): Promise<void> {
    this.released.push(lease);
    const key = `${lease.systemId}#${lease.slot}`;
    if (this.held.get(key)?.holder === lease.holder) this.held.delete(key);
  }

  /** How many slots of the system are held right now. */
  public heldCount(systemId: string): number {
    const now = this.now().getTime();
    return [...this.held].filter(([key, lease]) => key.startsWith(`${systemId}#`) && lease.heldUntil > now).length;
  }
}
