import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSED } from '../../connectors/base';
import type { ConnectedSystemConfig, Erasure } from '../../connectors/config';
import type {
  ChangeOutcome,
  Connector,
  FlagChange,
  IdentityKind,
  PassReport,
  SourceRecord,
  VerifiedIdentities,
} from '../../connectors/contract';
import { drain } from '../../connectors/pass';

/**
 * The contract every connector keeps (see connectors/contract.ts), as one parameterised suite. A connector's test file
 * calls `connectorContract` with a harness that seeds its store; a new connector plugs in the same way.
 * Every record is flat and all-string (so a CSV row can hold it), and the identity field is always `email`.
 */

/**
 * One seeded record. `referrer` and `name` sometimes hold the subject's address: they are not the identity field.
 * `marketing`, `analytics` and `restricted` are the preference fields the change rules (CHANGES) map flags to.
 * A type, not an interface, so it is a `SourceRecord` as it is.
 */
export type ContractRecord = {
  id: string;
  email: string;
  name: string;
  referrer: string;
  marketing: string;
  analytics: string;
  restricted: string;
};

/** The rules for corrections and flags a harness adds to its system's configuration (the parsed config's shape). */
export type ChangeRules = Pick<ConnectedSystemConfig, 'correctable' | 'flags' | 'readOnly'>;

/**
 * The suite's change rules with each field renamed as a store names it (`people.name` for Postgres, `metadata.marketing`
 * for Stripe): `rename` gets the suite's field and gives the store's.
 */
export function renamedChanges(changes: ChangeRules | undefined, rename: (field: string) => string): ChangeRules {
  if (!changes) return {};
  const at = <T extends { field: string }>(rule: T): T => ({ ...rule, field: rename(rule.field) });
  const map = <T extends { field: string }>(rules: Record<string, T> | undefined) =>
    rules && Object.fromEntries(Object.entries(rules).map(([k, v]) => [k, at(v)]));
  const { consent, ...named } = changes.flags ?? {};
  return {
    ...(changes.readOnly ? { readOnly: changes.readOnly } : {}),
    ...(changes.correctable ? { correctable: map(changes.correctable) } : {}),
    ...(changes.flags
      ? {
          flags: {
            ...map(named as Record<string, { field: string; on: unknown; off: unknown }>),
            ...(consent ? { consent: map(consent) } : {}),
          },
        }
      : {}),
  } as ChangeRules;
}

export interface SeedOptions {
  /** unreadable records to add (only for harnesses that `canHoldUnreadable`) */
  unreadable: number;
  /**
   * the identity kind the system is searched by (default email); the value is always in the record's `email` field, so
   * the same population tests each kind's matching rule (an id is exact: `Ada@Example.COM` is not `ada@example.com`)
   */
  identityKind?: IdentityKind;
  /** correctable attributes, flags and read-only of the system (absent: none) */
  changes?: ChangeRules;
}

/** A seeded store and a connector over it. */
export interface ContractStore {
  connector: Connector;
  /**
   * Every readable record the store holds now, by id: the record as stored, or for stores of lines the line's exact
   * text. Compared before and after an erasure, it proves nobody else's record changed.
   */
  snapshot(): Promise<Map<string, unknown>>;
}

export interface ContractHarness {
  /**
   * The store finds the identity by an exact key match (a DynamoDB key or index): the subject's records are seeded
   * only under the lower-cased address the workflow verifies, never under other spellings it cannot find.
   */
  exactMatch?: boolean;
  /** The store can hold records that cannot be read (malformed lines); the `unreadable` checks run only then. */
  canHoldUnreadable?: boolean;
  /**
   * A fresh store holding `records` and `unreadable` unreadable ones, and a connector over it with `erasure` and the
   * change rules `changes`.
   */
  seed(records: readonly ContractRecord[], erasure: Erasure, options: SeedOptions): Promise<ContractStore>;
  /** Stops what the harness started (emulators, clients). */
  close?(): Promise<void>;
  /**
   * A located record in the suite's flat shape, for stores that nest fields (an API's `metadata.marketing`); the
   * record as located by default.
   */
  view?(record: SourceRecord): SourceRecord;
}

/** The subject, as the workflow hands it over: verified and lower-cased. */
export const SUBJECT = 'ada@example.com';

