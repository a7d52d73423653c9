import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { RawMailStore } from './receive-mail';

/**
 * The raw mail SES (or the twin's SMTP listener) stored in S3. A mail over the limit is not read: its size comes from
 * the GetObject's Content-Length and the body stream is destroyed unread.
 */
export class S3RawMail implements RawMailStore {
  public constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  public async read(key: string, maxBytes: number): Promise<{ raw: Buffer } | { tooLarge: number } | undefined> {
    let object: GetObjectCommandOutput;
    try {
      object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
    const body = object.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
    if ((object.ContentLength ?? 0) > maxBytes) {
      body?.destroy?.();
      return { tooLarge: object.ContentLength ?? 0 };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body ?? []) {
      size += chunk.length;
      // a store that gave no length (or a wrong one) is still cut at the limit
      if (size > maxBytes) {
        body?.destroy?.();
        return { tooLarge: size };
      }
      chunks.push(Buffer.from(chunk));
    }
    return { raw: Buffer.concat(chunks) };
  }

  public async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
