import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { Aws, Duration, RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ses from 'aws-cdk-lib/aws-ses';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { SystemsConfig } from '../../connectors/config';
import { REPO_ROOT } from '../config';
import {
  COMMON_RUNTIME_ENV,
  FUNCTION_ENV,
  PROFILE_FILE_IN_BUNDLE,
  SYSTEMS_FILE_IN_BUNDLE,
} from '../../functions/core/env';
import { FUNCTION_SPECS, HANDLER_TAG, type FunctionId, type FunctionSpec } from './function-specs';
import {
  type EncryptedTable,
  grantActions,
  grantBucket,
  grantSources,
  placeInVpc,
  sourceVpc,
  grantTable,
  AUDIT_ACTIONS,
  REQUESTS_ACTIONS,
  SUPPRESSION_ACTIONS,
  TOKEN_ACTIONS,
} from './grants';
import { acknowledgeWildcards } from './nag';
import { INBOUND_MAIL_PREFIX } from '../../functions/receive-mail/keys';

export interface DsarFunctionsProps {
  readonly requests: EncryptedTable;
  readonly tokens: EncryptedTable;
  readonly suppression: EncryptedTable;
  /** the audit trail: appended to by every function that writes requests */
  readonly audit: EncryptedTable;
  /** encrypts every function's log group */
  readonly logsKey: kms.IKey;
  /** reserved concurrency of each connector function (LocateSystem, EraseSystem) */
  readonly connectorConcurrency: number;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** where SES stores received mail (infra/constructs/inbound-mail.ts): only ReceiveMail is granted it */
  readonly inboundMail: s3.IBucket;
  readonly hashKey: secretsmanager.ISecret;
  readonly sender: ses.IEmailIdentity;
  readonly senderEmail: string;
  readonly systems: SystemsConfig;
  /** absolute path of the (validated) systems config, copied into the bundles that read it */
  readonly systemsConfigPath: string;
  /** absolute path of the (validated) company profile, copied into the bundles that read it; none: the open profile */
  readonly profilePath?: string;
  readonly verificationTtl: Duration;
  readonly downloadTtl: Duration;
}

/**
 * All Lambda functions, created in one loop from FUNCTION_SPECS. Grants and environment follow from each spec's
 * flags; the two that depend on resources created later (the state machine, the API URL) are wired by
 * `connectStateMachine` and `connectApi`.
 */
export class DsarFunctions extends Construct {
  public readonly byId: Readonly<Record<FunctionId, nodejs.NodejsFunction>>;

  public constructor(scope: Construct, id: string, props: DsarFunctionsProps) {
    super(scope, id);
    const entries = FUNCTION_SPECS.map((spec) => [spec.id, this.createFunction(spec, props)] as const);
    this.byId = Object.fromEntries(entries) as Record<FunctionId, nodejs.NodejsFunction>;
  }

  /**
   * StartExecution for the functions that start workflows; DescribeExecution, on this machine's executions only, for
   * the sweeper that finds requests whose run failed or never started.
   */
  public connectStateMachine(stateMachine: sfn.StateMachine): void {
    const executions = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${stateMachine.stateMachineName}:*`;
    for (const spec of FUNCTION_SPECS as readonly FunctionSpec[]) {
      const fn = this.byId[spec.id as FunctionId];
      if (spec.startsWorkflow) {
        grantActions(fn, ['states:StartExecution'], [stateMachine.stateMachineArn]);
        fn.addEnvironment(FUNCTION_ENV.STATE_MACHINE_ARN, stateMachine.stateMachineArn);
      }
      if (spec.answersTasks) {
        // A policy of its own, not the role's default one: the function must not depend on the state machine that
        // invokes it (the default policy is a dependency of the function: a cycle).
        new iam.Policy(this, `${spec.id}AnswersTasks`, {
          roles: fn.role ? [fn.role] : [],
          statements: [
            new iam.PolicyStatement({
              actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
              resources: [stateMachine.stateMachineArn],
            }),
          ],
        });
      }
      if (spec.describesExecutions) {
        grantActions(fn, ['states:DescribeExecution'], [executions]);
        acknowledgeWildcards(
          fn.role ?? fn,
          [executions],
          "This state machine's executions: their names are request ids, unknown at deploy time.",
        );
      }
    }
  }

  /** The API's base URL, for the functions that put links in mail. */
  public connectApi(apiUrl: string): void {
    for (const spec of FUNCTION_SPECS as readonly FunctionSpec[]) {
      if (spec.linksToApi) this.byId[spec.id as FunctionId].addEnvironment(FUNCTION_ENV.API_URL, apiUrl);
    }
  }

  private createFunction(spec: FunctionSpec, props: DsarFunctionsProps): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${spec.id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.logsKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of its own with no managed policy: AWSLambdaBasicExecutionRole would let it write to any log group.
    const role = new iam.Role(this, `${spec.id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `DSAR ${spec.id}: least privilege, derived from its function spec`,
    });
    grantActions(role, ['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn]);
    const fn = new nodejs.NodejsFunction(this, spec.id, {
      description: `DSAR: ${spec.purpose}`.slice(0, 256),
      // Always the real handler: a missing one fails the synth loudly (every handler exists; none is optional).
      entry: resolve(REPO_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: resolve(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      // Connectors reach the operator's own systems: verified requests must not multiply load on them without bound.
      reservedConcurrentExecutions: spec.connector ? props.connectorConcurrency : undefined,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      environment: environmentFor(spec, props),
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        // Bundle the AWS SDK too: the versions tested are the versions deployed.
        externalModules: [],
        commandHooks: copyConfiguration([
          ...(spec.readsSystemsConfig ? [{ from: props.systemsConfigPath, as: 'systems.json' }] : []),
          ...(spec.readsProfile && props.profilePath ? [{ from: props.profilePath, as: 'profile.json' }] : []),
        ]),
      },
    });
    // Only on the function itself (not its role or log group): the twin finds handler modules through this tag.
    Tags.of(fn).add(HANDLER_TAG, spec.entry, { includeResourceTypes: ['AWS::Lambda::Function'] });

    if (spec.table) grantTable(fn, props.requests, REQUESTS_ACTIONS[spec.table]);
    if (writesRequests(spec)) grantTable(fn, props.audit, AUDIT_ACTIONS);
    if (spec.tokens) grantTable(fn, props.tokens, [...new Set(spec.tokens.map((use) => TOKEN_ACTIONS[use]))]);
    if (spec.suppression) grantTable(fn, props.suppression, SUPPRESSION_ACTIONS[spec.suppression]);
    if (spec.bucket) grantBucket(fn, props.bucket, props.key, spec.bucket);
    if (spec.receivesMail) {
      const inbound = props.inboundMail.arnForObjects(`${INBOUND_MAIL_PREFIX}*`);
      grantActions(fn, ['s3:GetObject', 's3:DeleteObject'], [inbound]);
      acknowledgeWildcards(
        role,
        [inbound],
        'Raw mail under the inbound-mail/ prefix: its keys are SES message ids, unknown at deploy time.',
      );
    }
    if (spec.sources) grantSources(fn, props.systems, spec.sources);
    const vpc = spec.sources ? sourceVpc(props.systems) : undefined;
    if (vpc) placeInVpc(fn, vpc);
    if (spec.hashesIdentities) grantActions(fn, ['secretsmanager:GetSecretValue'], [props.hashKey.secretArn]);
    if (spec.sendsMail) grantActions(fn, ['ses:SendEmail'], [props.sender.emailIdentityArn]);
    if (spec.readsWebhookSecrets) grantWebhookSecrets(fn, role, props.systems);
    acknowledgeFunctionFindings(fn, role);
    return fn;
  }
}

/** Whether a function may change request records, so that its repository records the changes in the audit trail. */
function writesRequests(spec: FunctionSpec): boolean {
  return spec.table === 'readWrite' || spec.table === 'readWriteScan';
}

function environmentFor(spec: FunctionSpec, props: DsarFunctionsProps): Record<string, string> {
  const env: Record<string, string> = {
    ...COMMON_RUNTIME_ENV,
    [FUNCTION_ENV.BUCKET]: props.bucket.bucketName,
    [FUNCTION_ENV.VERIFICATION_TTL_SECONDS]: String(props.verificationTtl.toSeconds()),
    [FUNCTION_ENV.DOWNLOAD_TTL_SECONDS]: String(props.downloadTtl.toSeconds()),
  };
  // Each table's name only where the function is granted that table: a missing name fails at cold start, loudly.
  if (spec.table) env[FUNCTION_ENV.TABLE] = props.requests.table.tableName;
  if (spec.tokens) env[FUNCTION_ENV.TOKENS_TABLE] = props.tokens.table.tableName;
  if (spec.suppression) env[FUNCTION_ENV.SUPPRESSION_TABLE] = props.suppression.table.tableName;
  if (writesRequests(spec)) env[FUNCTION_ENV.AUDIT_TABLE] = props.audit.table.tableName;
  if (spec.sendsMail) env[FUNCTION_ENV.SENDER] = props.senderEmail;
  if (spec.readsSystemsConfig) env[FUNCTION_ENV.SYSTEMS_FILE] = SYSTEMS_FILE_IN_BUNDLE;
  if (spec.readsProfile && props.profilePath) env[FUNCTION_ENV.PROFILE_FILE] = PROFILE_FILE_IN_BUNDLE;
  if (spec.hashesIdentities) env[FUNCTION_ENV.HASH_KEY_SECRET_ARN] = props.hashKey.secretArn;
  if (spec.receivesMail) env[FUNCTION_ENV.INBOUND_MAIL_BUCKET] = props.inboundMail.bucketName;
  // an agent's upload policy requires SSE-KMS under the bucket's own key (s3-agent-documents.ts)
  if (spec.bucket?.write?.includes('agent-documents/')) env[FUNCTION_ENV.BUCKET_KEY_ARN] = props.key.keyArn;
  return env;
}

/**
 * GetSecretValue on exactly the webhook secrets the systems config names (a recipient's `notify.webhook.secret`, or a
 * system owner's): a name gets Secrets Manager's six-character suffix (`<name>-??????`), an ARN is used as it is.
 */
function grantWebhookSecrets(fn: nodejs.NodejsFunction, role: iam.Role, systems: SystemsConfig): void {
  const contacts = [
    ...(systems.recipients ?? []).map((r) => r.notify),
    ...systems.systems.map((s) => s.owner?.contact),
  ];
  const names = [...new Set(contacts.flatMap((c) => (c && 'webhook' in c ? [c.webhook.secret] : [])))].sort();
  if (names.length === 0) return;
  const arns = names.map((name) =>
    name.startsWith('arn:')
      ? name
      : `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${name}-??????`,
  );
  grantActions(fn, ['secretsmanager:GetSecretValue'], arns);
  acknowledgeWildcards(
    role,
    arns.filter((a) => a.endsWith('-??????')),
    'A named webhook secret: Secrets Manager appends six random characters to a secret name in its ARN.',
  );
}

/** cdk-nag findings every function raises by design, each acknowledged with its reason next to the function. */
function acknowledgeFunctionFindings(fn: nodejs.NodejsFunction, role: iam.Role): void {
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Pinned to nodejs22.x on purpose: bundling targets node22 and the tests and the local twin run on it, so the ' +
      'runtime deployed is the runtime tested. Moving on is a deliberate change, not a side effect of a synth.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray PutTraceSegments/PutTelemetryRecords take no resource-level permission (tracing is on).',
  });
}

/**
 * Copy configuration files into the bundle (the systems config as systems.json, the company profile as profile.json:
 * the functions read DSAR_SYSTEMS_FILE and DSAR_PROFILE_FILE at cold start). A file inside the project is addressed
 * through `inputDir`, so the hook works in Docker bundling too. No files: no hooks.
 */
function copyConfiguration(files: readonly { from: string; as: string }[]): nodejs.ICommandHooks | undefined {
  if (files.length === 0) return undefined;
  const source = (inputDir: string, path: string) => {
    const inProject = relative(REPO_ROOT, path);
    const isInside = !inProject.startsWith('..') && !isAbsolute(inProject);
    return isInside ? posix.join(inputDir, inProject.split(sep).join(posix.sep)) : path;
  };
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) =>
      files.map((file) => `cp "${source(inputDir, file.from)}" "${outputDir}/${file.as}"`),
  };
}
