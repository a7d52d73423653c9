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
      const keyId = Object.keys(resourcesOf(template)).find((id) => id.startsWith('ExportsKey'));

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

    it("expires parts after a day, exports and receipts after exportRetentionDays, agents' documents after 180 days", () => {
      // Prepare
      const [bucket] = Object.values(template.findResources('AWS::S3::Bucket'));

      // Act
      const rules = (bucket?.Properties.LifecycleConfiguration.Rules ?? []) as Record<string, unknown>[];
      const byPrefix = Object.fromEntries(rules.filter((r) => r.Prefix).map((r) => [r.Prefix, r.ExpirationInDays]));

      // Assess
      expect(byPrefix).toEqual({ 'parts/': 1, 'exports/': 45, 'receipts/': 45, 'agent-documents/': 180 });
      expect(rules).toContainEqual(
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
      );
    });
  });

  describe('Method: constructor (tables and secret)', () => {
    const tableByPrefix = (prefix: string) => {
      const found = Object.entries(template.findResources('AWS::DynamoDB::Table')).find(([id]) =>
        id.startsWith(prefix),
      );
      if (!found) throw new Error(`no table ${prefix}`);
      return found[1];
    };
    const tablesKeyId = () => Object.keys(resourcesOf(template)).find((id) => id.startsWith('TablesKey'));

    it('keeps the requests table recoverable, encrypted and retained', () => {
      // Prepare & Act
      const table = tableByPrefix('Requests');

      // Assess
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      });
    });

    it('has exactly four tables: requests, tokens, the suppression list and the audit trail', () => {
      // Prepare & Act
      const ids = Object.keys(template.findResources('AWS::DynamoDB::Table'));

      // Assess
      expect(ids.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
        'Audit',
        'Requests',
        'Suppression',
        'Tokens',
      ]);
    });

    it('keys the audit trail by request and sequence number, recovers it to a point in time and never expires it', () => {
      // Prepare & Act
      const audit = tableByPrefix('Audit');

      // Assess
      expect(audit.Properties).toMatchObject({
        KeySchema: [
          { AttributeName: 'requestId', KeyType: 'HASH' },
          { AttributeName: 'seq', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: expect.arrayContaining([
          { AttributeName: 'requestId', AttributeType: 'S' },
          { AttributeName: 'seq', AttributeType: 'N' },
        ]),
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
      expect(audit.Properties.TimeToLiveSpecification).toBeUndefined();
    });

    it.each(['Requests', 'Tokens', 'Suppression', 'Audit'])(
      'encrypts %s with the rotating customer managed tables key, protects it from deletion and retains it',
      (prefix) => {
        // Prepare
        const keyId = tablesKeyId();

        // Act
        const table = tableByPrefix(prefix);

        // Assess
        expect(keyId).toBeDefined();
        expect(table.DeletionPolicy).toBe('Retain');
        expect(table.UpdateReplacePolicy).toBe('Retain');
        expect(table.Properties.KeySchema).toContainEqual({
          AttributeName: prefix === 'Audit' ? 'requestId' : 'pk',
          KeyType: 'HASH',
        });
        expect(table.Properties).toMatchObject({
          DeletionProtectionEnabled: true,
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        });
        expect(resourcesOf(template)[keyId as string]?.Properties.EnableKeyRotation).toBe(true);
      },
    );

    it('recovers requests and the suppression list to a point in time, never spent tokens', () => {
      // Prepare & Act
      const pitr = (prefix: string) =>
        (tableByPrefix(prefix).Properties.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: boolean })
          ?.PointInTimeRecoveryEnabled === true;

      // Assess
      expect(pitr('Requests')).toBe(true);
      expect(pitr('Suppression')).toBe(true);
      expect(pitr('Tokens')).toBe(false);
      expect(tableByPrefix('Tokens').Properties.TimeToLiveSpecification).toEqual({
        AttributeName: 'ttl',
        Enabled: true,
      });
      expect(tableByPrefix('Suppression').Properties.TimeToLiveSpecification).toBeUndefined();
    });

    it('lets CloudWatch Logs, and only for log groups of this account and region, use the rotating logs key', () => {
      // Prepare
      const [logsKey] = Object.entries(template.findResources('AWS::KMS::Key')).filter(([id]) =>
        id.startsWith('LogsKey'),
      );

      // Act
      const statements = (logsKey?.[1].Properties.KeyPolicy.Statement ?? []) as Record<string, unknown>[];
      const forLogs = statements.find((s) => JSON.stringify(s.Principal).includes('logs.'));

      // Assess
      expect(logsKey?.[1].Properties.EnableKeyRotation).toBe(true);
      expect(logsKey?.[1].DeletionPolicy).toBe('Retain');
      expect(JSON.stringify(forLogs?.Condition)).toContain('kms:EncryptionContext:aws:logs:arn');
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
