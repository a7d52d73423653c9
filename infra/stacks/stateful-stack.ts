import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
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
 * What must outlive any redeploy of the pipeline: the requests ledger, the bucket of exports and receipts, the key
 * that encrypts them and the hash key. Kept in a stack of its own, all RETAIN, so the pipeline stack can be torn down
 * and rebuilt freely without losing a request (“nothing accepted is lost”).
 */
export class StatefulStack extends Stack {
  /** requests, tokens and per-request state; single table, partition key `pk`, TTL attribute `ttl` */
  public readonly table: dynamodb.Table;
  /** encrypts the bucket (customer managed so access to exports is grantable and auditable per function) */
  public readonly key: kms.Key;
  public readonly bucket: s3.Bucket;
  /** 64 random characters: the key for keyed hashes (HMAC) of identities, e.g. on deletion receipts */
  public readonly hashKey: secretsmanager.Secret;

  public constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.table = new dynamodb.Table(this, 'Requests', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'ttl',
      removalPolicy: RemovalPolicy.RETAIN,
    });

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
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.hashKey = new secretsmanager.Secret(this, 'HashKey', {
      description: 'DSAR pipeline: key for keyed hashes of identities (DSAR_HASH_KEY)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Losing it would make every stored keyed hash unverifiable.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
