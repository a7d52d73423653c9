import { describe, expect, it } from 'vitest';
import { actingAs, currentActor, currentOperator } from '../../../functions/core/audit/actor';
import { auditRow } from '../../../functions/core/audit/rows';
import {
  type AuditEntry,
  type AuditEvent,
  canonicalJson,
  eventHash,
  GENESIS_HASH,
  nextEvent,
  verifyChain,
} from '../../../functions/core/audit/chain';

const ENTRIES: AuditEntry[] = [
  { kind: 'created', actor: 'intake', to: 'pending_verification', fields: ['status', 'type'] },
  { kind: 'status', actor: 'subject', from: 'pending_verification', to: 'verified', fields: ['verifiedAt'] },
  { kind: 'status', actor: 'workflow', from: 'verified', to: 'locating', fields: [] },
  { kind: 'updated', actor: 'workflow', fields: ['outcomes'] },
];

/** A chain of `entries` for request r1, a minute apart. */
function chain(entries: AuditEntry[] = ENTRIES): AuditEvent[] {
  const events: AuditEvent[] = [];
  entries.forEach((entry, i) => {
    events.push(nextEvent('r1', events.at(-1), entry, new Date(Date.UTC(2026, 0, 1, 0, i))));
  });
  return events;
}

describe('Function: canonicalJson', () => {
  it('writes one text for one content, whatever the key order, and leaves out undefined members', () => {
    // Act
    const a = canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, e: undefined });
    const b = canonicalJson({ a: { c: null, d: [1, 'x'] }, b: 1 });

    // Assess
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
  });
});

describe('Function: nextEvent', () => {
  it('numbers events from 1, chains the first to the genesis value and each next to the hash before it', () => {
    // Act
    const [first, second] = chain();

    // Assess
    expect(first).toMatchObject({ requestId: 'r1', seq: 1, prevHash: GENESIS_HASH, at: '2026-01-01T00:00:00.000Z' });
    expect(second).toMatchObject({ seq: 2, prevHash: first?.hash });
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first?.hash).toBe(eventHash(first as AuditEvent));
  });

  it('sorts the field names, so the same change always hashes the same', () => {
    // Act
    const event = nextEvent('r1', undefined, { kind: 'updated', actor: 'workflow', fields: ['b', 'a'] }, new Date(0));

    // Assess
    expect(event.fields).toEqual(['a', 'b']);
  });
});

describe('Function: verifyChain', () => {
  it('finds an intact chain intact', () => {
    // Act
    const report = verifyChain('r1', chain());

    // Assess
    expect(report).toMatchObject({ intact: true, problems: [] });
    expect(report.events).toHaveLength(4);
  });

  it('names an event whose content was edited', () => {
    // Prepare: event 2 now says the request moved straight to completed
    const events = chain().map((e) => (e.seq === 2 ? { ...e, to: 'completed' } : e));

    // Act
    const report = verifyChain('r1', events);

    // Assess
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual(['event 2: hash does not match its content']);
  });

  it('names an attribute added to a stored event (every attribute is hashed)', () => {
    // Prepare
    const events = chain().map((e) => (e.seq === 3 ? { ...e, note: 'added later' } : e));

    // Act
    const report = verifyChain('r1', events);

    // Assess
    expect(report.problems).toEqual(['event 3: hash does not match its content']);
  });

  it('names a deleted event, and the event that no longer links to the one before it', () => {
    // Prepare
    const events = chain().filter((e) => e.seq !== 3);

    // Act
    const report = verifyChain('r1', events);

    // Assess
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual(['event 3 missing', 'event 4: does not chain to event 2']);
  });

  it('names a deleted first event', () => {
    // Act
    const report = verifyChain('r1', chain().slice(1));

    // Assess
    expect(report.problems).toEqual(['event 1 missing', 'event 2: does not chain to the start']);
  });

  it('names reordered events', () => {
    // Prepare: events 2 and 3 swapped
    const [a, b, c, d] = chain() as [AuditEvent, AuditEvent, AuditEvent, AuditEvent];

    // Act
    const report = verifyChain('r1', [a, c, b, d]);

    // Assess
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([
      'event 2 missing',
      'event 3: does not chain to event 1',
      'event 2: out of order (after event 3)',
      'event 2: does not chain to event 3',
      'event 4: does not chain to event 2',
    ]);
  });

  it('names the next event when a forger edits an event and recomputes its hash', () => {
    // Prepare: event 2 edited and re-hashed, so it matches its own content again
    const events = chain().map((e) => {
      if (e.seq !== 2) return e;
      const forged = { ...e, actor: 'operator' };
      return { ...forged, hash: eventHash(forged) };
    });

    // Act
    const report = verifyChain('r1', events);

    // Assess
    expect(report.problems).toEqual(['event 3: does not chain to event 2']);
  });

  it('names an event of another request and an item that is not an event at all', () => {
    // Prepare
    const events: unknown[] = chain();
    events[1] = { ...(events[1] as AuditEvent), requestId: 'r2' };
    events[2] = { seq: 3, kind: 'status' };

    // Act
    const report = verifyChain('r1', events);

    // Assess
    expect(report.problems).toContain('event 2: belongs to another request');
    expect(report.problems).toContain('event 3: not a well-formed event');
  });
});

describe('Function: nextEvent (operator identity)', () => {
  it('records which operator acted, covered by the hash, so editing it breaks the chain', () => {
    // Prepare
    const events = chain([
      ...ENTRIES,
      { kind: 'decided', actor: 'operator', operator: 'local-operator', fields: ['decision'] },
    ]);
    const last = events.at(-1) as AuditEvent;

    // Act
    const intact = verifyChain('r1', events);
    const edited = verifyChain('r1', [...events.slice(0, -1), { ...last, operator: 'someone-else' }]);

    // Assess
    expect(last.operator).toBe('local-operator');
    expect(auditRow(last).actor).toBe('operator (local-operator)');
    expect(intact.intact).toBe(true);
    expect(edited.intact).toBe(false);
  });

  it('names no operator for the pipeline’s own actors', () => {
    // Act
    const [first] = chain();

    // Assess
    expect(first?.operator).toBeUndefined();
    expect(auditRow(first as AuditEvent).actor).toBe('intake');
  });
});

describe('Function: actingAs', () => {
  it('carries the operator identity to the code it runs, and none outside it', () => {
    // Act
    const inside = actingAs('operator', () => [currentActor(), currentOperator()], 'sub-123');

    // Assess
    expect(inside).toEqual(['operator', 'sub-123']);
    expect(currentOperator()).toBeUndefined();
  });
});
