import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DocumentUnreadableError } from '../errors';
import type { DocumentStore } from '../ports';

/**
 * Exports, receipts and per-system parts in the pipeline's bucket. Writes stream through a multipart
 * upload (lib-storage), reads stream from GetObject: no document is ever held whole in memory.
 * Encryption at rest is the bucket's default (KMS), set by the stack.
 */
export class S3DocumentStore implements DocumentStore {
  public constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  public async write(key: string, body: Readable | AsyncIterable<string>, contentType: string): Promise<void> {
    const stream = body instanceof Readable ? body : Readable.from(body);
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: stream, ContentType: contentType },
    }).done();
  }

  public async read(key: string): Promise<Readable> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!(Body instanceof Readable)) throw new DocumentUnreadableError(key);
    return Body;
  }

  public async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  public async presignGet(key: string, expiresInSeconds: number, fileName: string): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      }),
      { expiresIn: expiresInSeconds },
    );
  }
}
