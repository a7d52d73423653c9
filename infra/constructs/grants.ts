import { Aws } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import {
  type ConnectedSystemConfig,
  connectedSystems,
  type Erasure,
  type SystemsConfig,
} from '../../connectors/config';
import type { BucketPrefix, SourceAccess, SuppressionAccess, TableAccess, TokenUse } from './function-specs';
import { acknowledgeWildcards } from './nag';

/** The construct a grantee's policy hangs off (its role), where cdk-nag findings on that policy are acknowledged. */
function policyOwner(role: iam.IGrantable): IConstruct {
  const principal = role.grantPrincipal;
  return principal instanceof iam.Role ? principal : (role as unknown as IConstruct);
}

/**
 * Least-privilege grants, written as explicit role-policy statements rather than the `grantX` helpers:
 * the helpers grant more than a function needs (Scan, DescribeTable, whole-bucket access) and, across stacks,
 * may try to edit the stateful stack's key policy (a cross-stack cycle). Every statement names its resources.
 */

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/** The requests table's actions for each access level. */
export const REQUESTS_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: TABLE_READ,
  readScan: [...TABLE_READ, 'dynamodb:Scan'],
  readWrite: [...TABLE_READ, ...TABLE_WRITE],
  readWriteScan: [...TABLE_READ, ...TABLE_WRITE, 'dynamodb:Scan'],
};

/** The tokens table's action for each use: the fewest a function needs (see TokenUse). */
export const TOKEN_ACTIONS: Readonly<Record<TokenUse, string>> = {
  issue: 'dynamodb:PutItem',
  check: 'dynamodb:GetItem',
  consume: 'dynamodb:UpdateItem',
};

/** The suppression table's actions: erase-system adds, and cannot read back or remove; re-apply only reads. */
export const SUPPRESSION_ACTIONS: Readonly<Record<SuppressionAccess, readonly string[]>> = {
  add: ['dynamodb:UpdateItem'],
  readScan: [...TABLE_READ, 'dynamodb:Scan'],
};

/**
 * The audit table's actions, for every function that writes requests (its repository records each change): append
 * (PutItem, always conditional on the item not existing) and read the chain's head (Query; GetItem). No UpdateItem, no
 * DeleteItem, for any function: history cannot be rewritten or removed by the pipeline, only added to.
 */
export const AUDIT_ACTIONS: readonly string[] = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'];

/** A table encrypted with a customer managed key, and that key. */
export interface EncryptedTable {
  readonly table: dynamodb.ITable;
  readonly key: kms.IKey;
}

/**
 * `actions` on one table, plus the table key used only through DynamoDB: Decrypt/DescribeKey to read, and
 * Encrypt/GenerateDataKey as well for a function that writes. Named actions, no `kms:*Key*` wildcards.
 */
export function grantTable(role: iam.IGrantable, target: EncryptedTable, actions: readonly string[]): void {
  if (actions.length === 0) return;
  const principal = role.grantPrincipal;
  principal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...actions], resources: [target.table.tableArn] }),
  );
  const writes = actions.some((a) => !TABLE_READ.includes(a) && a !== 'dynamodb:Scan');
  principal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: writes
        ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']
        : ['kms:Decrypt', 'kms:DescribeKey'],
      resources: [target.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
    }),
  );
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
  const prefixed = [...read, ...write, ...(access.delete ?? [])].map((p) => bucket.arnForObjects(`${p}*`));
  acknowledgeWildcards(
    policyOwner(role),
    prefixed,
    'Objects under one prefix of the pipeline bucket: their keys are request ids, unknown at deploy time.',
  );
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
/** Write actions on a source table, by erasure strategy: `retain` gets none at all (an exemption is a promise). */
export const SOURCE_TABLE_ERASE: Readonly<Record<Erasure['strategy'], readonly string[]>> = {
  delete: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'],
  anonymize: ['dynamodb:UpdateItem'],
  retain: [],
};
/** Write actions on source objects, by erasure strategy: anonymising rewrites an object, deleting may also remove it. */
export const SOURCE_OBJECTS_ERASE: Readonly<Record<Erasure['strategy'], readonly string[]>> = {
  delete: ['s3:PutObject', 's3:DeleteObject'],
  anonymize: ['s3:PutObject'],
  retain: [],
};

