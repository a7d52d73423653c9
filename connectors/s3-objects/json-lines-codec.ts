import type { SourceRecord } from '../contract';
import type { RawLine } from './line-splitter';
import type { ObjectCodec, ParsedLine } from './object-codec';

/** JSON Lines: one JSON object per line; blank lines are allowed; anything else on a line is malformed. */
export class JsonLinesCodec implements ObjectCodec {
  public read(line: RawLine): ParsedLine {
    if (line.oversized) return { kind: 'malformed', line };
    const text = line.content.toString('utf8').replace(/^\uFEFF/, '');
    if (text.trim() === '') return { kind: 'structure', line };
    const record = parseObject(text);
    return record === undefined ? { kind: 'malformed', line } : { kind: 'record', line, record };
  }

  public write(record: SourceRecord, terminator: string): Buffer {
    return Buffer.from(JSON.stringify(record) + terminator, 'utf8');
  }

  public canHold(): boolean {
    return true;
  }
}

function parseObject(text: string): SourceRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is SourceRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
