import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import { DsarApi } from '../constructs/dsar-api';
import { DsarFunctions } from '../constructs/dsar-functions';
import { FUNCTION_SPECS, type FunctionEntry } from '../constructs/function-specs';
import { buildWorkflow } from '../workflow/definition';

export interface PipelineStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** the stateful stack's resources */
  readonly table: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly hashKey: secretsmanager.ISecret;
}

/**
 * The stateless half: functions, the workflow, the HTTP API and the mail identity. It holds no data, so it can be
 * destroyed and redeployed at will; everything it writes lives in the stateful stack.
 */
export class PipelineStack extends Stack {
  public readonly functions: DsarFunctions;
  public readonly stateMachine: sfn.StateMachine;
  public readonly api: DsarApi;
  public readonly sender: ses.EmailIdentity;

  public constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const verificationWindow = Duration.seconds(Math.max(1, Math.round(config.verificationWindowHours * 3600)));

    this.sender = new ses.EmailIdentity(this, 'Sender', { identity: ses.Identity.email(config.senderEmail) });

    this.functions = new DsarFunctions(this, 'Functions', {
      table: props.table,
      bucket: props.bucket,
      key: props.key,
      hashKey: props.hashKey,
      sender: this.sender,
      senderEmail: config.senderEmail,
      systems: config.systems,
      systemsConfigPath: config.systemsConfigPath,
      verificationTtl: verificationWindow,
      downloadTtl: Duration.hours(config.downloadLinkHours),
    });
    const fns = this.functions.byId;

    this.stateMachine = new sfn.StateMachine(this, 'Workflow', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'DSAR: verify, plan, locate, [erase, confirm], assemble, deliver',
      definitionBody: sfn.DefinitionBody.fromChainable(buildWorkflow(this, { functions: fns })),
      // No top-level TimeoutSeconds: each task has its own, and the local runner's timer overflows on days.
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'WorkflowLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
        // State payloads stay out of the logs (they hold no personal data, but logs are not where they belong).
        includeExecutionData: false,
      },
    });

    const byEntry = (entry: FunctionEntry) => {
      const spec = FUNCTION_SPECS.find((s) => s.entry === entry);
      if (!spec) throw new Error(`API route names ${entry}, which no function spec serves`);
      return fns[spec.id];
    };
    this.api = new DsarApi(this, 'Api', { handlers: byEntry });

    this.functions.connectStateMachine(this.stateMachine);
    this.functions.connectApi(this.api.url);

    // A request whose execution fails or times out stays in its last status (nothing accepted is lost, nothing is
    // marked done): someone must look. Alarm on any such execution; subscribe an SNS topic or pager to these.
    for (const [id, metric, what] of [
      ['ExecutionsFailedAlarm', this.stateMachine.metricFailed(), 'failed'],
      ['ExecutionsTimedOutAlarm', this.stateMachine.metricTimedOut(), 'timed out'],
    ] as const) {
      new cloudwatch.Alarm(this, id, {
        metric: metric.with({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `A DSAR workflow execution ${what}: its request is stuck in its last status until someone re-drives it.`,
      });
    }

    // What an operator needs after `cdk deploy`: where to POST requests, what to watch, what to invoke after a restore.
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL of the DSAR HTTP API (POST /requests)',
    });
    new CfnOutput(this, 'StateMachineArn', {
      value: this.stateMachine.stateMachineArn,
      description: 'The request workflow',
    });
    new CfnOutput(this, 'ReapplyDeletionsFunction', {
      value: fns.ReapplyDeletions.functionName,
      description: 'After restoring a backup: aws lambda invoke --function-name <this> out.json',
    });
  }
}
