import { plainJson } from '../canonical';
import type { SourceRecord } from '../contract';
import { parseExactJson } from '../exact-json';
import type { RawLine } from './line-splitter';
import type { ObjectCodec, ParsedLine } from './object-codec';

/**
 * JSON Lines: one JSON object per line; blank lines are allowed; anything else on a line is malformed.
 * Numbers are read and written exactly (../exact-json): a rewritten line keeps 12345678901234567890 as it was.
 */
export class JsonLinesCodec implements ObjectCodec {
  public read(line: RawLine): ParsedLine {
    if (line.oversized) return { kind: 'malformed', line };
    const text = line.content.toString('utf8').replace(/^\uFEFF/, '');
    if (text.trim() === '') return { kind: 'structure', line };
    const record = parseObject(text);
    return record === undefined ? { kind: 'malformed', line } : { kind: 'record', line, record };
  }

  public write(record: SourceRecord, terminator: string): Buffer {
    return Buffer.from(plainJson(record) + terminator, 'utf8');
  }

  public canHold(): boolean {
    return true;
  }

  public readBack(value: unknown): unknown {
    return value;
  }
}

function parseObject(text: string): SourceRecord | undefined {
  try {
    const value: unknown = parseExactJson(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is SourceRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
