import { ExactNumber } from './exact-number';

/**
 * JSON.parse without rounding: a number whose text would not survive the trip through a JavaScript number
 * (12345678901234567890, 0.12345678901234567890123, 1e400) becomes an `ExactNumber` holding its digits, every other
 * number stays a number. A JSON Lines record re-serialised by an anonymising rewrite (or copied into an export) then
 * keeps every value it was not asked to change. No dependency: lines that cannot hold such a number (no run of 16
 * digits, no three-digit exponent) take the native parser; the rest take the small parser below.
 * Throws SyntaxError on malformed text, like JSON.parse.
 */
export function parseExactJson(text: string): unknown {
  if (!RISKY_NUMBER.test(text)) return JSON.parse(text);
  const parser = new Parser(text);
  parser.space();
  const value = parser.value();
  parser.space();
  if (parser.at < text.length) parser.fail();
  return value;
}

/** Text that may hold a number with more than 15 significant digits or an exponent beyond ±99. */
const RISKY_NUMBER = /[\d.]{16}|[eE][+-]?\d{3}/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// a JSON string: no raw control characters (JSON.parse, which decodes the matched token, refuses them anyway)
const STRING = /"(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Parser {
  public at = 0;

  public constructor(private readonly text: string) {}

  public fail(): never {
    throw new SyntaxError(`Unexpected token in JSON at position ${this.at}`);
  }

  public space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at] ?? '')) this.at += 1;
  }

  public value(): unknown {
    const char = this.text[this.at];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    return this.fail();
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.at += 1;
    this.space();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return result;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail();
      const name = this.string();
      this.space();
      if (this.text[this.at] !== ':') this.fail();
      this.at += 1;
      this.space();
      // defineProperty, as JSON.parse does: a member named __proto__ is a member, not a prototype
      Object.defineProperty(result, name, {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.space();
      const next = this.text[this.at];
      this.at += 1;
      if (next === '}') return result;
      if (next !== ',') this.fail();
    }
  }

  private array(): unknown[] {
    const result: unknown[] = [];
    this.at += 1;
    this.space();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return result;
    }
    for (;;) {
      this.space();
      result.push(this.value());
      this.space();
      const next = this.text[this.at];
      this.at += 1;
      if (next === ']') return result;
      if (next !== ',') this.fail();
    }
  }

  private string(): string {
    const token = this.match(STRING);
    return JSON.parse(token) as string;
  }

  private number(): number | ExactNumber {
    const token = this.match(NUMBER);
    const value = Number(token);
    return sameDecimal(token, value) ? value : new ExactNumber(token);
  }

  private match(pattern: RegExp): string {
    pattern.lastIndex = this.at;
    const found = pattern.exec(this.text);
    if (found === null) return this.fail();
    this.at += found[0].length;
    return found[0];
  }
}

const LITERALS: readonly (readonly [string, unknown])[] = [
  ['true', true],
  ['false', false],
  ['null', null],
];

/** Whether `value` is exactly the number `token` writes (same digits, same power of ten), so writing it back loses nothing. */
function sameDecimal(token: string, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const a = decimal(token);
  const b = decimal(String(value));
  return a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;
}

/** sign, significant digits without leading or trailing zeros, and the power of ten of the last one. */
function decimal(text: string): { negative: boolean; digits: string; exponent: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) return { negative: false, digits: text, exponent: 0 };
  const [, sign = '', whole = '', fraction = '', power = '0'] = match;
  let digits = (whole + fraction).replace(/^0+/, '');
  let exponent = Number(power) - fraction.length;
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  if (digits === '') return { negative: false, digits: '0', exponent: 0 };
  return { negative: sign === '-', digits, exponent };
}
