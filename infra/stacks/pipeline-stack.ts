import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import { DsarApi } from '../constructs/dsar-api';
import { DsarFunctions } from '../constructs/dsar-functions';
import { InboundMail } from '../constructs/inbound-mail';
import { FUNCTION_SPECS, type FunctionEntry } from '../constructs/function-specs';
import { acknowledgeWildcards } from '../constructs/nag';
import type { EncryptedTable } from '../constructs/grants';
import { buildWorkflow } from '../workflow/definition';
import { SWEEP_METRICS } from '../../functions/core/env';

export interface PipelineStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** the stateful stack's resources */
  readonly requests: EncryptedTable;
  readonly tokens: EncryptedTable;
  readonly suppression: EncryptedTable;
  readonly audit: EncryptedTable;
  readonly logsKey: kms.IKey;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly hashKey: secretsmanager.ISecret;
  /** the edge stack's WebACL (scope CLOUDFRONT, us-east-1) */
  readonly webAclArn: string;
}

/** Namespace of the metrics the functions emit as CloudWatch EMF log lines (no dimensions). */
export const METRICS_NAMESPACE = SWEEP_METRICS.namespace;

/**
 * The stateless half: functions, the workflow, the HTTP API and the mail identity. It holds no data, so it can be
 * destroyed and redeployed at will; everything it writes lives in the stateful stack.
 */
export class PipelineStack extends Stack {
  public readonly functions: DsarFunctions;
  public readonly stateMachine: sfn.StateMachine;
  public readonly api: DsarApi;
  public readonly sender: ses.EmailIdentity;
  public readonly inboundMail: InboundMail;
  /** every alarm notifies it; subscribe a pager, or pass `alarmEmail` */
  public readonly alarmTopic: sns.Topic;

  public constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const verificationWindow = Duration.seconds(Math.max(1, Math.round(config.verificationWindowHours * 3600)));

    this.sender = new ses.EmailIdentity(this, 'Sender', { identity: ses.Identity.email(config.senderEmail) });

    // requests by email: SES stores the raw mail here, then invokes ReceiveMail (infra/constructs/inbound-mail.ts)
    this.inboundMail = new InboundMail(this, 'InboundMail');
    this.functions = new DsarFunctions(this, 'Functions', {
      requests: props.requests,
      tokens: props.tokens,
      suppression: props.suppression,
      audit: props.audit,
      logsKey: props.logsKey,
      connectorConcurrency: config.connectorConcurrency,
      bucket: props.bucket,
      key: props.key,
      inboundMail: this.inboundMail.bucket,
      hashKey: props.hashKey,
      sender: this.sender,
      senderEmail: config.senderEmail,
      systems: config.systems,
      systemsConfigPath: config.systemsConfigPath,
      profilePath: config.profile?.path,
      verificationTtl: verificationWindow,
      downloadTtl: Duration.hours(config.downloadLinkHours),
    });
    const fns = this.functions.byId;
    this.inboundMail.receiveWith(fns.ReceiveMail, config.profile?.profile.intake.emails ?? []);

