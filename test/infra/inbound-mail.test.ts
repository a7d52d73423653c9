import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_SPECS } from '../../infra/constructs/function-specs';
import { FUNCTION_ENV } from '../../functions/core/env';
import {
  type CfnResource,
  functionIdFor,
  resourcesOf,
  type Resources,
  statementsOfFunction,
  synthStacks,
} from './support';

const ENTRY = 'functions/receive-mail/handler.ts';

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
function onlyId(resources: Resources, type: string, prefix: string): string {
  const ids = Object.entries(resources)
    .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

describe('Construct: InboundMail', () => {
  let template: Template;
  let resources: Resources;
  let bucketId: string;

  beforeAll(() => {
    template = synthStacks({ profile: 'softpire' }).pipeline;
    resources = resourcesOf(template);
    bucketId = onlyId(resources, 'AWS::S3::Bucket', 'InboundMailBucket');
  }, 120_000);

  it("receives the profile's intake addresses only: TLS required, scanned, stored under inbound-mail/, then ReceiveMail", () => {
    // Prepare
    const fnId = functionIdFor(resources, ENTRY);

    // Act
    const rules = Object.values(template.findResources('AWS::SES::ReceiptRule'));

    // Assess
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.Properties.Rule as Record<string, unknown>;
    expect(rule).toMatchObject({
      Recipients: ['privacy@softpire.com'],
      Enabled: true,
      ScanEnabled: true,
      TlsPolicy: 'Require',
    });
    // the order matters: SES runs actions in order, so the mail is stored before the function is invoked
    expect(rule.Actions).toEqual([
      { S3Action: { BucketName: { Ref: bucketId }, ObjectKeyPrefix: 'inbound-mail/' } },
      { LambdaAction: { FunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, InvocationType: 'Event' } },
    ]);
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
  });

  it('keeps no raw mail beyond a day: the whole bucket expires objects after 1 day, unversioned, encrypted', () => {
    // Prepare & Act
    const bucket = resources[bucketId]?.Properties as Record<string, unknown>;

    // Assess
    expect(bucket.VersioningConfiguration).toBeUndefined();
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    const rules = (bucket.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    const expiring = rules.filter((r) => r.ExpirationInDays !== undefined);
    expect(expiring).toEqual([{ Id: 'inbound-mail', ExpirationInDays: 1, Status: 'Enabled' }]);
    expect(bucket.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
  });

  it('lets SES put objects into the bucket for this account, and nobody else write to it', () => {
    // Prepare
    const policyId = onlyId(resources, 'AWS::S3::BucketPolicy', 'InboundMailBucketPolicy');

    // Act
    const statements = (
      (resources[policyId] as CfnResource).Properties.PolicyDocument as { Statement: Record<string, unknown>[] }
    ).Statement.filter((s) => s.Effect === 'Allow');

    // Assess
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({
      Action: 's3:PutObject',
      Principal: { Service: 'ses.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
  });

  it('grants ReceiveMail GetObject and DeleteObject under inbound-mail/ only, and no other function anything there', () => {
    // Prepare
    const onBucket = (entry: string) =>
      statementsOfFunction(resources, entry).filter((s) => s.resources.some((r) => r.includes(bucketId)));

    // Act
    const receiver = onBucket(ENTRY);
    const others = FUNCTION_SPECS.filter((s) => s.entry !== ENTRY).flatMap((s) => onBucket(s.entry));

    // Assess
    expect(receiver.flatMap((s) => s.actions).sort()).toEqual(['s3:DeleteObject', 's3:GetObject']);
    expect(receiver.flatMap((s) => s.resources)).toEqual([
      JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/inbound-mail/*']] }),
    ]);
    expect(others).toEqual([]);
    const env = (
      (resources[functionIdFor(resources, ENTRY)] as CfnResource).Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(env[FUNCTION_ENV.INBOUND_MAIL_BUCKET]).toEqual({ Ref: bucketId });
  });

  it('lets only SES of this account invoke ReceiveMail', () => {
    // Prepare
    const fnId = functionIdFor(resources, ENTRY);

    // Act
    const permissions = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Permission' &&
        JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
    );

    // Assess
    expect(permissions.map((p) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Principal: 'ses.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    ]);
  });

  it('sets up no receipt rule for a profile without intake addresses (the open profile)', () => {
    // Prepare & Act
    const open = synthStacks().pipeline;

    // Assess
    open.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    open.resourceCountIs('AWS::SES::ReceiptRule', 0);
  }, 120_000);
});
