import type { SourceRecord } from './contract';

/**
 * What an export leaves out of a system's records (GDPR Art. 15(4): the copy must not adversely affect the rights of
 * others, and handing out credentials would — to whoever reads the mail, and to the company's security): a default
 * deny-list of secret-looking field names applied always, plus the system's own `export.include` / `export.exclude`.
 * Names only are reported, never values: the export states which fields were withheld and why.
 *
 * Matching is by field name, case-insensitively, in nested objects too (a path like `auth.totpSeed`; arrays of objects
 * as `devices[].sessionToken`). `include` lists top-level fields to keep (everything else is excluded by
 * configuration); `exclude` lists fields or dotted paths to leave out. The deny-list wins over `include`.
 */
export type WithheldReason = 'secret' | 'excluded by configuration';

export interface Withheld {
  field: string;
  reason: WithheldReason;
}

export interface ExportRules {
  include?: readonly string[];
  exclude?: readonly string[];
}

/** Whole-word spellings of secrets (a name's words: camelCase, snake_case, kebab-case, dots split). */
const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'secret', 'token', 'otp', 'totp', 'mfa', 'session']);
/** Compounds that are secrets whatever surrounds them, matched in the name with separators removed. */
const SECRET_COMPOUNDS = [
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'totp',
  'mfaseed',
  'otpseed',
  'sessionid',
  'sessionkey',
  'sessioncookie',
  'pwhash',
  'passhash',
];

/** Whether a field name looks like a credential: passwords (and their hashes), secrets, tokens, keys, MFA seeds, sessions. */
export function isSecretField(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  const joined = words.join('');
  return SECRET_COMPOUNDS.some((compound) => joined.includes(compound));
}

/**
 * One export's filter for one system: `apply` each record as it streams (a filtered copy is returned, the input is not
 * changed), then `withheld()` lists every field left out of any record, once, sorted.
 */
export class ExportFilter {
  private readonly include: Set<string> | undefined;
  private readonly exclude: Set<string>;
  private readonly seen = new Map<string, WithheldReason>();

  public constructor(rules: ExportRules = {}) {
    this.include = rules.include === undefined ? undefined : new Set(rules.include.map((f) => f.toLowerCase()));
    this.exclude = new Set((rules.exclude ?? []).map((f) => f.toLowerCase()));
  }

  public apply(record: SourceRecord): SourceRecord {
    return this.object(record, '', true);
  }

  public withheld(): Withheld[] {
    return [...this.seen].map(([field, reason]) => ({ field, reason })).sort((a, b) => (a.field < b.field ? -1 : 1));
  }

  private object(record: SourceRecord, prefix: string, top: boolean): SourceRecord {
    const kept: SourceRecord = {};
    for (const [name, value] of Object.entries(record)) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      const reason = this.reasonFor(name, path, top);
      if (reason !== undefined) {
        this.seen.set(path, reason);
        continue;
      }
      Object.defineProperty(kept, name, {
        value: this.value(value, path),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return kept;
  }

  private value(value: unknown, path: string): unknown {
    if (Array.isArray(value)) return value.map((item) => this.value(item, `${path}[]`));
    if (isPlainObject(value)) return this.object(value, path, false);
    return value;
  }

  private reasonFor(name: string, path: string, top: boolean): WithheldReason | undefined {
    if (isSecretField(name)) return 'secret';
    const lower = path.toLowerCase();
    if (this.exclude.has(lower) || this.exclude.has(lower.replace(/\[\]/g, ''))) return 'excluded by configuration';
    if (top && this.include !== undefined && !this.include.has(name.toLowerCase())) return 'excluded by configuration';
    return undefined;
  }
}

/** Plain objects only: store values such as sets, bytes and exact numbers are values, not records to walk. */
function isPlainObject(value: unknown): value is SourceRecord {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * How a part (the JSON Lines a locate writes for the export) says what it withheld: one last line that no record line
 * can be (records are JSON objects, so their lines start with `{`). A part without it withheld nothing.
 */
const WITHHELD_LINE_PREFIX = '#withheld ';

export function withheldLine(withheld: readonly Withheld[]): string {
  return `${WITHHELD_LINE_PREFIX}${JSON.stringify(withheld)}\n`;
}

/** The list a part's withheld line carries, or undefined when the line is a record. */
export function parseWithheldLine(line: string): Withheld[] | undefined {
  if (!line.startsWith(WITHHELD_LINE_PREFIX)) return undefined;
  return JSON.parse(line.slice(WITHHELD_LINE_PREFIX.length)) as Withheld[];
}
