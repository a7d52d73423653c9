import { HeadObjectCommand, NotFound, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  AGENT_UPLOAD_TTL_SECONDS,
  agentUploadPolicy,
  S3AgentDocuments,
} from '../../../functions/core/adapters/s3-agent-documents';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const NOW = new Date('2026-12-01T12:00:00.000Z');
const client = () =>
  new S3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    forcePathStyle: true,
    endpoint: 'https://s3.eu-west-1.amazonaws.com',
  });

/** The POST policy S3 checks, decoded from the signed form field. */
const decoded = (fields: Record<string, string>) =>
  JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as {
    expiration: string;
    conditions: unknown[];
  };

describe('Function: agentUploadPolicy', () => {
  it('pins the key and type, bounds the size to 5 MB and requires SSE-KMS under the bucket key', () => {
    // Act
    const { conditions, fields } = agentUploadPolicy('agent-documents/k', 'application/pdf', KEY_ARN);

    // Assess
    expect(conditions).toEqual([
      { key: 'agent-documents/k' },
      ['content-length-range', 1, 5 * 1024 * 1024],
      { 'Content-Type': 'application/pdf' },
      { 'x-amz-server-side-encryption': 'aws:kms' },
      { 'x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN },
    ]);
    expect(fields).toEqual({
      'Content-Type': 'application/pdf',
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN,
    });
  });

  it('requires AES256 where there is no KMS key (the twin)', () => {
    // Act
    const { conditions } = agentUploadPolicy('agent-documents/k', 'image/png');

    // Assess
    expect(conditions).toContainEqual({ 'x-amz-server-side-encryption': 'AES256' });
    expect(JSON.stringify(conditions)).not.toContain('aws:kms');
  });
});

describe('Class: S3AgentDocuments', () => {
  describe('Method: issueUpload', () => {
    it('signs a policy with a random key under the prefix, the conditions above, and a 15-minute expiry', async () => {
      // Prepare
      const store = new S3AgentDocuments(client(), 'dsar-bucket', KEY_ARN, () => NOW);

      // Act
      const first = await store.issueUpload('image/jpeg');
      const second = await store.issueUpload('image/jpeg');

      // Assess
      expect(first.key).toMatch(/^agent-documents\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(second.key).not.toBe(first.key);
      expect(first.url).toBe('https://s3.eu-west-1.amazonaws.com/dsar-bucket');
      expect(first.expiresAt).toBe(new Date(NOW.getTime() + AGENT_UPLOAD_TTL_SECONDS * 1000).toISOString());
      expect(first.fields).toMatchObject({
        key: first.key,
        'Content-Type': 'image/jpeg',
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN,
      });
      const policy = decoded(first.fields);
      expect(policy.conditions).toEqual(
        expect.arrayContaining([
          { key: first.key },
          ['content-length-range', 1, 5 * 1024 * 1024],
          { 'Content-Type': 'image/jpeg' },
          { 'x-amz-server-side-encryption': 'aws:kms' },
          { 'x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN },
          { bucket: 'dsar-bucket' },
        ]),
      );
      const lifetime = Date.parse(policy.expiration) - Date.now();
      expect(lifetime).toBeGreaterThan((AGENT_UPLOAD_TTL_SECONDS - 60) * 1000);
      expect(lifetime).toBeLessThanOrEqual(AGENT_UPLOAD_TTL_SECONDS * 1000);
    });
  });

  describe('Method: exists', () => {
    it('is true for an uploaded key, false for a missing one, and lets other errors through', async () => {
      // Prepare
      const s3 = client();
      const mock = mockClient(s3);
      mock
        .on(HeadObjectCommand, { Key: 'agent-documents/there' })
        .resolves({})
        .on(HeadObjectCommand, { Key: 'agent-documents/missing' })
        .rejects(new NotFound({ message: 'not found', $metadata: {} }))
        .on(HeadObjectCommand, { Key: 'agent-documents/denied' })
        .rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {} }));
      const store = new S3AgentDocuments(s3, 'dsar-bucket');

      // Act & Assess
      await expect(store.exists('agent-documents/there')).resolves.toBe(true);
      await expect(store.exists('agent-documents/missing')).resolves.toBe(false);
      await expect(store.exists('agent-documents/denied')).rejects.toMatchObject({ name: 'AccessDenied' });
    });
  });
});
