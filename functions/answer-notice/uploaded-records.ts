import { parse } from 'csv-parse/sync';
import type { SourceRecord } from '../../connectors/contract';
import { ValidationError } from '../core/domain/errors';

/** An owner's upload is one system's answer for one person: far fewer records than this. */
export const MAX_UPLOADED_RECORDS = 10_000;

/** A file as the multipart parser hands it over. */
export interface UploadedFile {
  filename?: string;
  mimetype?: string;
  content: Buffer;
  /** the parser stopped reading at its size limit */
  truncated?: boolean;
}

const refused = (message: string) => new ValidationError(message, [{ path: 'records', message }]);

/**
 * The records a manual system's owner sent with a `found` answer (README, "Systems only a person can reach"): a JSON
 * array of objects, or a CSV file with a header row (one record per row, column → text). Anything else, a file over
 * `maxBytes`, more than MAX_UPLOADED_RECORDS records, or an empty file is refused whole with what to fix: a partial
 * upload would look like a complete answer. The content is never logged or quoted in an error.
 */
export function uploadedRecords(file: UploadedFile | undefined, maxBytes: number): SourceRecord[] {
  if (!file || file.content.length === 0) throw refused('Attach the records as a JSON or CSV file');
  if (file.truncated || file.content.length > maxBytes)
    throw refused(`The file is larger than ${maxBytes} bytes: split it, or write to us`);
  const text = file.content.toString('utf8').replace(/^\uFEFF/, '');
  const records = looksLikeJson(file, text) ? jsonRecords(text) : csvRecords(text);
  if (records.length === 0) throw refused('The file holds no records: answer "not held" instead');
  if (records.length > MAX_UPLOADED_RECORDS)
    throw refused(`The file holds more than ${MAX_UPLOADED_RECORDS} records: write to us`);
  return records;
}

function looksLikeJson(file: UploadedFile, text: string): boolean {
  const name = file.filename?.toLowerCase() ?? '';
  if (name.endsWith('.csv') || file.mimetype === 'text/csv') return false;
  return name.endsWith('.json') || file.mimetype === 'application/json' || /^\s*[[{]/.test(text);
}

function jsonRecords(text: string): SourceRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError('The file is not valid JSON', [{ path: 'records', message: 'not valid JSON' }], {
      cause,
    });
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (!list.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item)))
    throw refused('A JSON file must hold an array of objects, one per record');
  return list as SourceRecord[];
}

function csvRecords(text: string): SourceRecord[] {
  try {
    return parse(text, { columns: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (cause) {
    throw new ValidationError(
      'The file is not a CSV file with a header row (every row as wide as the header)',
      [{ path: 'records', message: 'not CSV with a header row' }],
      { cause },
    );
  }
}
