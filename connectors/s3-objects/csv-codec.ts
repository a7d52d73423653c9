import { parse } from 'csv-parse/sync';
import type { SourceRecord } from '../contract';
import type { RawLine } from './line-splitter';
import type { ObjectCodec, ParsedLine } from './object-codec';

/**
 * CSV with a header row, comma-separated, RFC 4180 quoting. Each line given here is one whole record
 * (the splitter keeps quoted newlines inside it); csv-parse parses its fields. A row whose field count differs
 * from the header's is malformed: mapping it to columns would be a guess.
 */
export class CsvCodec implements ObjectCodec {
  private columns: string[] | undefined;

  public read(line: RawLine): ParsedLine {
    if (line.oversized) return { kind: 'malformed', line };
    const text = line.content.toString('utf8');
    if (text.trim() === '') return { kind: 'structure', line };
    const fields = parseRow(text, this.columns === undefined);
    if (this.columns === undefined) {
      // the first non-blank line is the header; an unreadable one leaves no column to map a row to
      this.columns = fields ?? [];
      return fields === undefined ? { kind: 'malformed', line } : { kind: 'structure', line };
    }
    if (fields === undefined) return { kind: 'malformed', line };
    const columns = this.columns;
    if (fields.length !== columns.length) return { kind: 'malformed', line };
    return { kind: 'record', line, record: Object.fromEntries(columns.map((name, i) => [name, fields[i]])) };
  }

  /** Re-serialises one row in header order; a removed field becomes an empty value (a row cannot drop a column). */
  public write(record: SourceRecord, terminator: string): Buffer {
    const row = (this.columns ?? Object.keys(record)).map((name) => quote(cell(record[name])));
    return Buffer.from(row.join(',') + terminator, 'utf8');
  }

  public canHold(field: string): boolean {
    return this.columns === undefined || this.columns.includes(field);
  }

  public readBack(value: unknown): string {
    return cell(value);
  }
}

function parseRow(text: string, isHeader: boolean): string[] | undefined {
  try {
    const rows = parse(text, { bom: isHeader, relax_column_count: true }) as string[][];
    return rows.length === 1 ? rows[0] : undefined;
  } catch {
    return undefined;
  }
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
