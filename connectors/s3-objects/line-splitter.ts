/**
 * Splitting a byte stream into lines without ever holding more than one line (and one chunk) in memory,
 * keeping every byte: concatenating the `bytes` of all yielded lines gives back the input exactly.
 * That is what lets an erasure rewrite an object and leave everybody else's lines byte for byte.
 *
 * A line ends at `\n` (so `\r\n` too: the `\r` is reported as part of the terminator). In `quoteAware` mode (CSV),
 * a `\n` inside double quotes does not end the line: quote state flips at every `"`, which follows RFC 4180
 * (`""` inside a quoted field flips twice). Bytes are scanned, not characters: `"` and `\n` never occur inside a
 * multi-byte UTF-8 sequence, so chunk boundaries in the middle of a character do no harm.
 */

export interface RawLine {
  /** the line's bytes, terminator included */
  bytes: Buffer;
  /** the line's bytes without its terminator */
  content: Buffer;
  /** '\n', '\r\n', or '' for a last line without one */
  terminator: string;
  /**
   * The line exceeded `maxLineBytes`: it is passed through in pieces (content empty, terminator on the last piece)
   * and cannot be parsed. Only the first piece has `first` set, so a consumer can count the line once.
   */
  oversized?: { first: boolean };
}

export interface SplitOptions {
  quoteAware: boolean;
  /** longest line held in memory; longer ones are passed through unparsed (an unterminated quote, a runaway line) */
  maxLineBytes: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;

export async function* splitLines(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: SplitOptions,
): AsyncGenerator<RawLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let inQuotes = false;
  let oversized = false;

  for await (const piece of source) {
    const chunk =
      typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let start = 0;
    for (
      let end = nextBreak(chunk, start, options.quoteAware, inQuotes);
      ;
      end = nextBreak(chunk, start, options.quoteAware, inQuotes)
    ) {
      if (end.quotesFlipped) inQuotes = !inQuotes;
      if (end.index < 0) break;
      const tail = chunk.subarray(start, end.index + 1);
      if (oversized) yield { bytes: tail, content: Buffer.alloc(0), terminator: '\n', oversized: { first: false } };
      else yield completeLine(Buffer.concat([...pending, tail]));
      pending = [];
      pendingBytes = 0;
      oversized = false;
      start = end.index + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) continue;
    if (oversized) {
      yield { bytes: Buffer.from(rest), content: Buffer.alloc(0), terminator: '', oversized: { first: false } };
      continue;
    }
    pending.push(Buffer.from(rest));
    pendingBytes += rest.length;
    if (pendingBytes > options.maxLineBytes) {
      yield { bytes: Buffer.concat(pending), content: Buffer.alloc(0), terminator: '', oversized: { first: true } };
      pending = [];
      pendingBytes = 0;
      oversized = true;
    }
  }
  if (pendingBytes > 0) yield { bytes: Buffer.concat(pending), content: Buffer.concat(pending), terminator: '' };
}

function completeLine(bytes: Buffer): RawLine {
  const crlf = bytes.length >= 2 && bytes[bytes.length - 2] === CARRIAGE_RETURN;
  const terminator = crlf ? '\r\n' : '\n';
  return { bytes, content: bytes.subarray(0, bytes.length - terminator.length), terminator };
}

/**
 * The next line-ending `\n` at or after `from` (-1 when the chunk has none), and whether the quote state changed
 * along the way (an odd number of quotes before the break, or in the whole rest of the chunk when there is none).
 */
function nextBreak(
  chunk: Buffer,
  from: number,
  quoteAware: boolean,
  inQuotes: boolean,
): { index: number; quotesFlipped: boolean } {
  if (!quoteAware) return { index: chunk.indexOf(NEWLINE, from), quotesFlipped: false };
  let quoted = inQuotes;
  for (let i = from; i < chunk.length; i += 1) {
    const byte = chunk[i];
    if (byte === QUOTE) quoted = !quoted;
    else if (byte === NEWLINE && !quoted) return { index: i, quotesFlipped: quoted !== inQuotes };
  }
  return { index: -1, quotesFlipped: quoted !== inQuotes };
}
