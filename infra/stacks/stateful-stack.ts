import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DOCUMENT_PREFIXES } from '../../functions/core/domain/document-keys';

export interface StatefulStackProps extends StackProps {
  /** days exports and receipts stay downloadable before lifecycle deletes them */
  readonly exportRetentionDays: number;
}

/**
 * What must outlive any redeploy of the pipeline: the requests ledger, the tokens, the suppression list, the audit
 * trail, the bucket
 * of exports and receipts, the keys that encrypt them and the hash key. Kept in a stack of its own, all RETAIN (tables
 * also deletion-protected), so the pipeline stack can be torn down and rebuilt freely without losing a request
 * (“nothing accepted is lost”).
 */
export class StatefulStack extends Stack {
  /** requests and per-request state; partition key `pk`, TTL attribute `ttl` */
  public readonly requests: dynamodb.Table;
  /** hashes of single-use and status tokens; partition key `pk`, TTL attribute `ttl` */
  public readonly tokens: dynamodb.Table;
  /** keyed hashes of erased identities (the suppression list); partition key `pk`, never expires */
  public readonly suppression: dynamodb.Table;
  /**
   * each request's audit trail (functions/core/audit): partition key `requestId`, sort key `seq` (a number); never
   * expires. The functions may only add to it (infra/constructs/grants.ts AUDIT_ACTIONS).
   */
  public readonly audit: dynamodb.Table;
  /** encrypts the four tables (customer managed: who may read them is decided by IAM, and auditable) */
  public readonly tablesKey: kms.Key;
  /** encrypts the functions' and the workflow's log groups (CloudWatch Logs uses it; nothing else may) */
  public readonly logsKey: kms.Key;
  /** encrypts the bucket (customer managed so access to exports is grantable and auditable per function) */
  public readonly key: kms.Key;
  public readonly bucket: s3.Bucket;
  /** 64 random characters: the key for keyed hashes (HMAC) of identities, e.g. on deletion receipts */
  public readonly hashKey: secretsmanager.Secret;

  public constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.tablesKey = new kms.Key(this, 'TablesKey', {
      description: 'DSAR pipeline: encrypts the requests, tokens, suppression and audit tables',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const table = (
      tableId: string,
      options: { pointInTimeRecovery: boolean; ttl: boolean; sortKey?: dynamodb.Attribute; partitionKey?: string },
    ): dynamodb.Table =>
      new dynamodb.Table(this, tableId, {
        partitionKey: { name: options.partitionKey ?? 'pk', type: dynamodb.AttributeType.STRING },
        sortKey: options.sortKey,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: options.pointInTimeRecovery },
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.tablesKey,
        timeToLiveAttribute: options.ttl ? 'ttl' : undefined,
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.requests = table('Requests', { pointInTimeRecovery: true, ttl: true });
    this.tokens = table('Tokens', { pointInTimeRecovery: false, ttl: true });
    Validations.of(this.tokens).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'No point-in-time recovery for tokens on purpose: a restore would bring back spent single-use tokens. Tokens live ' +
        'hours to days; a lost token costs the requester a new link, never a request (those are in the requests table).',
    });
    // Its own table, so restoring the requests table to a point in time cannot roll the suppression list back and
    // bring an erased identity back to life (GDPR Art. 17: the erasure must hold after a restore).
    this.suppression = table('Suppression', { pointInTimeRecovery: true, ttl: false });
    // Its own table too: grants can then make it append-only (PutItem, no Update/Delete), and a point-in-time restore
    // of the requests table leaves the trail of what happened after that point standing.
    this.audit = table('Audit', {
      pointInTimeRecovery: true,
      ttl: false,
      partitionKey: 'requestId',
      sortKey: { name: 'seq', type: dynamodb.AttributeType.NUMBER },
    });
    new CfnOutput(this, 'AuditTableName', {
      value: this.audit.tableName,
      description: 'The audit trail of every request: dsar audit <id> --table <this>',
    });

    this.logsKey = new kms.Key(this, 'LogsKey', {
      description: 'DSAR pipeline: encrypts the log groups of the functions and the workflow',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts with the caller's key only if the key policy lets the service use it; the condition
    // keeps it to this account's log groups in this region.
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );

    this.key = new kms.Key(this, 'ExportsKey', {
      description: 'DSAR pipeline: encrypts exports, receipts and located parts',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const afterExportRetention = Duration.days(props.exportRetentionDays);
    this.bucket = new s3.Bucket(this, 'Exports', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // No versions: an expired or erased export must really be gone, not kept as a noncurrent version.
      versioned: false,
      lifecycleRules: [
        { id: 'parts', prefix: DOCUMENT_PREFIXES.parts, expiration: Duration.days(1) },
        { id: 'exports', prefix: DOCUMENT_PREFIXES.exports, expiration: afterExportRetention },
        { id: 'receipts', prefix: DOCUMENT_PREFIXES.receipts, expiration: afterExportRetention },
        // an agent's permission document: the evidence an operator checks; kept as long as a request can run (45 + 45
        // days), be appealed (60 days) and be reviewed, then gone whether or not a request named it
        { id: 'agent-documents', prefix: DOCUMENT_PREFIXES.agentDocuments, expiration: Duration.days(180) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No server access logs: they would copy every download (object key, requester IP) into a second bucket that ' +
        'no erasure reaches. Enable CloudTrail S3 data events if an audit trail of downloads is required.',
    });

    this.hashKey = new secretsmanager.Secret(this, 'HashKey', {
      description: 'DSAR pipeline: key for keyed hashes of identities (DSAR_HASH_KEY)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Losing it would make every stored keyed hash unverifiable.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.hashKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Never rotated on purpose: the suppression list and receipts store keyed hashes (HMAC) of identities; a new key ' +
        'would make every stored hash unmatchable and let an erased identity back in after a restore.',
    });
  }
}
