import { describe, expect, it } from 'vitest';
import { type RawLine, splitLines } from '../../../connectors/s3-objects/line-splitter';

/** The input cut into chunks of the given sizes, cycling: boundaries land everywhere, inside characters too. */
function chunks(input: Buffer, sizes: number[]): Buffer[] {
  const result: Buffer[] = [];
  for (let offset = 0, i = 0; offset < input.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 1;
    result.push(input.subarray(offset, offset + size));
    offset += size;
  }
  return result;
}

async function split(
  input: Buffer | string,
  options: { quoteAware: boolean; maxLineBytes?: number },
  sizes = [1],
): Promise<RawLine[]> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const lines: RawLine[] = [];
  for await (const line of splitLines(chunks(bytes, sizes), { maxLineBytes: 1024, ...options })) lines.push(line);
  return lines;
}

const JSONL = '{"a":"Zoë 🚀"}\r\n\n{"b":"李雷"}\n  \r\n{"c":3}';
const CSV =
  'email,note\r\nann@example.com,"two\nlines"\r\nbob@example.com,"say ""hi"", ok"\nzoë@example.com,"crlf\r\ninside"\r\nlast,"no newline"';

describe('Function: splitLines', () => {
  it.each([[[1]], [[2, 3, 5]], [[7]], [[4096]]])('gives back every byte, whatever the chunking (%j)', async (sizes) => {
    // Act
    const jsonl = await split(JSONL, { quoteAware: false }, sizes);
    const csv = await split(CSV, { quoteAware: true }, sizes);

    // Assess
    expect(Buffer.concat(jsonl.map((line) => line.bytes)).toString('utf8')).toBe(JSONL);
    expect(Buffer.concat(csv.map((line) => line.bytes)).toString('utf8')).toBe(CSV);
  });

  it('splits on \\n, reports \\r\\n terminators, keeps blank lines and a last line without a newline', async () => {
    // Act
    const lines = await split(JSONL, { quoteAware: false }, [3]);

    // Assess
    expect(lines.map((line) => [line.content.toString('utf8'), line.terminator])).toEqual([
      ['{"a":"Zoë 🚀"}', '\r\n'],
      ['', '\n'],
      ['{"b":"李雷"}', '\n'],
      ['  ', '\r\n'],
      ['{"c":3}', ''],
    ]);
  });

  it('in quote-aware mode keeps newlines inside quotes (and escaped quotes) within the record', async () => {
    // Act
    const lines = await split(CSV, { quoteAware: true }, [1]);

    // Assess
    expect(lines.map((line) => line.content.toString('utf8'))).toEqual([
      'email,note',
      'ann@example.com,"two\nlines"',
      'bob@example.com,"say ""hi"", ok"',
      'zoë@example.com,"crlf\r\ninside"',
      'last,"no newline"',
    ]);
    expect(lines.map((line) => line.terminator)).toEqual(['\r\n', '\r\n', '\n', '\r\n', '']);
  });

  it('passes an over-long line through in pieces, flagged once, and carries on after it', async () => {
    // Prepare
    const input = `${'x'.repeat(50)}\n{"ok":1}\n${'y'.repeat(30)}`;

    // Act
    const lines = await split(input, { quoteAware: false, maxLineBytes: 10 }, [4]);

    // Assess
    expect(Buffer.concat(lines.map((line) => line.bytes)).toString('utf8')).toBe(input);
    const oversized = lines.filter((line) => line.oversized);
    expect(oversized.filter((line) => line.oversized?.first)).toHaveLength(2);
    expect(lines.filter((line) => !line.oversized).map((line) => line.content.toString('utf8'))).toEqual(['{"ok":1}']);
  });

  it('in quote-aware mode an unterminated quote is bounded by the line limit', async () => {
    // Prepare
    const input = `a,"never closed\n${'z,z\n'.repeat(20)}`;

    // Act
    const lines = await split(input, { quoteAware: true, maxLineBytes: 16 }, [5]);

    // Assess
    expect(Buffer.concat(lines.map((line) => line.bytes)).toString('utf8')).toBe(input);
    expect(lines.every((line) => line.oversized !== undefined)).toBe(true);
  });
});
