import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * Pieces for writing one large JSON document as a stream: fixed members are serialised whole, record arrays are
 * spliced in line by line from JSON Lines parts, so memory stays flat whatever the number of records.
 */
export async function* jsonArrayFromLines(lines: Readable): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const line of createInterface({ input: lines, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    yield first ? line : `,${line}`;
    first = false;
  }
  yield ']';
}

/** `{"a":1,"b":` — an object's members without its closing brace, so a streamed member can follow. */
export function openObject(members: Record<string, unknown>, streamedMember: string): string {
  const head = JSON.stringify(members);
  return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}${JSON.stringify(streamedMember)}:`;
}
