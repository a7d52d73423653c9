import type { SourceRecord } from '../contract';
import type { RawLine } from './line-splitter';

/** What one line of an object is, once its format has read it. */
export type ParsedLine =
  /** a data line, parsed */
  | { kind: 'record'; line: RawLine; record: SourceRecord }
  /** a line that holds nobody's data by itself: blank, or a CSV header */
  | { kind: 'structure'; line: RawLine }
  /** a line that could not be parsed: never matched, never changed, counted */
  | { kind: 'malformed'; line: RawLine };

/**
 * Reading and writing the lines of one object in one format. A codec is stateful (CSV remembers its header),
 * so each object gets a new one.
 */
export interface ObjectCodec {
  read(line: RawLine): ParsedLine;
  /** the bytes that replace a record's line, with the line's own terminator */
  write(record: SourceRecord, terminator: string): Buffer;
  /** whether the object can hold a field at all (false: a CSV header without that column) */
  canHold(field: string): boolean;
  /** a value as a line of this format reads it back once written (a CSV cell is text: `false` reads back "false") */
  readBack(value: unknown): unknown;
}
