import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, App, Tags } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { readDeploymentConfig } from '../config';
import { PipelineStack } from '../stacks/pipeline-stack';
import { StatefulStack } from '../stacks/stateful-stack';

/**
 * The CDK app: a stateful stack (table, bucket, keys) and a pipeline stack (functions, workflow, API, mail).
 * Deployment parameters come from CDK context; infra/config.ts documents and validates each one
 * (`senderEmail`, `systemsConfig`, `verificationWindowHours`, `downloadLinkHours`, `exportRetentionDays`), plus
 * `skipBundling` (true: synthesize without running esbuild; the template is complete but the code assets are dummies).
 *
 *   npx cdk deploy --all --context senderEmail=privacy@example.org
 */

export const STACK_IDS = { stateful: 'DsarStateful', pipeline: 'DsarPipeline' } as const;

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

  const stateful = new StatefulStack(app, STACK_IDS.stateful, {
    description: 'DSAR pipeline: requests table, exports bucket and keys (retained)',
    exportRetentionDays: config.exportRetentionDays,
  });
  const pipeline = new PipelineStack(app, STACK_IDS.pipeline, {
    description: 'DSAR pipeline: HTTP API, functions and workflow',
    config,
    table: stateful.table,
    bucket: stateful.bucket,
    key: stateful.key,
    hashKey: stateful.hashKey,
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
  buildApp().synth();
}
