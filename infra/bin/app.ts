import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, App, Tags, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { readDeploymentConfig } from '../config';
import { EdgeStack } from '../stacks/edge-stack';
import { PipelineStack } from '../stacks/pipeline-stack';
import { StatefulStack } from '../stacks/stateful-stack';

/**
 * The CDK app: a stateful stack (tables, bucket, keys), an edge stack in us-east-1 (the WebACL CloudFront needs) and
 * a pipeline stack (functions, workflow, API behind CloudFront, mail, alarms).
 * Deployment parameters come from CDK context; infra/config.ts documents and validates each one
 * (`senderEmail`, `systemsConfig`, `verificationWindowHours`, `downloadLinkHours`, `exportRetentionDays`,
 * `alarmEmail`, `sweepMinutes`, `reminderDays`, `connectorConcurrency`, `wafRateLimit`), plus `skipBundling` (true: synthesize
 * without running esbuild; the template is complete but the code assets are dummies).
 *
 *   npx cdk deploy --all --context senderEmail=privacy@example.org
 */

export const STACK_IDS = { stateful: 'DsarStateful', edge: 'DsarEdge', pipeline: 'DsarPipeline' } as const;

/** A WebACL for CloudFront must be created in us-east-1, whatever the region of the rest. */
export const EDGE_REGION = 'us-east-1';

/**
 * Region of the stateful and pipeline stacks when the CDK CLI does not name one (it always does: CDK_DEFAULT_REGION
 * from the profile): the in-process synths of the tests and the local twin. Cross-region references (the WebACL's
 * ARN) need a concrete region on both sides.
 */
export const IN_PROCESS_REGION = 'eu-west-1';

/**
 * Feature flags, set in code rather than in cdk.json so that `cdk synth` and the in-process synth used by tests and
 * the local twin produce the same template.
 */
const FEATURE_FLAGS: Record<string, unknown> = {
  // Merge policy statements: a role that reaches many source systems stays under IAM's policy size limit.
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
  // Strong: CloudFormation refuses to delete the stateful stack while the pipeline still uses it. Its resources
  // are retained and never renamed, so the "deadly embrace" of strong references does not bite here.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

export interface BuildAppOptions {
  /** context that wins over cdk.json and the CLI (tests use it to point at other configs or skip bundling) */
  context?: Record<string, unknown>;
  /** where the cloud assembly goes; default: the CLI's choice, else a temp directory */
  outdir?: string;
}

/** Build the app and both stacks. Throws a DsarConfigError when the context or the systems config is invalid. */
export function buildApp(options: BuildAppOptions = {}): App {
  const app = new App({ context: FEATURE_FLAGS, postCliContext: options.context, outdir: options.outdir });
  // `--context skipBundling=true`: synth without esbuild (fast template checks, or before every handler exists).
  // The CLI refuses `aws:`-prefixed context keys, so this is the CLI's way to reach BUNDLING_STACKS.
  const skipBundling = app.node.tryGetContext('skipBundling');
  if (skipBundling === true || skipBundling === 'true') app.node.setContext(cxapi.BUNDLING_STACKS, []);
  const config = readDeploymentConfig(app.node);

  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION ?? IN_PROCESS_REGION;

  const stateful = new StatefulStack(app, STACK_IDS.stateful, {
    description: 'DSAR pipeline: requests, tokens, suppression and audit tables, exports bucket and keys (retained)',
    env: { account, region },
    exportRetentionDays: config.exportRetentionDays,
  });
  const edge = new EdgeStack(app, STACK_IDS.edge, {
    description: 'DSAR pipeline: the WebACL (per-IP rate limit) in front of the API (CloudFront scope: us-east-1)',
    env: { account, region: EDGE_REGION },
    crossRegionReferences: true,
    ratePerFiveMinutes: config.wafRateLimit,
  });
  const pipeline = new PipelineStack(app, STACK_IDS.pipeline, {
    description: 'DSAR pipeline: API behind CloudFront and WAF, functions, workflow and alarms',
    env: { account, region },
    crossRegionReferences: true,
    config,
    requests: { table: stateful.requests, key: stateful.tablesKey },
    tokens: { table: stateful.tokens, key: stateful.tablesKey },
    suppression: { table: stateful.suppression, key: stateful.tablesKey },
    audit: { table: stateful.audit, key: stateful.tablesKey },
    logsKey: stateful.logsKey,
    bucket: stateful.bucket,
    key: stateful.key,
    hashKey: stateful.hashKey,
    webAclArn: edge.webAcl.attrArn,
  });
  if (config.senderIsDefault) {
    Annotations.of(pipeline).addWarningV2(
      'dsar:senderEmail',
      `senderEmail is not set; using ${config.senderEmail}. Pass --context senderEmail=<your address> before deploying.`,
    );
  }
  Tags.of(app).add('dsar:app', 'dsar-pipeline');
  return app;
}

const isEntryPoint = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  const app = buildApp();
  // `cdk synth` and `cdk deploy` fail on any unacknowledged AwsSolutions finding. Imported here only: cdk-nag is a
  // development dependency, and the local twin (installed without them) builds the app through buildApp().
  const { AwsSolutionsChecks } = await import('cdk-nag');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
}
