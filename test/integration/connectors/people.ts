/**
 * Deterministic test population for the connector integration suites: many people, one subject, and the people a
 * careless matcher would confuse with the subject (superstrings, near misses). Same seed, same data, every run.
 */

/** The data subject, as the workflow hands it over (verified, lower-cased). */
export const SUBJECT = 'ann@example.com';

/** How the subject's email appears in stores: case and stray spaces vary, it is the same person. */
export const SUBJECT_SPELLINGS = [
  'ann@example.com',
  'Ann@Example.com',
  'ANN@EXAMPLE.COM',
  ' ann@example.com ',
  'aNN@example.COM',
];

/** Not the subject: a superstring, a prefix, other domains. */
export const LOOKALIKES = [
  'xann@example.com',
  'ann@example.com.au',
  'ann@example.co',
  'jo.ann@example.com',
  'ann+news@example.com',
];

const NAMES = [
  'Zoë Quinn',
  'Łukasz Nowak',
  'José "Pepe" García',
  "O'Brien, Pat",
  '李雷',
  'Ana María',
  'Søren',
  'Nguyễn Văn A',
  'Émile 🚀',
  'Plain Name',
];
const NOTES = [
  'likes tea',
  'said "hello, world"',
  'line one\nline two',
  'first\r\nsecond',
  'comma, separated',
  '',
  'naïve café',
  '"quoted"',
];

/** mulberry32: a tiny seeded PRNG so the population is the same on every run. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(next: () => number, items: readonly T[]): T {
  const item = items[Math.floor(next() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export interface Person {
  email: string;
  name: string;
}

/** 300 ordinary people (some with mixed-case addresses) and the look-alikes; the subject is added by each suite. */
export function population(): Person[] {
  const next = random(42);
  const people: Person[] = [];
  for (let i = 0; i < 300; i += 1) {
    const email = i % 7 === 0 ? `Person.${i}@Example.ORG` : `person.${i}@example.org`;
    people.push({ email, name: `${pick(next, NAMES)} ${i}` });
  }
  for (const email of LOOKALIKES) people.push({ email, name: pick(next, NAMES) });
  return people;
}

export function note(next: () => number): string {
  return pick(next, NOTES);
}
