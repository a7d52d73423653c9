import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { AGENT_DOCUMENT_MAX_BYTES, AGENT_DOCUMENT_PREFIX, type AgentDocumentType } from '../domain/request';
import type { AgentDocumentStore, PresignedUpload } from '../ports';

/** 15 minutes to upload: long enough to pick a file, short enough that a leaked form is soon useless. */
export const AGENT_UPLOAD_TTL_SECONDS = 15 * 60;

type Conditions = NonNullable<PresignedPostOptions['Conditions']>;

/**
 * The POST policy of one upload: the exact key, the exact content type the agent asked for (one of
 * AGENT_DOCUMENT_TYPES: a policy cannot say "one of", so the type is chosen when the upload is issued and pinned),
 * 1 byte to 5 MB, and server-side encryption. With the bucket's KMS key (the cloud) the policy requires `aws:kms` under
 * that key, so an upload without the header or naming another key is refused by S3 itself; without one (the twin)
 * `AES256`. S3 also refuses any form field the policy does not cover.
 */
export function agentUploadPolicy(
  key: string,
  contentType: AgentDocumentType,
  kmsKeyArn?: string,
): { conditions: Conditions; fields: Record<string, string> } {
  const fields: Record<string, string> = {
    'Content-Type': contentType,
    ...(kmsKeyArn
      ? { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': kmsKeyArn }
      : { 'x-amz-server-side-encryption': 'AES256' }),
  };
  return {
    fields,
    conditions: [
      { key },
      ['content-length-range', 1, AGENT_DOCUMENT_MAX_BYTES],
      ...Object.entries(fields).map(([field, value]) => ({ [field]: value })),
    ],
  };
}

/**
 * Permission documents in the pipeline bucket, under their own prefix with random keys (nothing personal in a key).
 *
 * The twin's s3rver accepts a POST upload (multipart/form-data, `key` then `file`) but checks neither the signature nor
 * the policy's conditions (type, size, encryption): there, the limits are tested on the policy this builds
 * (test/unit/adapters/s3-agent-documents.test.ts), and S3 enforces them in the cloud.
 */
export class S3AgentDocuments implements AgentDocumentStore {
  public constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    /** the bucket's KMS key (cloud); undefined in the twin */
    private readonly kmsKeyArn?: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async issueUpload(contentType: AgentDocumentType): Promise<PresignedUpload> {
    const key = `${AGENT_DOCUMENT_PREFIX}${randomUUID()}`;
    const { conditions, fields } = agentUploadPolicy(key, contentType, this.kmsKeyArn);
    const expiresAt = new Date(this.now().getTime() + AGENT_UPLOAD_TTL_SECONDS * 1000);
    // the presigner pins its own (older) client-s3 release: the same client at runtime, a different type
    const post = await createPresignedPost(this.client as never, {
      Bucket: this.bucket,
      Key: key,
      Conditions: conditions,
      Fields: fields,
      Expires: AGENT_UPLOAD_TTL_SECONDS,
    });
    return { url: post.url, fields: post.fields, key, expiresAt: expiresAt.toISOString() };
  }

  public async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return false;
      throw error;
    }
  }
}