const DELETE: Erasure = { strategy: 'delete' };
const ANONYMIZE: Erasure = {
  strategy: 'anonymize',
  reason: 'kept for statistics',
  fields: { email: { action: 'hash' }, name: { action: 'replace', value: 'redacted' } },
};
const RETAIN: Erasure = { strategy: 'retain', reason: 'legal hold' };

/** `name` is correctable; three flags map to string fields (all-string, so a CSV cell holds them as they are). */
export const CHANGES: ChangeRules = {
  correctable: { name: { field: 'name' } },
  flags: {
    marketing: { field: 'marketing', on: 'out', off: 'in' },
    restriction: { field: 'restricted', on: 'yes', off: 'no' },
    consent: { analytics: { field: 'analytics', on: 'withdrawn', off: 'granted' } },
  },
};
const READ_ONLY_REASON = 'an append-only ledger: its owner corrects it by hand';

/** A corrected name that needs quoting in a CSV row (comma, quotes) and is not ASCII. */
const CORRECTED = 'Ada King, "Countess" of Lovelace — née Byron';
const FLAGS_ON: readonly FlagChange[] = [
  { flag: 'marketing', on: true },
  { flag: 'consent:analytics', on: true },
  { flag: 'restriction', on: true },
  { flag: 'profiling', on: true },
  { flag: 'consent:ads', on: true },
];

/** Identities shaped like injections into a query, a pattern, a path or a line format: none may match or break anything. */
export const INJECTIONS: readonly string[] = [
  '*',
  '%',
  "' OR '1'='1",
  '"; DROP TABLE x; --',
  '{"$ne":null}',
  '../other',
  'a@b.com\n{"email":"x"}',
  '',
  'x'.repeat(10 * 1024),
  '.*',
  'ada@example.com*',
];

/** The population: the subject (in every spelling the store can find) and people a careless matcher would confuse with her. */
export function contractRecords(exactMatch: boolean): ContractRecord[] {
  const prefs = { marketing: 'in', analytics: 'granted', restricted: 'no' };
  const subject: ContractRecord[] = [
    { id: 's1', email: 'ada@example.com', name: 'Ada', referrer: 'none', ...prefs },
    { id: 's2', email: 'ada@example.com', name: 'Ada L.', referrer: 'bob@example.com', ...prefs },
  ];
  if (!exactMatch) {
    subject.push(
      { id: 's3', email: 'Ada@Example.COM', name: 'Ada', referrer: 'none', ...prefs },
      { id: 's4', email: '  ada@example.com ', name: 'Ada', referrer: 'none', ...prefs },
      { id: 's5', email: 'ADA@EXAMPLE.COM', name: 'ADA', referrer: 'none', ...prefs },
    );
  }
  const others: ContractRecord[] = [
    { id: 'o1', email: 'ada@example.com.evil', name: 'Mallory', referrer: 'none', ...prefs },
    { id: 'o2', email: 'xada@example.com', name: 'Xavier', referrer: 'none', ...prefs },
    { id: 'o3', email: 'ada@example.co', name: 'Ada Co', referrer: 'none', ...prefs },
    { id: 'o4', email: 'bob@example.com', name: 'Bob', referrer: 'ada@example.com', ...prefs },
    { id: 'o5', email: 'carol@example.org', name: 'ada@example.com', referrer: 'none', ...prefs },
    { id: 'o6', email: 'ada+news@example.com', name: 'Ada News', referrer: 'none', ...prefs },
    { id: 'o7', email: 'Dave@Example.net', name: 'Dave, "the" Dane', referrer: 'none', ...prefs },
  ];
  for (let i = 0; i < 8; i += 1)
    others.push({ id: `p${i}`, email: `person.${i}@example.org`, name: `Person ${i}`, referrer: 'none', ...prefs });
  return [...subject, ...others];
}

const NOTHING: ChangeOutcome = { matched: 0, changed: 0, unchanged: 0, retained: 0, unreadable: 0, refused: [] };

function isSubjects(record: ContractRecord): boolean {
  return record.id.startsWith('s');
}

/** What a pass yielded, and its report. */
async function run<T>(pass: AsyncGenerator<T, PassReport, undefined>): Promise<{ items: T[]; report: PassReport }> {
  const items: T[] = [];
  const report = await drain(pass, (item) => {
    items.push(item);
  });
  return { items, report };
}

/** The subject's records as the connector reads them (in the suite's shape: ContractHarness.view), by id. */
async function located(
  connector: Connector,
  view: (record: SourceRecord) => SourceRecord = (record) => record,
): Promise<Map<string, SourceRecord>> {
  const { items } = await run(connector.locate({ email: SUBJECT }));
  return new Map(items.map((record) => [String(record.id), view(record)]));
}