    this.stateMachine = new sfn.StateMachine(this, 'Workflow', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'DSAR: verify, plan, locate, [erase, confirm], assemble, deliver',
      definitionBody: sfn.DefinitionBody.fromChainable(buildWorkflow(this, { functions: fns })),
      // No top-level TimeoutSeconds: each task has its own, and the local runner's timer overflows on days.
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'WorkflowLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
          encryptionKey: props.logsKey,
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
    this.api = new DsarApi(this, 'Api', { handlers: byEntry, webAclArn: props.webAclArn });

    this.functions.connectStateMachine(this.stateMachine);
    // Mailed links use the protected URL (CloudFront + WAF), never the execute-api endpoint behind it.
    this.functions.connectApi(this.api.url);

    this.acknowledgeWorkflowFindings();
    this.scheduleSweeper(config.sweepMinutes);
    this.scheduleReminders(config.reminderDays);
    this.alarmTopic = this.createAlarmTopic(config.alarmEmail);

    // A request whose execution fails or times out stays in its last status (nothing accepted is lost, nothing is
    // marked done), and the sweeper reports what it cannot recover: someone must look. Every alarm notifies the topic.
    const emf = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SWEEP_METRICS.service },
        period: Duration.minutes(15),
        statistic: 'Maximum',
      });
    for (const [id, metric, description] of [
      [
        'ExecutionsFailedAlarm',
        this.stateMachine.metricFailed().with({ period: Duration.minutes(5), statistic: 'Sum' }),
        'A DSAR workflow execution failed: its request is stuck in its last status until it is redriven.',
      ],
      [
        'ExecutionsTimedOutAlarm',
        this.stateMachine.metricTimedOut().with({ period: Duration.minutes(5), statistic: 'Sum' }),
        'A DSAR workflow execution timed out: its request is stuck in its last status until it is redriven.',
      ],
      [
        'StuckRequestsAlarm',
        emf('StuckRequests'),
        'The sweeper found requests it could not start or redrive: they need a person (GDPR Art. 12(3) clock runs).',
      ],
      [
        'OverdueRequestsAlarm',
        emf('OverdueRequests'),
        'Open requests are past their due date (GDPR Art. 12(3): one month; CCPA §1798.130: 45 days).',
      ],
    ] as const) {
      const alarm = new cloudwatch.Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
    }

    // What an operator needs after `cdk deploy`: where to POST requests, what to watch, what to invoke after a restore.
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL of the DSAR API behind CloudFront and WAF (POST /requests); mailed links use it',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'Every alarm notifies this topic: subscribe a pager, or deploy with --context alarmEmail=…',
    });
    new CfnOutput(this, 'StateMachineArn', {
      value: this.stateMachine.stateMachineArn,
      description: 'The request workflow',
    });
    if (this.inboundMail.ruleSet)
      new CfnOutput(this, 'ReceiptRuleSetName', {
        value: this.inboundMail.ruleSet.receiptRuleSetName,
        description:
          'Requests by email: activate it (aws ses set-active-receipt-rule-set --rule-set-name <this>) once the domain is verified in SES and its MX points at SES',
      });
    new CfnOutput(this, 'ReapplyDeletionsFunction', {
      value: fns.ReapplyDeletions.functionName,
      description: 'After restoring a backup: aws lambda invoke --function-name <this> out.json',
    });
  }

  /** EventBridge Scheduler invokes the sweeper every `minutes`, so nothing stuck or overdue waits for a person to look. */
  private scheduleSweeper(minutes: number): void {
    const sweeper = this.functions.byId.Sweeper;
    const role = new iam.Role(this, 'SweepScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'DSAR: lets EventBridge Scheduler invoke the sweeper, nothing else',
    });
    new scheduler.Schedule(this, 'SweepSchedule', {
      description: 'DSAR: find stuck, overdue and expired requests',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(minutes)),
      // A missed sweep is covered by the next one, so no retries pile up behind a slow one.
      target: new schedulerTargets.LambdaInvoke(sweeper, { role, retryAttempts: 0 }),
    });
    acknowledgeWildcards(
      role,
      [`${sweeper.functionArn}:*`],
      'lambda:InvokeFunction on the sweeper and its versions (`:*`), as the Scheduler target grants it.',
    );
  }

  /**
   * EventBridge Scheduler invokes the operators' reminder once a day at 08:00 UTC (the start of a European working day,
   * before the US one) with `{ withinDays }`: the window is the schedule's input, so a hand-run invoke may pass another.
   */
  private scheduleReminders(withinDays: number): void {
    const remind = this.functions.byId.RemindOperators;
    const role = new iam.Role(this, 'RemindScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: "DSAR: lets EventBridge Scheduler invoke the operators' reminder, nothing else",
    });
    new scheduler.Schedule(this, 'RemindSchedule', {
      description: 'DSAR: mail the operators the requests overdue, due soon or waiting for them',
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '8', timeZone: TimeZone.ETC_UTC }),
      // No retries: a retry after a partial failure would mail the operators who already had the digest again; the
      // next day's digest lists everything still due.
      target: new schedulerTargets.LambdaInvoke(remind, {
        role,
        retryAttempts: 0,
        input: scheduler.ScheduleTargetInput.fromObject({ withinDays }),
      }),
    });
    acknowledgeWildcards(
      role,
      [`${remind.functionArn}:*`],
      "lambda:InvokeFunction on the operators' reminder and its versions (`:*`), as the Scheduler target grants it.",
    );
  }

  /** The topic every alarm notifies, encrypted with a key CloudWatch may use, and an email subscription if asked. */
  private createAlarmTopic(alarmEmail: string | undefined): sns.Topic {
    const key = new kms.Key(this, 'AlarmsKey', {
      description: 'DSAR pipeline: encrypts the alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes to an encrypted topic only if the key lets it (the AWS managed SNS key does not).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'DSAR pipeline alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (alarmEmail !== undefined) topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    return topic;
  }

  /** cdk-nag findings on the workflow's role, each acknowledged with its reason. */
  private acknowledgeWorkflowFindings(): void {
    const role = this.stateMachine.role;
    const acknowledgments = [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray and CloudWatch Logs delivery (CreateLogDelivery, PutResourcePolicy…) take no resource-level permission.',
      },
      ...Object.values(this.functions.byId).map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on the function and its versions (`:*`), as the Lambda task integration grants it.',
      })),
    ];
    Validations.of(role).acknowledge(...acknowledgments);
  }
}
