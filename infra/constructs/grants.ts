import { Aws, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { SystemsConfig } from '../../connectors/config';
import type { BucketPrefix, SourceAccess, TableAccess } from './function-specs';

/**
 * Least-privilege grants, written as explicit role-policy statements rather than the `grantX` helpers:
 * the helpers grant more than a function needs (Scan, DescribeTable, whole-bucket access) and, across stacks,
 * may try to edit the stateful stack's key policy (a cross-stack cycle). Every statement names its resources.
 */

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

export function grantTable(role: iam.IGrantable, table: dynamodb.ITable, access: TableAccess): void {
  const actions =
    access === 'read'
      ? TABLE_READ
      : access === 'readScan'
        ? [...TABLE_READ, 'dynamodb:Scan']
        : [...TABLE_READ, ...TABLE_WRITE];
  role.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [table.tableArn] }));
}

export interface BucketAccess {
  readonly read?: readonly BucketPrefix[];
  readonly write?: readonly BucketPrefix[];
  readonly delete?: readonly BucketPrefix[];
}

/** Object access per prefix, listing limited to the same prefixes, and the bucket key used only through S3. */
export function grantBucket(role: iam.IGrantable, bucket: s3.IBucket, key: kms.IKey, access: BucketAccess): void {
  const principal = role.grantPrincipal;
  const read = access.read ?? [];
  const write = access.write ?? [];
  if (read.length > 0) {
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: read.map((p) => bucket.arnForObjects(`${p}*`)) }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': read.map((p) => `${p}*`) } },
      }),
    );
  }
  if (write.length > 0) {
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: write.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
  }
  const remove = access.delete ?? [];
  if (remove.length > 0) {
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:DeleteObject'],
        resources: remove.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
  }
  if (read.length + write.length === 0) return;
  // Writers need Decrypt too: multipart uploads (lib-storage) read back the data key.
  const kmsActions = write.length > 0 ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'];
  principal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: kmsActions,
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
    }),
  );
}

const SOURCE_TABLE_LOCATE = ['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:GetItem'];
const SOURCE_TABLE_ERASE = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'];
const SOURCE_OBJECTS_ERASE = ['s3:PutObject', 's3:DeleteObject'];

/**
 * Access to the operator's source systems, derived from the systems config: a system not in the config
 * cannot be read by any function. Source tables and buckets are assumed to live in the deployment's account/region.
 */
export function grantSources(fn: lambda.IFunction, systems: SystemsConfig, access: SourceAccess): void {
  const principal = fn.grantPrincipal;
  const stack = Stack.of(fn);
  for (const system of systems.systems) {
    if (system.type === 'dynamodb') {
      const tableArn = stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: system.table });
      principal.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: SOURCE_TABLE_LOCATE, resources: [tableArn, `${tableArn}/index/*`] }),
      );
      if (access === 'erase') {
        principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: SOURCE_TABLE_ERASE, resources: [tableArn] }));
      }
    } else {
      const bucketArn = `arn:${Aws.PARTITION}:s3:::${system.bucket}`;
      const objectsArn = `${bucketArn}/${system.prefix}*`;
      principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objectsArn] }));
      principal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${system.prefix}*`] } },
        }),
      );
      if (access === 'erase') {
        principal.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: SOURCE_OBJECTS_ERASE, resources: [objectsArn] }),
        );
      }
    }
  }
}

/** Any single action on named resources (state machine, secret, SES identity). */
export function grantActions(role: iam.IGrantable, actions: readonly string[], resources: readonly string[]): void {
  role.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...actions], resources: [...resources] }),
  );
}
