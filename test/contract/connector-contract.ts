import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Erasure } from '../../connectors/config';
import type { Connector, PassReport, SourceRecord, VerifiedIdentities } from '../../connectors/contract';
import { drain } from '../../connectors/pass';

/**
 * The contract every connector keeps (see connectors/contract.ts), as one parameterised suite. A connector's test file
 * calls `connectorContract` with a harness that seeds its store; a new connector plugs in the same way.
 * Every record is flat and all-string (so a CSV row can hold it), and the identity field is always `email`.
 */

/**
 * One seeded record. `referrer` and `name` sometimes hold the subject's address: they are not the identity field.
 * A type, not an interface, so it is a `SourceRecord` as it is.
 */
export type ContractRecord = {
  id: string;
  email: string;
  name: string;
  referrer: string;
};

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
  /** A fresh store holding `records` and `unreadable` unreadable ones, and a connector over it with `erasure`. */
  seed(records: readonly ContractRecord[], erasure: Erasure, options: { unreadable: number }): Promise<ContractStore>;
  /** Stops what the harness started (emulators, clients). */
  close?(): Promise<void>;
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
  const subject: ContractRecord[] = [
    { id: 's1', email: 'ada@example.com', name: 'Ada', referrer: 'none' },
    { id: 's2', email: 'ada@example.com', name: 'Ada L.', referrer: 'bob@example.com' },
  ];
  if (!exactMatch) {
    subject.push(
      { id: 's3', email: 'Ada@Example.COM', name: 'Ada', referrer: 'none' },
      { id: 's4', email: '  ada@example.com ', name: 'Ada', referrer: 'none' },
      { id: 's5', email: 'ADA@EXAMPLE.COM', name: 'ADA', referrer: 'none' },
    );
  }
  const others: ContractRecord[] = [
    { id: 'o1', email: 'ada@example.com.evil', name: 'Mallory', referrer: 'none' },
    { id: 'o2', email: 'xada@example.com', name: 'Xavier', referrer: 'none' },
    { id: 'o3', email: 'ada@example.co', name: 'Ada Co', referrer: 'none' },
    { id: 'o4', email: 'bob@example.com', name: 'Bob', referrer: 'ada@example.com' },
    { id: 'o5', email: 'carol@example.org', name: 'ada@example.com', referrer: 'none' },
    { id: 'o6', email: 'ada+news@example.com', name: 'Ada News', referrer: 'none' },
    { id: 'o7', email: 'Dave@Example.net', name: 'Dave, "the" Dane', referrer: 'none' },
  ];
  for (let i = 0; i < 8; i += 1)
    others.push({ id: `p${i}`, email: `person.${i}@example.org`, name: `Person ${i}`, referrer: 'none' });
  return [...subject, ...others];
}

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

async function locatedIds(connector: Connector, identities: VerifiedIdentities): Promise<string[]> {
  const { items } = await run(connector.locate(identities));
  return items.map((record: SourceRecord) => String(record.id)).sort();
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
      shared ??= h.seed(records, DELETE, { unreadable: 0 });
      return shared;
    }

    describe('locate', () => {
      it('yields exactly the subject’s records, whatever the spelling stored or asked for, and no look-alike', async () => {
        // Prepare
        const { connector } = await readOnly();

        // Act
        const { items, report } = await run(connector.locate({ email: SUBJECT }));
        const spelled = await locatedIds(connector, { email: '  ADA@Example.COM ' });

        // Assess
        expect(items.map((record) => String(record.id)).sort()).toEqual(subjectIds);
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
        expect(subjectIds).toContain(String(first?.id));
        expect(afterBreak.done).toBe(true);
        expect(await locatedIds(connector, { email: SUBJECT })).toEqual(subjectIds);
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
        expect(await locatedIds(store.connector, { email: SUBJECT })).toEqual([]);
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
        expect(await locatedIds(store.connector, { email: SUBJECT })).toEqual([]);
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

    describe('injection-shaped identities', () => {
      it.each(
        INJECTIONS.map((value) => [
          value.length > 40 ? `${value.slice(0, 12)}… (${value.length} chars)` : JSON.stringify(value),
          value,
        ]),
      )('%s matches nothing and erases nothing', async (_label, value) => {
        // Prepare
        const { connector, snapshot } = await readOnly();
        const before = await snapshot();

        // Act
        const located = await locatedIds(connector, { email: value });
        const outcome = await connector.erase({ email: value });

        // Assess
        expect(located).toEqual([]);
        expect(outcome).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
        expect(await snapshot()).toEqual(before);
      });
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
    });
  });
}