/**
 * Write actions for a change (correction, flags): DynamoDB rewrites attributes of an item in place; an S3 object is
 * rewritten whole with the changed lines. Granted only on systems that have a field to change and are not read-only.
 */
export const SOURCE_TABLE_CHANGE: readonly string[] = ['dynamodb:UpdateItem'];
export const SOURCE_OBJECTS_CHANGE: readonly string[] = ['s3:PutObject'];

/** Whether the pipeline may ever write a change to this system (it has correctable or flag fields, and is writable). */
export function changesSystem(system: ConnectedSystemConfig): boolean {
  if (system.readOnly) return false;
  const flags = system.flags ?? {};
  const { consent, ...named } = flags;
  const hasFlag = Object.values(named).some((f) => f !== undefined) || Object.keys(consent ?? {}).length > 0;
  return Object.keys(system.correctable ?? {}).length > 0 || hasFlag;
}

/**
 * `versioned: true` (connectors/config.ts) marks an S3 system whose bucket keeps versions: erasure must reach every
 * version that holds the subject. Read this way so the code compiles before the schema carries the field.
 */
function isVersioned(system: ConnectedSystemConfig): boolean {
  return 'versioned' in system && (system as { versioned?: unknown }).versioned === true;
}

/**
 * Access to the operator's source systems, derived from the systems config: a system not in the config
 * cannot be read by any function, and each system's erasure strategy bounds what may be written to it
 * (`retain`: nothing; `anonymize`: rewrite only; `delete`: remove). Source tables and buckets are assumed to live in
 * the deployment's account/region.
 */
export function grantSources(fn: lambda.IFunction, systems: SystemsConfig, access: SourceAccess): void {
  const principal = fn.grantPrincipal;
  const allow = (actions: readonly string[], resources: string[], conditions?: Record<string, unknown>) => {
    if (actions.length > 0)
      principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources, conditions }));
  };
  // manual systems are reached by their owners, never by a function: no grant at all
  for (const system of connectedSystems(systems)) {
    const strategy = system.erasure.strategy;
    if (system.type === 'dynamodb') {
      // Built from pseudo parameters, not formatArn: the same text in any region (cdk-nag acknowledgements name it).
      const tableArn = `arn:${Aws.PARTITION}:dynamodb:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/${system.table}`;
      allow(SOURCE_TABLE_LOCATE, [tableArn, `${tableArn}/index/*`]);
      acknowledgeWildcards(
        policyOwner(fn),
        [`${tableArn}/index/*`],
        `The indexes of the configured source table ${system.table} (system ${system.id}), for lookups by identity.`,
      );
      // Once per connector instance: check that the index projects every attribute and is keyed by the identity.
      allow(['dynamodb:DescribeTable'], [tableArn]);
      if (access === 'erase') allow(SOURCE_TABLE_ERASE[strategy], [tableArn]);
      if (access === 'change' && changesSystem(system)) allow(SOURCE_TABLE_CHANGE, [tableArn]);
    } else if (system.type === 'postgres') {
      // What the database lets the user do is the database's grant; here only the way in: its one secret, or IAM auth.
      const { connection } = system;
      if ('local' in connection) continue;
      if ('secret' in connection.auth) allow(['secretsmanager:GetSecretValue'], [secretArn(connection.auth.secret)]);
      else
        allow(
          ['rds-db:connect'],
          [
            `arn:${Aws.PARTITION}:rds-db:${connection.auth.iam.region}:${Aws.ACCOUNT_ID}:dbuser:${connection.auth.iam.resourceId}/${connection.user}`,
          ],
        );
    } else if (system.type === 'http') {
      // an API is reached with its key: the one secret holding it (a local fake's key comes from the twin)
      if (typeof system.baseUrl === 'string') allow(['secretsmanager:GetSecretValue'], [secretArn(system.auth.secret)]);
    } else {
      const bucketArn = `arn:${Aws.PARTITION}:s3:::${system.bucket}`;
      const objectsArn = `${bucketArn}/${system.prefix}*`;
      const underPrefix = { StringLike: { 's3:prefix': [`${system.prefix}*`] } };
      acknowledgeWildcards(
        policyOwner(fn),
        [objectsArn],
        `The objects under the configured prefix of source system ${system.id}: the subject's records may be in any.`,
      );
      const versioned = isVersioned(system);
      allow(versioned ? ['s3:GetObject', 's3:GetObjectVersion'] : ['s3:GetObject'], [objectsArn]);
      allow(versioned ? ['s3:ListBucket', 's3:ListBucketVersions'] : ['s3:ListBucket'], [bucketArn], underPrefix);
      // Whether versions and Object Lock apply: locked records are reported as retained (lock as the reason), never erased.
      allow(['s3:GetBucketVersioning', 's3:GetBucketObjectLockConfiguration'], [bucketArn]);
      allow(['s3:GetObjectRetention', 's3:GetObjectLegalHold'], [objectsArn]);
      if (access === 'erase') {
        const writes = SOURCE_OBJECTS_ERASE[strategy];
        // Every version that holds the subject must go, or the old version keeps what was erased.
        allow(versioned && writes.length > 0 ? [...writes, 's3:DeleteObjectVersion'] : writes, [objectsArn]);
      }
      if (access === 'change' && changesSystem(system)) allow(SOURCE_OBJECTS_CHANGE, [objectsArn]);
    }
  }
}

