import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3RawMail } from '../../../functions/receive-mail/s3-raw-mail';

const s3 = mockClient(S3Client);
const KEY = 'inbound-mail/abc123';

/** A GetObject body that records whether it was destroyed unread. */
function body(text: string): { stream: Readable; output: GetObjectCommandOutput['Body'] } {
  const stream = Readable.from([Buffer.from(text)]);
  return { stream, output: stream as unknown as GetObjectCommandOutput['Body'] };
}

beforeEach(() => s3.reset());

describe('Class: S3RawMail', () => {
  describe('Method: read', () => {
    it('reads a mail within the limit from its bucket and key', async () => {
      // Prepare
      const { output } = body('From: a@example.com\r\n\r\nhello');
      s3.on(GetObjectCommand, { Bucket: 'inbound', Key: KEY }).resolves({ Body: output, ContentLength: 29 });

      // Act
      const read = await new S3RawMail(new S3Client({}), 'inbound').read(KEY, 100);

      // Assess
      expect(read).toEqual({ raw: Buffer.from('From: a@example.com\r\n\r\nhello') });
    });

    it('answers only the size of a mail over the limit, destroying the body unread', async () => {
      // Prepare
      const { stream, output } = body('x'.repeat(200));
      s3.on(GetObjectCommand).resolves({ Body: output, ContentLength: 200 });

      // Act
      const read = await new S3RawMail(new S3Client({}), 'inbound').read(KEY, 100);

      // Assess
      expect(read).toEqual({ tooLarge: 200 });
      expect(stream.destroyed).toBe(true);
    });

    it('cuts a body longer than its stated length at the limit', async () => {
      // Prepare
      const { output } = body('x'.repeat(200));
      s3.on(GetObjectCommand).resolves({ Body: output, ContentLength: 10 });

      // Act
      const read = await new S3RawMail(new S3Client({}), 'inbound').read(KEY, 100);

      // Assess
      expect(read).toEqual({ tooLarge: 200 });
    });

    it('answers undefined for a mail already deleted', async () => {
      // Prepare
      s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));

      // Act
      const read = await new S3RawMail(new S3Client({}), 'inbound').read(KEY, 100);

      // Assess
      expect(read).toBeUndefined();
    });
  });

  describe('Method: delete', () => {
    it('deletes the object by its bucket and key', async () => {
      // Prepare
      s3.on(DeleteObjectCommand).resolves({});

      // Act
      await new S3RawMail(new S3Client({}), 'inbound').delete(KEY);

      // Assess
      expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'inbound', Key: KEY });
    });
  });
});
