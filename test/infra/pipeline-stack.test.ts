import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../infra/constructs/api-routes';
import { FUNCTION_ENV } from '../../functions/core/env';
import { FUNCTION_SPECS, HANDLER_TAG } from '../../infra/constructs/function-specs';
import {
  actionsOf,
  type CfnResource,
  functionIdFor,
  resourcesOf,
  statementsOfFunction,
  statementsOfRole,
  synthStacks,
  type Resources,
} from './support';

const BASE = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'logs:CreateLogStream', 'logs:PutLogEvents'];
const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const TABLE_WRITE = [...TABLE_READ, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
const KMS_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const KMS_WRITE = [...KMS_READ, 'kms:Encrypt', 'kms:GenerateDataKey'];
const BUCKET_READ = ['s3:GetObject', 's3:ListBucket', 'kms:Decrypt'];
const BUCKET_WRITE = ['s3:PutObject', 's3:AbortMultipartUpload', 'kms:Decrypt', 'kms:GenerateDataKey'];
const SOURCES_LOCATE = [
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:GetItem',
  'dynamodb:DescribeTable',
  's3:GetObject',
  's3:ListBucket',
  's3:GetBucketVersioning',
  's3:GetBucketObjectLockConfiguration',
  's3:GetObjectRetention',
  's3:GetObjectLegalHold',
];
/** The demo systems are both `delete`: a table (no UpdateItem) and objects. */
const SOURCES_ERASE = [
  ...SOURCES_LOCATE,
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  's3:PutObject',
  's3:DeleteObject',
];
/** Changes in the demo systems: customers' attributes rewritten in place; clickstream objects rewritten whole. */
const SOURCES_CHANGE = [...SOURCES_LOCATE, 'dynamodb:UpdateItem', 's3:PutObject'];
const MAIL = 'ses:SendEmail';
const SECRET = 'secretsmanager:GetSecretValue';
const ANSWER_TASKS = ['states:SendTaskSuccess', 'states:SendTaskFailure'];

/** Written out by hand (not derived from FUNCTION_SPECS) so a loosened spec shows up here as a failure. */
const EXPECTED_ACTIONS: Record<string, string[]> = {
  'functions/submit-request/handler.ts': [
    ...BASE,
    ...TABLE_WRITE,
    ...KMS_WRITE,
    MAIL,
    SECRET,
    // opt-outs of sale/sharing need no verification (CCPA regs §7026(d)): their execution starts at intake
    'states:StartExecution',
    // an agent's document must have been uploaded (HeadObject; ListBucket makes a missing key 404, not 403)
    ...BUCKET_READ,
  ],
  // the privacy center: the intake's grants, the status page's token check, and the agent's presigned POST (signed
  // with this role, so it may put under agent-documents/ and nowhere else)
  'functions/privacy-center/handler.ts': [
    ...BASE,
    ...TABLE_WRITE,
    ...KMS_WRITE,
    MAIL,
    SECRET,
    'states:StartExecution',
    ...BUCKET_READ,
    ...BUCKET_WRITE,
  ],
  // the same intake as POST /requests, from a raw mail it reads and deletes under inbound-mail/ (no agents' documents)
  'functions/receive-mail/handler.ts': [
    ...BASE,
    ...TABLE_WRITE,
    ...KMS_WRITE,
    MAIL,
    SECRET,
    'states:StartExecution',
    's3:GetObject',
    's3:DeleteObject',
  ],
  // signs the presigned POST of an agent's document: may put (SSE-KMS) under its prefix, and nothing else
  'functions/agent-documents/handler.ts': [...BASE, ...BUCKET_WRITE],
  // the pages' stylesheet and scripts: touches no data at all
  'functions/assets/handler.ts': [...BASE],
  'functions/get-request/handler.ts': [...BASE, ...TABLE_READ, ...KMS_READ],
  // the OpenAPI document is built from the code: it touches no data
  'functions/openapi/handler.ts': [...BASE],
  'functions/verify-identity/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, 'states:StartExecution'],
  'functions/download/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, ...BUCKET_READ],
  // a denial where the law gives an appeal carries a single-use appeal link (a token it issues)
  'functions/decide-request/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, MAIL, 'dynamodb:PutItem'],
  // an appeal is recorded and its workflow started
  'functions/appeal-request/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, 'states:StartExecution'],
  // a held request's task answered at once when an operator settled it before the (restarted) task stored its token
  'functions/hold-request/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, MAIL, ...ANSWER_TASKS],
  'functions/plan-request/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE],
  'functions/resolve-identities/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, ...SOURCES_LOCATE],
  'functions/locate-system/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, ...BUCKET_WRITE, ...SOURCES_LOCATE],
  'functions/erase-system/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, ...SOURCES_ERASE, SECRET],
  'functions/change-system/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, ...SOURCES_CHANGE],
  'functions/assemble-export/handler.ts': [
    ...BASE,
    ...TABLE_WRITE,
    ...KMS_WRITE,
    ...BUCKET_READ,
    ...BUCKET_WRITE,
    's3:DeleteObject',
  ],
  'functions/assemble-receipt/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, ...BUCKET_WRITE, SECRET],
  'functions/deliver/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, MAIL],
  'functions/mark-attention/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE],
  // the demo config names no webhook, so no secret: see test/infra/grants.test.ts for a config that does
  'functions/notify-recipient/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, MAIL, ...ANSWER_TASKS],
  // a manual system's owner sends the records of an access request: they become that system's part
  'functions/answer-notice/handler.ts': [...BASE, ...TABLE_WRITE, ...KMS_WRITE, ...BUCKET_WRITE, ...ANSWER_TASKS],
  'functions/sweep/handler.ts': [
    ...BASE,
    ...TABLE_WRITE,
    'dynamodb:Scan',
    ...KMS_WRITE,
    'states:StartExecution',
    'states:DescribeExecution',
    // lifting an announced restriction (GDPR Art. 18(3)) clears a flag in the source systems
    ...SOURCES_CHANGE,
  ],
  // verifies the session JWT against Cognito's public keys: touches nothing of the pipeline
  'functions/console-authorizer/handler.ts': [...BASE],
  // the queue and metrics Scan; the decisions write a request, mail the subject (a denial's appeal link is a token it
  // issues), answer the held task; a retry looks up the failed run and starts a new one
  'functions/console/handler.ts': [
    ...BASE,
    ...TABLE_WRITE,
    'dynamodb:Scan',
    ...KMS_WRITE,
    MAIL,
    'dynamodb:PutItem',
    'states:StartExecution',
    'states:DescribeExecution',
    ...ANSWER_TASKS,
  ],
  // reads every request (Scan) and writes none: no table writes, no audit trail, no KMS Encrypt
  'functions/remind-operators/handler.ts': [...BASE, ...TABLE_READ, 'dynamodb:Scan', ...KMS_READ, MAIL],
  'functions/reapply-deletions/handler.ts': [
    ...BASE,
    ...TABLE_READ,
    'dynamodb:Scan',
    ...KMS_READ,
    ...SOURCES_ERASE,
    SECRET,
  ],
};

type Table = 'Requests' | 'Tokens' | 'Suppression' | 'Audit';
const TABLES = ['Requests', 'Tokens', 'Suppression', 'Audit'] as const;
/**
 * Exact DynamoDB actions per function per pipeline table; a function not listed for a table has none on it. Tokens:
 * only those that issue (PutItem), check (GetItem) or consume (UpdateItem) tokens. Suppression: erase-system adds
 * (UpdateItem, nothing else), reapply-deletions reads and scans. Audit: every function that writes requests appends
 * (PutItem) and reads the chain's head (GetItem, Query) — never UpdateItem or DeleteItem.
 */
const RW = TABLE_WRITE;
const AUDIT = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const EXPECTED_TABLE_ACTIONS: Record<string, Partial<Record<Table, string[]>>> = {
  SubmitRequest: { Requests: RW, Tokens: ['dynamodb:PutItem'], Audit: AUDIT },
  ReceiveMail: { Requests: RW, Tokens: ['dynamodb:PutItem'], Audit: AUDIT },
  GetRequest: { Requests: TABLE_READ, Tokens: ['dynamodb:GetItem'] },
  PrivacyCenter: { Requests: RW, Tokens: ['dynamodb:PutItem', 'dynamodb:GetItem'], Audit: AUDIT },
  AgentDocuments: {},
  Assets: {},
  OpenApi: {},
  VerifyIdentity: { Requests: RW, Tokens: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Audit: AUDIT },
  Download: { Requests: RW, Tokens: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'], Audit: AUDIT },
  DecideRequest: { Requests: RW, Tokens: ['dynamodb:PutItem'], Audit: AUDIT },
  AppealRequest: { Requests: RW, Tokens: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Audit: AUDIT },
  HoldRequest: { Requests: RW, Audit: AUDIT },
  PlanRequest: { Requests: RW, Audit: AUDIT },
  ResolveIdentities: { Requests: RW, Audit: AUDIT },
  LocateSystem: { Requests: RW, Audit: AUDIT },
  EraseSystem: { Requests: RW, Suppression: ['dynamodb:UpdateItem'], Audit: AUDIT },
  ChangeSystem: { Requests: RW, Audit: AUDIT },
  AssembleExport: { Requests: RW, Audit: AUDIT },
  AssembleReceipt: { Requests: RW, Audit: AUDIT },
  Deliver: { Requests: RW, Tokens: ['dynamodb:PutItem'], Audit: AUDIT },
  MarkAttention: { Requests: RW, Audit: AUDIT },
  NotifyRecipient: { Requests: RW, Tokens: ['dynamodb:PutItem'], Audit: AUDIT },
  AnswerNotice: { Requests: RW, Tokens: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Audit: AUDIT },
  ConsoleAuthorizer: {},
  Console: { Requests: [...RW, 'dynamodb:Scan'], Tokens: ['dynamodb:PutItem'], Audit: AUDIT },
  Sweeper: { Requests: [...RW, 'dynamodb:Scan'], Audit: AUDIT },
  RemindOperators: { Requests: [...TABLE_READ, 'dynamodb:Scan'] },
  ReapplyDeletions: { Suppression: [...TABLE_READ, 'dynamodb:Scan'] },
};

/** Actions of `entry` on the stateful stack's resource whose logical id starts with `logicalIdPrefix`. */
function actionsOnImported(resources: Resources, entry: string, logicalIdPrefix: string): string[] {
  const marker = `ExportsOutputFnGetAtt${logicalIdPrefix}`;
  return [
    ...new Set(
      statementsOfFunction(resources, entry)
        .filter((s) => s.resources.some((r) => r.includes(marker)))
        .flatMap((s) => s.actions),
    ),
  ].sort();
}

/** The EventBridge Scheduler schedule whose target is the function with logical id `functionId`. */
interface ScheduleResource {
  Properties: {
    ScheduleExpression: string;
    ScheduleExpressionTimezone?: string;
    Target: { Arn: unknown; Input?: string; RoleArn: { 'Fn::GetAtt': [string, string] } };
  };
}
function scheduleOf(template: Template, functionId: string): ScheduleResource | undefined {
  const target = JSON.stringify({ 'Fn::GetAtt': [functionId, 'Arn'] });
  return (Object.values(template.findResources('AWS::Scheduler::Schedule')) as ScheduleResource[]).find(
    (schedule) => JSON.stringify(schedule.Properties.Target.Arn) === target,
  );
}

/** Resources of the statements of `entry` that grant `action`. */
function resourcesFor(resources: Resources, entry: string, action: string): string[] {
  return statementsOfFunction(resources, entry)
    .filter((s) => s.actions.includes(action))
    .flatMap((s) => s.resources);
}

describe('Class: PipelineStack', () => {
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    template = synthStacks().pipeline;
    resources = resourcesOf(template);
  }, 60_000);

  describe('Method: constructor (functions)', () => {
    it('runs every function on nodejs22.x, arm64, traced', () => {
      // Prepare & Act (CDK's own providers, e.g. the cross-region export reader, carry no handler tag)
      const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((fn) =>
        ((fn.Properties.Tags ?? []) as { Key: string }[]).some((t) => t.Key === HANDLER_TAG),
      );

      // Assess
      expect(functions).toHaveLength(FUNCTION_SPECS.length);
      for (const fn of functions) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
        });
      }
    });

    it('tags every function with its handler module', () => {
      // Prepare & Act
      const ids = FUNCTION_SPECS.map((spec) => functionIdFor(resources, spec.entry));

      // Assess
      expect(new Set(ids).size).toBe(FUNCTION_SPECS.length);
    });

    it('gives the state machine ARN to its starters only and the systems file to the config readers', () => {
      // Prepare
      const envOf = (entry: string) => {
        const fn = resources[functionIdFor(resources, entry)];
        if (!fn) throw new Error(`no function for ${entry}`);
        return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      };

      // Act
      const withArn = FUNCTION_SPECS.filter((s) => FUNCTION_ENV.STATE_MACHINE_ARN in envOf(s.entry)).map(
        (s) => s.entry,
      );
      const withSystems = FUNCTION_SPECS.filter(
        (s) => envOf(s.entry)[FUNCTION_ENV.SYSTEMS_FILE] === '/var/task/systems.json',
      );

      // Assess
      expect(withArn).toEqual([
        'functions/submit-request/handler.ts',
        'functions/receive-mail/handler.ts',
        'functions/privacy-center/handler.ts',
        'functions/verify-identity/handler.ts',
        'functions/appeal-request/handler.ts',
        'functions/console/handler.ts',
        'functions/sweep/handler.ts',
      ]);
      expect(withSystems.map((s) => s.id).sort()).toEqual([
        'AnswerNotice',
        'AssembleExport',
        'AssembleReceipt',
        'ChangeSystem',
        'EraseSystem',
        'LocateSystem',
        'NotifyRecipient',
        'PlanRequest',
        'PrivacyCenter',
        'ReapplyDeletions',
        'ReceiveMail',
        'ResolveIdentities',
        'SubmitRequest',
        'Sweeper',
      ]);
      expect(envOf('functions/deliver/handler.ts')).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'dsar',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(envOf('functions/deliver/handler.ts')[FUNCTION_ENV.API_URL]).toBeDefined();
    });

    it('names each table only to the functions granted it', () => {
      // Prepare
      const holders = (name: string) =>
        FUNCTION_SPECS.filter((s) => {
          const fn = resources[functionIdFor(resources, s.entry)] as CfnResource;
          return name in (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        })
          .map((s) => s.id)
          .sort();

      // Act & Assess
      expect(holders(FUNCTION_ENV.TOKENS_TABLE)).toEqual([
        'AnswerNotice',
        'AppealRequest',
        'Console',
        'DecideRequest',
        'Deliver',
        'Download',
        'GetRequest',
        'NotifyRecipient',
        'PrivacyCenter',
        'ReceiveMail',
        'SubmitRequest',
        'VerifyIdentity',
      ]);
      expect(holders(FUNCTION_ENV.SUPPRESSION_TABLE)).toEqual(['EraseSystem', 'ReapplyDeletions']);
      expect(holders(FUNCTION_ENV.TABLE)).not.toContain('ReapplyDeletions');
      expect(holders(FUNCTION_ENV.AUDIT_TABLE)).toEqual(
        Object.entries(EXPECTED_TABLE_ACTIONS)
          .filter(([, tables]) => tables.Audit !== undefined)
          .map(([id]) => id)
          .sort(),
      );
    });

    it('reserves concurrency for the connector functions only, connectorConcurrency each', () => {
      // Prepare
      const reserved = (r: Resources) =>
        Object.fromEntries(
          FUNCTION_SPECS.map((s) => [
            s.id,
            r[functionIdFor(r, s.entry)]?.Properties.ReservedConcurrentExecutions,
          ]).filter(([, v]) => v !== undefined),
        );

      // Act
      const byDefault = reserved(resources);
      const configured = reserved(resourcesOf(synthStacks({ connectorConcurrency: 3 }).pipeline));

      // Assess
      expect(byDefault).toEqual({ ResolveIdentities: 10, LocateSystem: 10, EraseSystem: 10, ChangeSystem: 10 });
      expect(configured).toEqual({ ResolveIdentities: 3, LocateSystem: 3, EraseSystem: 3, ChangeSystem: 3 });
    });

    it("encrypts every log group (functions and workflow) with the stateful stack's logs key", () => {
      // Prepare & Act
      const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));

      // Assess
      expect(groups).toHaveLength(FUNCTION_SPECS.length + 1);
      for (const group of groups) expect(JSON.stringify(group.Properties.KmsKeyId)).toContain('GetAttLogsKey');
    });
  });

  describe('Method: constructor (grants)', () => {
    it('has an expectation for every function', () => {
      // Prepare & Act & Assess
      expect(Object.keys(EXPECTED_ACTIONS).sort()).toEqual(FUNCTION_SPECS.map((s) => s.entry).sort());
      expect(Object.keys(EXPECTED_TABLE_ACTIONS).sort()).toEqual(FUNCTION_SPECS.map((s) => s.id).sort());
    });

    it.each(FUNCTION_SPECS.flatMap((spec) => TABLES.map((table) => [spec.id, table, spec.entry] as const)))(
      'grants %s exactly the actions it needs on the %s table',
      (id, table, entry) => {
        // Prepare
        const expected = [...(EXPECTED_TABLE_ACTIONS[id]?.[table] ?? [])].sort();

        // Act
        const actual = actionsOnImported(resources, entry, table);

        // Assess
        expect(actual).toEqual(expected);
      },
    );

    it('lets no function change or remove an audit event: the trail is append-only by its grants', () => {
      // Prepare
      const roles = Object.keys(resources).filter((id) => resources[id]?.Type === 'AWS::IAM::Role');

      // Act
      const onAudit = roles
        .flatMap((role) => statementsOfRole(resources, role))
        .filter((s) => s.resources.some((r) => r.includes('ExportsOutputFnGetAttAudit')));
      const actions = [...new Set(onAudit.flatMap((s) => s.actions))].sort();

      // Assess
      expect(onAudit.length).toBeGreaterThan(0);
      expect(actions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
      expect(actions.some((a) => /UpdateItem|DeleteItem|BatchWriteItem|\*/.test(a))).toBe(false);
    });

    it.each(Object.entries(EXPECTED_ACTIONS))('grants %s exactly the actions it needs', (entry, expected) => {
      // Prepare & Act
      const actual = actionsOf(statementsOfFunction(resources, entry));

      // Assess
      expect([...actual].sort()).toEqual([...new Set(expected)].sort());
    });

    it('never grants Resource * except for X-Ray and log delivery', () => {
      // Prepare
      const roles = Object.keys(resources).filter((id) => resources[id]?.Type === 'AWS::IAM::Role');
      const exempt = (action: string) =>
        action.startsWith('xray:') ||
        /^logs:.*(LogDelivery|LogDeliveries|ResourcePolic|DescribeLogGroups)/.test(action);

      // Act
      const wildcard = roles
        .flatMap((role) => statementsOfRole(resources, role))
        .filter((s) => s.resources.includes('*'));

      // Assess
      expect(wildcard.length).toBeGreaterThan(0);
      for (const statement of wildcard) expect(statement.actions.every(exempt), statement.actions.join()).toBe(true);
    });

    it('scopes bucket access by prefix: download reads exports/receipts, locate writes parts, assemble writes its own prefix', () => {
      // Prepare & Act
      const downloadReads = resourcesFor(resources, 'functions/download/handler.ts', 's3:GetObject');
      const locateWrites = resourcesFor(resources, 'functions/locate-system/handler.ts', 's3:PutObject');
      const exportWrites = resourcesFor(resources, 'functions/assemble-export/handler.ts', 's3:PutObject');
      const receiptWrites = resourcesFor(resources, 'functions/assemble-receipt/handler.ts', 's3:PutObject');
      const exportDeletes = resourcesFor(resources, 'functions/assemble-export/handler.ts', 's3:DeleteObject');

      // Assess
      expect(downloadReads.map((r) => r.match(/"\/(\w+)\/\*"/)?.[1]).sort()).toEqual(['exports', 'receipts']);
      expect(locateWrites.filter((r) => r.includes('"/parts/*"'))).toHaveLength(1);
      expect(locateWrites.some((r) => r.includes('exports') || r.includes('receipts'))).toBe(false);
      expect(exportWrites).toHaveLength(1);
      expect(exportWrites[0]).toContain('"/exports/*"');
      expect(receiptWrites).toHaveLength(1);
      expect(receiptWrites[0]).toContain('"/receipts/*"');
      expect(exportDeletes).toHaveLength(1);
      expect(exportDeletes[0]).toContain('"/parts/*"');
    });

    it("confines agents' documents to their prefix: the upload signer writes only there, intake reads only there", () => {
      // Prepare & Act
      const uploadWrites = resourcesFor(resources, 'functions/agent-documents/handler.ts', 's3:PutObject');
      const intakeReads = resourcesFor(resources, 'functions/submit-request/handler.ts', 's3:GetObject');
      const uploadReads = resourcesFor(resources, 'functions/agent-documents/handler.ts', 's3:GetObject');

      // Assess
      expect(uploadWrites).toHaveLength(1);
      expect(uploadWrites[0]).toContain('"/agent-documents/*"');
      expect(intakeReads).toHaveLength(1);
      expect(intakeReads[0]).toContain('"/agent-documents/*"');
      expect(uploadReads).toHaveLength(0);
    });

    it("gives the upload signer the bucket key's ARN, which its POST policy requires (SSE-KMS)", () => {
      // Prepare
      const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
        JSON.stringify(f.Properties.Tags ?? []).includes('functions/agent-documents/handler.ts'),
      );

      // Act
      const env = fn?.Properties.Environment.Variables as Record<string, unknown>;

      // Assess
      expect(JSON.stringify(env.DSAR_BUCKET_KEY_ARN)).toMatch(/Key|Fn::ImportValue|Fn::GetAtt/);
    });

    it('uses the bucket key only through S3', () => {
      // Prepare & Act
      const kmsStatements = FUNCTION_SPECS.flatMap((s) => statementsOfFunction(resources, s.entry)).filter((s) =>
        s.actions.some((a) => a.startsWith('kms:')),
      );

      // Assess
      expect(kmsStatements.length).toBeGreaterThan(0);
      for (const statement of kmsStatements) expect(JSON.stringify(statement.condition)).toContain('kms:ViaService');
    });

    it('lets change-system write only the changing actions, on the configured tables and prefixes', () => {
      // Prepare & Act
      const updates = resourcesFor(resources, 'functions/change-system/handler.ts', 'dynamodb:UpdateItem');
      const puts = resourcesFor(resources, 'functions/change-system/handler.ts', 's3:PutObject');
      const deletes = resourcesFor(resources, 'functions/change-system/handler.ts', 's3:DeleteObject');

      // Assess
      expect(updates.join(' ')).toContain(':table/DemoCustomers');
      expect(puts.filter((r) => r.includes('demo-clickstream/events/*'))).toHaveLength(1);
      expect(deletes).toEqual([]);
    });

    it('reaches source systems from the systems config only, writing only from erase-system', () => {
      // Prepare & Act
      const locateReads = resourcesFor(resources, 'functions/locate-system/handler.ts', 'dynamodb:Scan').join(' ');
      const locateObjects = resourcesFor(resources, 'functions/locate-system/handler.ts', 's3:GetObject').join(' ');
      const eraseDeletes = resourcesFor(resources, 'functions/erase-system/handler.ts', 's3:DeleteObject');
      const eraseWrites = resourcesFor(resources, 'functions/erase-system/handler.ts', 'dynamodb:BatchWriteItem');
      const listing = statementsOfFunction(resources, 'functions/locate-system/handler.ts').filter(
        (s) => s.resources.some((r) => r.includes('demo-clickstream')) && s.actions.includes('s3:ListBucket'),
      );

      // Assess
      expect(locateReads).toContain(':table/DemoCustomers');
      expect(locateReads).toContain(':table/DemoCustomers/index/*');
      expect(locateObjects).toContain('demo-clickstream/events/*');
      expect(listing[0]?.condition).toEqual({ StringLike: { 's3:prefix': ['events/*'] } });
      expect(eraseDeletes).toHaveLength(1);
      expect(eraseDeletes[0]).toContain('demo-clickstream/events/*');
      expect(eraseWrites.join(' ')).toContain(':table/DemoCustomers');
    });

    it('lets only intake (the API, mail and the privacy center), verify-identity, an appeal, the console (a retry) and the sweeper start executions, the console and the sweeper look them up, only the callback functions and the console answer task tokens', () => {
      // Prepare
      const machineId = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
      const holders = (action: string) =>
        FUNCTION_SPECS.filter((s) => resourcesFor(resources, s.entry, action).length > 0).map((s) => s.id);

      // Act
      const starters = holders('states:StartExecution');
      const describers = holders('states:DescribeExecution');
      const answerers = holders('states:SendTaskSuccess');
      const described = resourcesFor(resources, 'functions/sweep/handler.ts', 'states:DescribeExecution');

      // Assess
      expect(starters).toEqual([
        'SubmitRequest',
        'ReceiveMail',
        'PrivacyCenter',
        'VerifyIdentity',
        'AppealRequest',
        'Console',
        'Sweeper',
      ]);
      expect(describers).toEqual(['Console', 'Sweeper']);
      expect(holders('states:RedriveExecution')).toEqual([]);
      // the callback tasks: HoldRequest answers at once a request already settled; NotifyRecipient answers at once (no
      // contact, already answered), AnswerNotice on an answer
      // and the console: an operator's approval, denial or cancellation answers the held task
      expect(answerers).toEqual(['HoldRequest', 'NotifyRecipient', 'AnswerNotice', 'Console']);
      for (const id of answerers) {
        const entry = FUNCTION_SPECS.find((s) => s.id === id)?.entry ?? '';
        expect(resourcesFor(resources, entry, 'states:SendTaskSuccess')).toEqual([JSON.stringify({ Ref: machineId })]);
      }
      expect(resourcesFor(resources, 'functions/verify-identity/handler.ts', 'states:StartExecution')).toEqual([
        JSON.stringify({ Ref: machineId }),
      ]);
      expect(described).toHaveLength(1);
      expect(described[0]).toContain(':execution:');
      expect(described[0]).toContain(`"Fn::GetAtt":["${machineId}","Name"]`);
    });
  });

  describe('Method: constructor (workflow and API)', () => {
    it('creates a Standard, traced state machine that keeps payloads out of its logs', () => {
      // Prepare & Act & Assess
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { IncludeExecutionData: false, Level: 'ALL' },
      });
    });

    it('alarms on any failed or timed-out execution, since its request would otherwise sit unnoticed', () => {
      // Prepare & Act
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
        .map((a) => a.Properties as Record<string, unknown>)
        .filter((a) => a.Namespace === 'AWS/States');

      // Assess
      expect(alarms.map((a) => a.MetricName).sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
      for (const alarm of alarms)
        expect(alarm).toMatchObject({ Namespace: 'AWS/States', Threshold: 1, Statistic: 'Sum', Period: 300 });
    });

    it("alarms on the sweeper's StuckRequests and OverdueRequests metrics at 1 or more", () => {
      // Prepare & Act
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
        .map((a) => a.Properties as Record<string, unknown>)
        .filter((a) => a.Namespace === 'Dsar');

      // Assess
      expect(alarms.map((a) => a.MetricName).sort()).toEqual(['OverdueRequests', 'StuckRequests']);
      for (const alarm of alarms)
        expect(alarm).toMatchObject({
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          // what Powertools Metrics writes: an alarm on other dimensions would never see a data point
          Dimensions: [{ Name: 'service', Value: 'dsar' }],
        });
    });

    it('sends every alarm to one KMS-encrypted SNS topic', () => {
      // Prepare
      const [topicId, topic] = Object.entries(template.findResources('AWS::SNS::Topic'))[0] ?? [];

      // Act
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));

      // Assess
      expect(topic?.Properties.KmsMasterKeyId).toBeDefined();
      expect(alarms).toHaveLength(4);
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(template.findResources('AWS::SNS::Subscription')).toEqual({});
    });

    it('subscribes alarmEmail to the topic when it is given', () => {
      // Prepare & Act
      const withEmail = synthStacks({ alarmEmail: 'oncall@example.org' }).pipeline;

      // Assess
      withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.org' });
    });

    it('invokes the sweeper on an EventBridge Scheduler rate of sweepMinutes', () => {
      // Prepare
      const sweeperId = functionIdFor(resources, 'functions/sweep/handler.ts');
      const every5 = synthStacks({ sweepMinutes: 5 }).pipeline;

      // Act
      const schedule = scheduleOf(template, sweeperId);

      // Assess
      expect(schedule?.Properties).toMatchObject({
        ScheduleExpression: 'rate(15 minutes)',
        State: 'ENABLED',
        Target: { Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] } },
      });
      every5.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
    });

    it("invokes the operators' reminder daily at 08:00 UTC with reminderDays as its window, without retries", () => {
      // Prepare
      const remindId = functionIdFor(resources, 'functions/remind-operators/handler.ts');
      const fortnight = synthStacks({ reminderDays: 14 }).pipeline;

      // Act
      const schedule = scheduleOf(template, remindId);
      const configured = scheduleOf(
        fortnight,
        functionIdFor(resourcesOf(fortnight), 'functions/remind-operators/handler.ts'),
      );

      // Assess
      expect(Object.keys(template.findResources('AWS::Scheduler::Schedule'))).toHaveLength(2);
      expect(schedule?.Properties).toMatchObject({
        ScheduleExpression: 'cron(0 8 * * ? *)',
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [remindId, 'Arn'] },
          Input: JSON.stringify({ withinDays: 7 }),
          RetryPolicy: { MaximumRetryAttempts: 0 },
        },
      });
      expect(schedule?.Properties.ScheduleExpressionTimezone).toBe('Etc/UTC');
      expect(configured?.Properties.Target.Input).toBe(JSON.stringify({ withinDays: 14 }));
    });

    it("lets the reminder's schedule role invoke the reminder alone", () => {
      // Prepare
      const remindId = functionIdFor(resources, 'functions/remind-operators/handler.ts');
      const roleId = scheduleOf(template, remindId)?.Properties.Target.RoleArn['Fn::GetAtt'][0] ?? '';

      // Act
      const statements = statementsOfRole(resources, roleId);

      // Assess
      expect(statements.flatMap((s) => s.actions)).toEqual(['lambda:InvokeFunction']);
      expect(JSON.stringify(statements.flatMap((s) => s.resources))).not.toContain(
        functionIdFor(resources, 'functions/sweep/handler.ts'),
      );
      expect(JSON.stringify(statements.flatMap((s) => s.resources))).toContain(remindId);
    });

    it('serves exactly API_ROUTES, each with the function of its handler module', () => {
      // Prepare
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));

      // Act
      const served = routes.map((route) => {
        const integrationId = (route.Properties.Target['Fn::Join'][1] as unknown[])
          .map((part) => (typeof part === 'string' ? '' : (part as { Ref: string }).Ref))
          .join('');
        const uri = integrations[integrationId]?.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] };
        return { routeKey: route.Properties.RouteKey as string, functionId: uri['Fn::GetAtt'][0] };
      });

      // Assess
      expect(served.map((s) => s.routeKey).sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
      for (const route of API_ROUTES) {
        expect(served.find((s) => s.routeKey === `${route.method} ${route.path}`)?.functionId).toBe(
          functionIdFor(resources, route.handler),
        );
      }
    });

    it('puts CloudFront with the WebACL in front of the API: no caching, every method, headers and query string', () => {
      // Prepare & Act
      const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
      const config = distribution?.Properties.DistributionConfig as Record<string, unknown>;
      const behavior = config.DefaultCacheBehavior as Record<string, unknown>;

      // Assess
      expect(JSON.stringify(config.WebACLId)).toMatch(/ApiWebAcl|CrossRegion|Fn::GetAtt/);
      expect(behavior).toMatchObject({
        // Managed-CachingDisabled and Managed-AllViewerExceptHostHeader (Authorization, Content-Type, Idempotency-Key,
        // Origin, Sec-GPC and the query string all reach the API; Host must not, API Gateway routes on its own).
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
        ViewerProtocolPolicy: 'redirect-to-https',
      });
      expect([...(behavior.AllowedMethods as string[])].sort()).toEqual(
        ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].sort(),
      );
      expect(JSON.stringify(config.Origins)).toContain('HttpApi');
    });

    it('mails links to and outputs the protected URL, not the execute-api endpoint', () => {
      // Prepare
      const distributionId = Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0];
      const deliver = resources[functionIdFor(resources, 'functions/deliver/handler.ts')] as CfnResource;
      const apiUrl = (deliver.Properties.Environment as { Variables: Record<string, unknown> }).Variables[
        FUNCTION_ENV.API_URL
      ];

      // Act
      const output = template.toJSON().Outputs.ApiUrl.Value;

      // Assess
      for (const value of [apiUrl, output]) {
        expect(JSON.stringify(value)).toContain(`"Fn::GetAtt":["${distributionId}","DomainName"]`);
        expect(JSON.stringify(value)).not.toContain('execute-api');
      }
    });

    it('creates an SES identity for the sender', () => {
      // Prepare & Act & Assess
      template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'dsar@example.com' });
    });
  });
});