/** Where the functions that reach source systems run: the subnets and security groups of the databases' VPC. */
export interface SourceVpc {
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
}

/**
 * The VPC placement the Postgres systems ask for (their `connection.vpc`), merged: a function has one VPC
 * configuration, so every such system's subnets must lie in one VPC (CloudFormation refuses subnets of two). Undefined
 * when no system needs one: those functions stay outside any VPC.
 */
export function sourceVpc(systems: SystemsConfig): SourceVpc | undefined {
  const wanted = systems.systems.flatMap((system) =>
    system.type === 'postgres' && 'vpc' in system.connection && system.connection.vpc ? [system.connection.vpc] : [],
  );
  if (wanted.length === 0) return undefined;
  return {
    subnetIds: [...new Set(wanted.flatMap((vpc) => vpc.subnetIds))].sort(),
    securityGroupIds: [...new Set(wanted.flatMap((vpc) => vpc.securityGroupIds))].sort(),
  };
}

/**
 * Puts a function in the source systems' VPC, with the network-interface actions Lambda needs there (what
 * AWSLambdaVPCAccessExecutionRole grants; EC2 offers no narrower resource for them). In that VPC the function reaches
 * AWS only through the VPC's endpoints or NAT: DynamoDB, S3, Secrets Manager, Step Functions must be reachable there.
 */
export function placeInVpc(fn: lambda.Function, vpc: SourceVpc): void {
  (fn.node.defaultChild as lambda.CfnFunction).vpcConfig = {
    subnetIds: vpc.subnetIds,
    securityGroupIds: vpc.securityGroupIds,
  };
  const resources = ['*'];
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources,
    }),
  );
  acknowledgeWildcards(
    policyOwner(fn),
    resources,
    'Lambda creates and removes its network interfaces in the configured subnets: EC2 names no narrower resource.',
  );
}

/**
 * A secret named in the systems configuration: its ARN as given, or, for a name, the ARN Secrets Manager gives it (a
 * name gets six random characters appended, hence the `-??????`: that one secret, not others sharing its prefix).
 */
export function secretArn(secret: string): string {
  if (secret.startsWith('arn:')) return secret;
  return `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${secret}-??????`;
}

/** Any single action on named resources (state machine, secret, SES identity). */
export function grantActions(role: iam.IGrantable, actions: readonly string[], resources: readonly string[]): void {
  role.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...actions], resources: [...resources] }),
  );
}
