import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The audit trail of one request: an append-only chain of events, one per state change the request repository makes
 * (GDPR Art. 5(2) accountability: the controller must be able to show how each request was handled; CCPA regulations,
 * 11 CCR §7101, ask for records of how each consumer request was responded to). Each event names what changed —
 * fixed words, statuses and the NAMES of fields, never their values (a value may be the subject's personal data: an
 * address, a correction) — and carries the hash of the event before it, so an edited, removed or reordered event is
 * found by recomputing the chain (`verifyChain`). Pure: no I/O, so the CLI, the adapter and the tests share it.
 */

/** What the first event chains to: the hash of "no event before". */
export const GENESIS_HASH = createHash('sha256').update('dsar-audit-genesis-v1').digest('hex');

/** Who made the change: fixed words, never a person's name or address (see ./actor.ts for how it is known). */
export const ACTORS = ['intake', 'subject', 'recipient', 'workflow', 'sweeper', 'operator', 'system'] as const;
export type Actor = (typeof ACTORS)[number];

/** What the repository did (one per RequestRepository write; see DynamoRequestRepository). */
export const EVENT_KINDS = [
  'created',
  'status',
  'updated',
  'decided',
  'extended',
  'delivery',
  'forgotten',
  'lift',
] as const;
export type AuditKind = (typeof EVENT_KINDS)[number];

/** What the repository gives the log for one change; the log adds the id, sequence, time and the links. */
export interface AuditEntry {
  kind: AuditKind;
  actor: Actor;
  /**
   * Which operator, when `actor` is `operator`: the console's signed-in identity (the Cognito user's `sub`, an opaque
   * id; `local-operator` in the twin) or the CLI's `cli:<OS user>`. An account id, not the subject's data.
   */
  operator?: string;
  /** the status before and after, where the status moved (`created`: only `to`) */
  from?: string;
  to?: string;
  /** the names of the fields written, sorted; never their values */
  fields?: string[];
}

/**
 * One stored event. Strings and string lists only besides `seq`: nothing here can hold a value of the record. Loose,
 * so an attribute someone added to a stored item is kept, covered by the hash and so reported.
 */
export const AuditEvent = z.looseObject({
  requestId: z.string(),
  seq: z.number().int().positive(),
  at: z.string(),
  kind: z.string(),
  actor: z.string(),
  operator: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  fields: z.array(z.string()).optional(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/** JSON with the keys of every object sorted and undefined members left out: one text for one content. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The hash of an event: SHA-256 over the canonical JSON of every attribute but `hash` itself — `prevHash` among them,
 * which is what chains it to the event before.
 */
export function eventHash(event: Readonly<Record<string, unknown>>): string {
  const { hash: _ignored, ...content } = event;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The event that follows `previous` (or starts the chain), with its hash. */
export function nextEvent(
  requestId: string,
  previous: Pick<AuditEvent, 'seq' | 'hash'> | undefined,
  entry: AuditEntry,
  at: Date,
): AuditEvent {
  const content = {
    requestId,
    seq: (previous?.seq ?? 0) + 1,
    at: at.toISOString(),
    kind: entry.kind,
    actor: entry.actor,
    ...(entry.operator === undefined ? {} : { operator: entry.operator }),
    ...(entry.from === undefined ? {} : { from: entry.from }),
    ...(entry.to === undefined ? {} : { to: entry.to }),
    ...(entry.fields === undefined ? {} : { fields: [...entry.fields].sort() }),
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...content, hash: eventHash(content) };
}

export interface ChainReport {
  intact: boolean;
  /** the events that are well formed, in the order given */
  events: AuditEvent[];
  /** one line per problem, naming the event by its sequence number ("event 3: hash does not match its content") */
  problems: string[];
}

/**
 * Verify a request's events as stored, in the order read (by sequence number): each well formed and of this request,
 * its hash recomputed from its content, its `prevHash` the hash of the event before (the genesis value for the first),
 * the sequence numbers 1, 2, 3… without a gap. What it cannot see: events cut off at the end together (the last event
 * has no successor to vouch for it), and a forger who recomputes every hash after an edit — the chain is unkeyed; the
 * grants (functions may only add events, never change or delete one) are what keeps the writers from that.
 */
export function verifyChain(requestId: string, stored: readonly unknown[]): ChainReport {
  const problems: string[] = [];
  const events: AuditEvent[] = [];
  let expected = 1;
  let previous: AuditEvent | undefined;
  stored.forEach((item, index) => {
    const parsed = AuditEvent.safeParse(item);
    if (!parsed.success) {
      const seq = (item as { seq?: unknown } | null)?.seq;
      problems.push(`event ${typeof seq === 'number' ? seq : `#${index + 1}`}: not a well-formed event`);
      // the next event's link is checked against this one's stored hash, if it has one
      previous = undefined;
      if (typeof seq === 'number') expected = Math.max(expected, seq + 1);
      return;
    }
    const event = parsed.data;
    events.push(event);
    const name = `event ${event.seq}`;
    if (event.seq > expected) {
      for (let missing = expected; missing < event.seq; missing++) problems.push(`event ${missing} missing`);
    } else if (event.seq < expected) {
      problems.push(`${name}: out of order (after event ${expected - 1})`);
    }
    if (event.requestId !== requestId) problems.push(`${name}: belongs to another request`);
    if (eventHash(event) !== event.hash) problems.push(`${name}: hash does not match its content`);
    const link = index === 0 ? GENESIS_HASH : previous?.hash;
    if (link !== undefined && event.prevHash !== link)
      problems.push(`${name}: does not chain to ${index === 0 ? 'the start' : `event ${previous?.seq}`}`);
    previous = event;
    expected = Math.max(expected, event.seq + 1);
  });
  return { intact: problems.length === 0, events, problems };
}
