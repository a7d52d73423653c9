import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Zip, ZipDeflate } from 'fflate';
import { plainJson } from '../../connectors/canonical';
import { exactNumberText } from '../../connectors/exact-number';
import { parseExactJson } from '../../connectors/exact-json';
import { parseWithheldLine } from '../../connectors/export-filter';
import { ArchiveWriteError } from '../core/errors';

/**
 * GDPR Art. 20: the data the subject provided, "in a structured, commonly used and machine-readable format" — here
 * one zip holding a JSON document and one CSV per system. Written as a stream: each part is read line by line, each
 * compressed chunk is handed on as soon as fflate makes it, so memory stays flat whatever the export's size.
 */

/** One file in the archive: its name and its text, produced piece by piece. */
export interface ArchiveEntry {
  name: string;
  content: () => AsyncIterable<string>;
}

/** The zip of `entries`, in order, as a stream of bytes (pulled: nothing is compressed before it is asked for). */
export async function* zipArchive(entries: readonly ArchiveEntry[]): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: { entry: string; cause: unknown } | undefined;
  let current = '';
  const zip = new Zip((error, data) => {
    if (error) failure ??= { entry: current, cause: error };
    else ready.push(data);
  });
  const take = function* () {
    if (failure) throw new ArchiveWriteError(failure.entry, { cause: failure.cause });
    yield* ready.splice(0);
  };
  const encoder = new TextEncoder();
  for (const entry of entries) {
    current = entry.name;
    const file = new ZipDeflate(entry.name, { level: 6 });
    zip.add(file);
    for await (const text of entry.content()) {
      file.push(encoder.encode(text));
      yield* take();
    }
    file.push(new Uint8Array(0), true);
    yield* take();
  }
  zip.end();
  yield* take();
}

/** The records of a part (its withheld line left out), parsed without rounding a number. */
export async function* partRecords(part: Readable): AsyncGenerator<Record<string, unknown>> {
  for await (const line of createInterface({ input: part, crlfDelay: Infinity })) {
    if (line.trim() === '' || parseWithheldLine(line) !== undefined) continue;
    yield parseExactJson(line) as Record<string, unknown>;
  }
}

/** Only the provided fields of a record (in the configuration's order), or all of them. */
export function provided(record: Record<string, unknown>, fields: 'all' | readonly string[]): Record<string, unknown> {
  if (fields === 'all') return record;
  return Object.fromEntries(fields.filter((f) => f in record).map((f) => [f, record[f]]));
}

/** A record as JSON text, numbers with all their digits. */
export const recordJson = (record: Record<string, unknown>) => plainJson(record);

/**
 * One CSV cell (RFC 4180): text as is, numbers with all their digits, nested values as JSON, quoted when it holds a
 * comma, a quote, a line break or edge spaces.
 */
export function csvCell(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = exactNumberText(value) ?? plainJson(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (cells: readonly unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;