/** Each record of `before` with `fields` written over it: what a correction or flag must leave, and nothing else. */
function written(before: Map<string, SourceRecord>, fields: Record<string, string>): Map<string, SourceRecord> {
  return new Map([...before].map(([id, record]) => [id, { ...record, ...fields }]));
}

async function locatedIds(
  connector: Connector,
  identities: VerifiedIdentities,
  view: (record: SourceRecord) => SourceRecord = (record) => record,
): Promise<string[]> {
  const { items } = await run(connector.locate(identities));
  return items.map((record: SourceRecord) => String(view(record).id)).sort();
}

function without(snapshot: Map<string, unknown>, ids: readonly string[]): Map<string, unknown> {
  const rest = new Map(snapshot);
  for (const id of ids) rest.delete(id);
  return rest;
}

/** Registers the contract suite for one connector. `harness` is called once, before the suite's first test. */
export function connectorContract(name: string, harness: () => Promise<ContractHarness>): void {
  describe(`Connector contract: ${name}`, () => {
    let h: ContractHarness;
    let records: ContractRecord[];
    let subjectIds: string[];
    let shared: Promise<ContractStore> | undefined;

    beforeAll(async () => {
      h = await harness();
      records = contractRecords(h.exactMatch ?? false);
      subjectIds = records
        .filter(isSubjects)
        .map((record) => record.id)
        .sort();
    });

    afterAll(async () => {
      await h?.close?.();
    });

    /** A store for the tests that change nothing (or must change nothing), seeded once. */
    function readOnly(): Promise<ContractStore> {
      shared ??= h.seed(records, DELETE, { unreadable: 0, changes: CHANGES });
      return shared;
    }

    describe('locate', () => {
      it('yields exactly the subject’s records, whatever the spelling stored or asked for, and no look-alike', async () => {
        // Prepare
        const { connector } = await readOnly();

        // Act
        const { items, report } = await run(connector.locate({ email: SUBJECT }));
        const spelled = await locatedIds(connector, { email: '  ADA@Example.COM ' }, h.view);

        // Assess
        expect(items.map((record) => String((h.view?.(record) ?? record).id)).sort()).toEqual(subjectIds);
        expect(spelled).toEqual(subjectIds);
        expect(report).toEqual({ unreadable: 0 });
      });

      it('streams: a pass is an async generator that can be left after the first record', async () => {
        // Prepare
        const { connector } = await readOnly();
        const pass = connector.locate({ email: SUBJECT });
        let first: SourceRecord | undefined;

        // Act
        for await (const record of pass) {
          first = record;
          break;
        }
        const afterBreak = await pass.next();

        // Assess
        expect(pass[Symbol.asyncIterator]()).toBe(pass);
        expect(subjectIds).toContain(String(first && (h.view?.(first) ?? first).id));
        expect(afterBreak.done).toBe(true);
        expect(await locatedIds(connector, { email: SUBJECT }, h.view)).toEqual(subjectIds);
      });

      it.each<[string, VerifiedIdentities]>([
        ['no identity', {}],
        ['an empty email', { email: '' }],
        ['an email of spaces', { email: '   ' }],
      ])('yields nothing for %s', async (_label, identities) => {
        // Prepare
        const { connector } = await readOnly();

        // Act
        const { items, report } = await run(connector.locate(identities));

        // Assess
        expect(items).toEqual([]);
        expect(report).toEqual({ unreadable: 0 });
      });
    });

    describe('identities', () => {
      it('yields every stored value of the identity field, as stored, and nothing of any other field', async () => {
        // Prepare
        const { connector } = await readOnly();

        // Act
        const { items, report } = await run(connector.identities('email'));

        // Assess
        expect([...items].sort()).toEqual(records.map((record) => record.email).sort());
        expect(report).toEqual({ unreadable: 0 });
      });
    });

    describe('erase', () => {
      it('delete removes exactly the subject’s records; a second run changes nothing', async () => {
        // Prepare
        const store = await h.seed(records, DELETE, { unreadable: 0 });
        const before = await store.snapshot();

        // Act
        const first = await store.connector.erase({ email: SUBJECT });
        const afterFirst = await store.snapshot();
        const second = await store.connector.erase({ email: SUBJECT });
        const afterSecond = await store.snapshot();

        // Assess
        expect(first).toEqual({ deleted: subjectIds.length, anonymized: 0, retained: 0, unreadable: 0 });
        expect(second).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
        expect(afterFirst).toEqual(without(before, subjectIds));
        expect(afterSecond).toEqual(afterFirst);
        expect(await locatedIds(store.connector, { email: SUBJECT }, h.view)).toEqual([]);
      });

      it('anonymize keeps the subject’s records but they no longer match; nobody else’s changes; a second run changes nothing', async () => {
        // Prepare
        const store = await h.seed(records, ANONYMIZE, { unreadable: 0 });
        const before = await store.snapshot();

        // Act
        const first = await store.connector.erase({ email: SUBJECT });
        const afterFirst = await store.snapshot();
        const second = await store.connector.erase({ email: SUBJECT });
        const afterSecond = await store.snapshot();

        // Assess
        expect(first).toEqual({ deleted: 0, anonymized: subjectIds.length, retained: 0, unreadable: 0 });
        expect(second).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
        expect([...afterFirst.keys()].sort()).toEqual([...before.keys()].sort());
        expect(without(afterFirst, subjectIds)).toEqual(without(before, subjectIds));
        for (const id of subjectIds)
          expect(afterFirst.get(id), `${id} should be anonymised`).not.toEqual(before.get(id));
        expect(afterSecond).toEqual(afterFirst);
        expect(await locatedIds(store.connector, { email: SUBJECT }, h.view)).toEqual([]);
      });

      it('retain changes nothing and counts the subject’s records, every time', async () => {
        // Prepare
        const store = await h.seed(records, RETAIN, { unreadable: 0 });
        const before = await store.snapshot();

        // Act
        const first = await store.connector.erase({ email: SUBJECT });
        const second = await store.connector.erase({ email: SUBJECT });

        // Assess
        expect(first).toEqual({ deleted: 0, anonymized: 0, retained: subjectIds.length, unreadable: 0 });
        expect(second).toEqual(first);
        expect(await store.snapshot()).toEqual(before);
      });

      it('without an identity erases nothing', async () => {
        // Prepare
        const { connector, snapshot } = await readOnly();
        const before = await snapshot();

        // Act
        const outcome = await connector.erase({});

        // Assess
        expect(outcome).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
        expect(await snapshot()).toEqual(before);
      });
    });

    describe('correct', () => {
      it('writes the mapped field on exactly the subject’s records and nothing else; a second run changes nothing', async () => {
        // Prepare
        const store = await h.seed(records, DELETE, { unreadable: 0, changes: CHANGES });
        const before = await store.snapshot();
        const subjectBefore = await located(store.connector, h.view);
        const changes = [
          { attribute: 'name', value: CORRECTED },
          { attribute: 'postal_address', value: '12 St James’s Square' },
        ];

        // Act
        const first = await store.connector.correct({ email: SUBJECT }, changes);
        const afterFirst = await store.snapshot();
        const subjectAfter = await located(store.connector, h.view);
        const second = await store.connector.correct({ email: SUBJECT }, changes);
        const afterSecond = await store.snapshot();

        // Assess
        const refused = [{ name: 'postal_address', reason: REFUSED.notMapped }];
        const n = subjectIds.length;
        expect(first).toEqual({ ...NOTHING, matched: n, changed: n, refused });
        expect(second).toEqual({ ...NOTHING, matched: n, unchanged: n, refused });
        expect(subjectAfter).toEqual(written(subjectBefore, { name: CORRECTED }));
        expect(without(afterFirst, subjectIds)).toEqual(without(before, subjectIds));
        expect(afterSecond).toEqual(afterFirst);
      });

      it('writes nothing for a subject it does not hold, and says so with a count of 0', async () => {
        // Prepare
        const { connector, snapshot } = await readOnly();
        const before = await snapshot();

        // Act
        const outcome = await connector.correct({ email: 'nobody@example.com' }, [{ attribute: 'name', value: 'X' }]);
        const noIdentity = await connector.correct({}, [{ attribute: 'name', value: 'X' }]);

        // Assess
        expect(outcome).toEqual(NOTHING);
        expect(noIdentity).toEqual(NOTHING);
        expect(await snapshot()).toEqual(before);
      });
    });

    describe('setFlags', () => {
      it('writes the flag fields (consent:<purpose> included) on exactly the subject’s records; refuses the rest; a second run changes nothing', async () => {
        // Prepare
        const store = await h.seed(records, DELETE, { unreadable: 0, changes: CHANGES });
        const before = await store.snapshot();
        const subjectBefore = await located(store.connector, h.view);

        // Act
        const first = await store.connector.setFlags({ email: SUBJECT }, FLAGS_ON);
        const afterFirst = await store.snapshot();
        const subjectAfter = await located(store.connector, h.view);
        const second = await store.connector.setFlags({ email: SUBJECT }, FLAGS_ON);
        const afterSecond = await store.snapshot();

        // Assess
        const refused = [
          { name: 'profiling', reason: REFUSED.noFlag },
          { name: 'consent:ads', reason: REFUSED.noFlag },
        ];
        const n = subjectIds.length;
        expect(first).toEqual({ ...NOTHING, matched: n, changed: n, refused });
        expect(second).toEqual({ ...NOTHING, matched: n, unchanged: n, refused });
        expect(subjectAfter).toEqual(
          written(subjectBefore, { marketing: 'out', analytics: 'withdrawn', restricted: 'yes' }),
        );
        expect(without(afterFirst, subjectIds)).toEqual(without(before, subjectIds));
        expect(afterSecond).toEqual(afterFirst);
      });

      it('a lifted flag (on: false) writes its off value; lifting one already off changes nothing', async () => {
        // Prepare
        const store = await h.seed(records, DELETE, { unreadable: 0, changes: CHANGES });
        const before = await store.snapshot();
        const subjectBefore = await located(store.connector, h.view);
        const lift = [{ flag: 'restriction', on: false }] as const;

        // Act
        const liftedAlreadyOff = await store.connector.setFlags({ email: SUBJECT }, lift);
        await store.connector.setFlags({ email: SUBJECT }, [{ flag: 'restriction', on: true }]);
        const lifted = await store.connector.setFlags({ email: SUBJECT }, lift);
        const after = await store.snapshot();

        // Assess
        const n = subjectIds.length;
        expect(liftedAlreadyOff).toEqual({ ...NOTHING, matched: n, unchanged: n });
        expect(lifted).toEqual({ ...NOTHING, matched: n, changed: n });
        expect(await located(store.connector, h.view)).toEqual(written(subjectBefore, { restricted: 'no' }));
        expect(without(after, subjectIds)).toEqual(without(before, subjectIds));
      });
    });

    describe('read-only systems', () => {
      it('refuse every correction and flag with the configured reason, count the subject’s records, write nothing', async () => {
        // Prepare
        const changes = { ...CHANGES, readOnly: { reason: READ_ONLY_REASON } };
        const store = await h.seed(records, DELETE, { unreadable: 0, changes });
        const before = await store.snapshot();

        // Act
        const corrected = await store.connector.correct({ email: SUBJECT }, [{ attribute: 'name', value: CORRECTED }]);
        const flagged = await store.connector.setFlags({ email: SUBJECT }, [
          { flag: 'marketing', on: true },
          { flag: 'profiling', on: true },
        ]);

        // Assess
        const n = subjectIds.length;
        expect(corrected).toEqual({ ...NOTHING, matched: n, refused: [{ name: 'name', reason: READ_ONLY_REASON }] });
        expect(flagged).toEqual({
          ...NOTHING,
          matched: n,
          refused: [
            { name: 'marketing', reason: READ_ONLY_REASON },
            { name: 'profiling', reason: READ_ONLY_REASON },
          ],
        });
        expect(await store.snapshot()).toEqual(before);
      });
    });

    describe('injection-shaped identities', () => {
      it.each(
        INJECTIONS.map((value) => [
          value.length > 40 ? `${value.slice(0, 12)}… (${value.length} chars)` : JSON.stringify(value),
          value,
        ]),
      )('%s matches nothing and erases, corrects or flags nothing', async (_label, value) => {
        // Prepare
        const { connector, snapshot } = await readOnly();
        const before = await snapshot();

        // Act
        const found = await locatedIds(connector, { email: value }, h.view);
        const outcome = await connector.erase({ email: value });
        const corrected = await connector.correct({ email: value }, [{ attribute: 'name', value: CORRECTED }]);
        const flagged = await connector.setFlags({ email: value }, [{ flag: 'restriction', on: true }]);

        // Assess
        expect(found).toEqual([]);
        expect(outcome).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
        expect(corrected).toEqual(NOTHING);
        expect(flagged).toEqual(NOTHING);
        expect(await snapshot()).toEqual(before);
      });
    });

    describe('identities of another kind', () => {
      /** A store searched by customer id, whose `email` field holds the ids (the same population, an exact rule). */
      let byId: Promise<ContractStore> | undefined;
      const idStore = () => {
        byId ??= h.seed(records, DELETE, { unreadable: 0, changes: CHANGES, identityKind: 'customer_id' });
        return byId;
      };

      it('a system searched by customer id matches the id exactly (trimmed, case kept), and never by an email', async () => {
        // Prepare
        const { connector } = await idStore();
        const exact = records.filter((r) => r.email.trim() === SUBJECT).map((r) => r.id);

        // Act
        const found = await locatedIds(connector, { customer_id: SUBJECT }, h.view);
        const byEmail = await locatedIds(connector, { email: SUBJECT }, h.view);
        const otherCase = await locatedIds(connector, { customer_id: SUBJECT.toUpperCase() }, h.view);

        // Assess
        expect(found).toEqual(exact.sort());
        expect(byEmail).toEqual([]);
        expect(otherCase).toEqual(records.filter((r) => r.email.trim() === SUBJECT.toUpperCase()).map((r) => r.id));
      });

      it('erases by customer id exactly the records holding it, and nobody else’s', async () => {
        // Prepare
        const { connector, snapshot } = await h.seed(records, DELETE, { unreadable: 0, identityKind: 'customer_id' });
        const before = await snapshot();
        const exact = records.filter((r) => r.email.trim() === SUBJECT).map((r) => r.id);

        // Act
        const outcome = await connector.erase({ customer_id: SUBJECT });

        // Assess
        expect(outcome.deleted).toBe(exact.length);
        expect(await snapshot()).toEqual(without(before, exact));
      });

      it.each(INJECTIONS.map((value) => [value.length > 40 ? `${value.slice(0, 12)}…` : JSON.stringify(value), value]))(
        'an injection-shaped customer id or phone %s matches nothing and changes nothing',
        async (_label, value) => {
          // Prepare
          const { connector, snapshot } = await idStore();
          const before = await snapshot();

          // Act
          const found = await locatedIds(connector, { customer_id: value, phone: value, device_id: value }, h.view);
          const outcome = await connector.erase({ customer_id: value, phone: value, device_id: value });
          const flagged = await connector.setFlags({ customer_id: value }, [{ flag: 'restriction', on: true }]);

          // Assess
          expect(found).toEqual([]);
          expect(outcome).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
          expect(flagged).toEqual(NOTHING);
          expect(await snapshot()).toEqual(before);
        },
      );
    });

    describe('unreadable records', () => {
      it('are reported by the pass that met them, never matched, never changed', async (context) => {
        if (!h.canHoldUnreadable) context.skip();
        // Prepare
        const store = await h.seed(records, DELETE, { unreadable: 2 });

        // Act
        const located = await run(store.connector.locate({ email: SUBJECT }));
        const walked = await run(store.connector.identities('email'));
        const erased = await store.connector.erase({ email: SUBJECT });
        const again = await run(store.connector.locate({ email: SUBJECT }));

        // Assess
        expect(located.report).toEqual({ unreadable: 2 });
        expect(located.items).toHaveLength(subjectIds.length);
        expect(walked.report).toEqual({ unreadable: 2 });
        expect(walked.items).toHaveLength(records.length);
        expect(erased).toEqual({ deleted: subjectIds.length, anonymized: 0, retained: 0, unreadable: 2 });
        expect(again).toEqual({ items: [], report: { unreadable: 2 } });
      });

      it('are reported by corrections and flags too, never changed', async (context) => {
        if (!h.canHoldUnreadable) context.skip();
        // Prepare
        const store = await h.seed(records, DELETE, { unreadable: 2, changes: CHANGES });

        // Act
        const corrected = await store.connector.correct({ email: SUBJECT }, [{ attribute: 'name', value: CORRECTED }]);
        const flagged = await store.connector.setFlags({ email: SUBJECT }, [{ flag: 'marketing', on: true }]);
        const walked = await run(store.connector.identities('email'));

        // Assess
        const n = subjectIds.length;
        expect(corrected).toEqual({ ...NOTHING, matched: n, changed: n, unreadable: 2 });
        expect(flagged).toEqual({ ...NOTHING, matched: n, changed: n, unreadable: 2 });
        expect(walked.report).toEqual({ unreadable: 2 });
      });
    });
  });
}
