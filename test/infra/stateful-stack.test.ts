import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resourcesOf, synthStacks } from './support';

describe('Class: StatefulStack', () => {
  let template: Template;

  beforeAll(() => {
    template = synthStacks({ exportRetentionDays: 45, downloadLinkHours: 24 }).stateful;
  }, 60_000);

  describe('Method: constructor (bucket)', () => {
    it('encrypts the bucket with the rotating customer managed key and a bucket key', () => {
      // Prepare
      const keyId = Object.entries(resourcesOf(template)).find(([, r]) => r.Type === 'AWS::KMS::Key')?.[0];

      // Act
      const bucket = template.findResources('AWS::S3::Bucket');

      // Assess
      expect(keyId).toBeDefined();
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      expect(Object.values(bucket)).toHaveLength(1);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
              },
            },
          ],
        },
      });
    });

    it('blocks all public access and is not versioned', () => {
      // Prepare
      const expected = {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      };

      // Act
      const [bucket] = Object.values(template.findResources('AWS::S3::Bucket'));

      // Assess
      expect(bucket?.Properties.PublicAccessBlockConfiguration).toEqual(expected);
      expect(bucket?.Properties.VersioningConfiguration?.Status).not.toBe('Enabled');
      expect(bucket?.DeletionPolicy).toBe('Retain');
    });

    it('denies every request not made over TLS', () => {
      // Prepare
      const denyInsecure = Match.objectLike({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });

      // Act & Assess
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) },
      });
    });

    it('expires parts after a day and exports and receipts after exportRetentionDays', () => {
      // Prepare
      const [bucket] = Object.values(template.findResources('AWS::S3::Bucket'));

      // Act
      const rules = (bucket?.Properties.LifecycleConfiguration.Rules ?? []) as Record<string, unknown>[];
      const byPrefix = Object.fromEntries(rules.filter((r) => r.Prefix).map((r) => [r.Prefix, r.ExpirationInDays]));

      // Assess
      expect(byPrefix).toEqual({ 'parts/': 1, 'exports/': 45, 'receipts/': 45 });
      expect(rules).toContainEqual(
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
      );
    });
  });

  describe('Method: constructor (table and secret)', () => {
    it('keeps the requests table recoverable, encrypted and retained', () => {
      // Prepare & Act
      const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));

      // Assess
      expect(table?.DeletionPolicy).toBe('Retain');
      expect(table?.Properties).toMatchObject({
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      });
    });

    it('generates a 64-character hash key and retains it', () => {
      // Prepare & Act
      const [secret] = Object.values(template.findResources('AWS::SecretsManager::Secret'));

      // Assess
      expect(secret?.DeletionPolicy).toBe('Retain');
      expect(secret?.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    });
  });
});
