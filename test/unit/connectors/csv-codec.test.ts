import { describe, expect, it } from 'vitest';
import { CsvCodec } from '../../../connectors/s3-objects/csv-codec';
import type { RawLine } from '../../../connectors/s3-objects/line-splitter';

function line(content: string, terminator = '\n'): RawLine {
  return { bytes: Buffer.from(content + terminator), content: Buffer.from(content), terminator };
}

describe('Class: CsvCodec', () => {
  describe('Method: read', () => {
    it('takes the first non-blank line as the header and maps rows to it', () => {
      // Prepare
      const codec = new CsvCodec();

      // Act
      const blank = codec.read(line(''));
      const header = codec.read(line('\uFEFFemail,name,note'));
      const row = codec.read(line('ann@example.com,"O\'Brien, ""Pat""","two\nlines"'));

      // Assess
      expect(blank.kind).toBe('structure');
      expect(header.kind).toBe('structure');
      expect(row).toMatchObject({
        kind: 'record',
        record: { email: 'ann@example.com', name: 'O\'Brien, "Pat"', note: 'two\nlines' },
      });
      expect(codec.canHold('email')).toBe(true);
      expect(codec.canHold('mail')).toBe(false);
    });

    it('calls a row of the wrong width, or with broken quoting, malformed', () => {
      // Prepare
      const codec = new CsvCodec();
      codec.read(line('email,name'));

      // Act
      const short = codec.read(line('ann@example.com'));
      const broken = codec.read(line('ann@example.com,"Ann'));

      // Assess
      expect(short.kind).toBe('malformed');
      expect(broken.kind).toBe('malformed');
    });
  });

  describe('Method: write', () => {
    it('re-serialises a row in header order, quoting only where needed, with the given terminator', () => {
      // Prepare
      const codec = new CsvCodec();
      codec.read(line('email,name,note,n'));

      // Act
      const bytes = codec.write({ n: 7, email: 'h4sh', note: 'say "hi", then\nleave' }, '\r\n');

      // Assess
      expect(bytes.toString('utf8')).toBe('h4sh,,"say ""hi"", then\nleave",7\r\n');
    });
  });
});
