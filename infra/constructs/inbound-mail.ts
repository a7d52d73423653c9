import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import { Construct } from 'constructs';
import { INBOUND_MAIL_PREFIX } from '../../functions/receive-mail/keys';

/**
 * Requests by email (issue 11 §4): SES receives mail for the profile's intake addresses, stores the raw message in a
 * bucket of its own, then invokes ReceiveMail, which turns it into a request (or refuses it) and deletes it.
 *
 * Why SES's S3 action followed by its Lambda action, rather than an S3 object-created notification:
 * - SES runs a rule's actions in order, so the object is stored before the function is invoked (asynchronously, with
 *   Lambda's own retries); no S3 notification custom resource (another function with its own role) is needed;
 * - the event carries what only the receiver knows: the envelope recipients it accepted (a Bcc to the intake address
 *   counts, a forged To does not), the envelope sender (empty for a bounce) and the virus verdict;
 * - the twin's SMTP listener builds the same event from its own session (infra/local/smtp-server.ts).
 *
 * Why a bucket of its own: SES writes into it with S3-managed encryption (the pipeline bucket's KMS key would have to
 * trust SES), one lifecycle rule expires anything left after a day whatever its key (GDPR Art. 5(1)(e)), and the
 * pipeline's functions are granted nothing on it except ReceiveMail (GetObject and DeleteObject under the prefix).
 */
export class InboundMail extends Construct {
  public readonly bucket: s3.Bucket;
  public ruleSet?: ses.ReceiptRuleSet;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      // a raw mail is deleted as soon as it is handled; one the function could not handle is gone within a day
      lifecycleRules: [
        { id: 'inbound-mail', expiration: Duration.days(1) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // nothing here outlives a day: the stateless stack may go with it (a deletion fails only while mail is pending)
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No server access logs: they would keep, in a second bucket no erasure reaches, a record of every mail ' +
        'received for a day-long buffer whose objects are deleted once handled.',
    });
  }

  /**
   * The receipt rule set for `recipients` (the profile's intake addresses): TLS required (personal data in transit),
   * spam and virus scanning on, the raw mail stored under INBOUND_MAIL_PREFIX, then `receiver` invoked. None when the
   * profile names no intake address. SES has one active rule set per region: activate it after deploying
   * (`aws ses set-active-receipt-rule-set --rule-set-name <ReceiptRuleSetName output>`).
   */
  public receiveWith(receiver: lambda.IFunction, recipients: readonly string[]): void {
    if (recipients.length === 0) return;
    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', {
      rules: [
        {
          recipients: [...recipients],
          enabled: true,
          scanEnabled: true,
          tlsPolicy: ses.TlsPolicy.REQUIRE,
          actions: [
            new sesActions.S3({ bucket: this.bucket, objectKeyPrefix: INBOUND_MAIL_PREFIX }),
            new sesActions.Lambda({ function: receiver, invocationType: sesActions.LambdaInvocationType.EVENT }),
          ],
        },
      ],
    });
  }
}
