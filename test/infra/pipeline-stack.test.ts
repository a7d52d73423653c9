import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../infra/constructs/api-routes';
import { FUNCTION_ENV } from '../../functions/core/env';
import { FUNCTION_SPECS } from '../../infra/constructs/function-specs';
import {
  actionsOf,
  functionIdFor,
  resourcesOf,
  statementsOfFunction,
  statementsOfRole,
  synthStacks,
  type Resources,
} from './support';

const XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const TABLE_WRITE = [...TABLE_READ, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
const BUCKET_READ = ['s3:GetObject', 's3:ListBucket', 'kms:Decrypt'];
const BUCKET_WRITE = ['s3:PutObject', 's3:AbortMultipartUpload', 'kms:Decrypt', 'kms:GenerateDataKey'];
const SOURCES_LOCATE = ['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:GetItem', 's3:GetObject', 's3:ListBucket'];
const SOURCES_ERASE = [
  ...SOURCES_LOCATE,
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:UpdateItem',
  's3:PutObject',
  's3:DeleteObject',
];

/** Written out by hand (not derived from FUNCTION_SPECS) so a loosened spec shows up here as a failure. */
const EXPECTED_ACTIONS: Record<string, string[]> = {
  'functions/submit-request/handler.ts': [...XRAY, ...TABLE_WRITE, 'ses:SendEmail', 'secretsmanager:GetSecretValue'],
  'functions/get-request/handler.ts': [...XRAY, ...TABLE_READ],
  'functions/verify-identity/handler.ts': [...XRAY, ...TABLE_WRITE, 'states:StartExecution'],
  'functions/download/handler.ts': [...XRAY, ...TABLE_WRITE, ...BUCKET_READ],
  'functions/plan-request/handler.ts': [...XRAY, ...TABLE_WRITE],
  'functions/locate-system/handler.ts': [...XRAY, ...TABLE_WRITE, ...BUCKET_WRITE, ...SOURCES_LOCATE],
  'functions/erase-system/handler.ts': [...XRAY, ...TABLE_WRITE, ...SOURCES_ERASE, 'secretsmanager:GetSecretValue'],
  'functions/assemble-export/handler.ts': [...XRAY, ...TABLE_WRITE, ...BUCKET_READ, ...BUCKET_WRITE, 's3:DeleteObject'],
  'functions/assemble-receipt/handler.ts': [...XRAY, ...TABLE_WRITE, ...BUCKET_WRITE, 'secretsmanager:GetSecretValue'],
  'functions/deliver/handler.ts': [...XRAY, ...TABLE_WRITE, 'ses:SendEmail'],
  'functions/reapply-deletions/handler.ts': [
    ...XRAY,
    ...TABLE_READ,
    'dynamodb:Scan',
    ...SOURCES_ERASE,
    'secretsmanager:GetSecretValue',
  ],
};

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
      // Prepare & Act
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));

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

    it('gives the state machine ARN to submit-request only and the systems file to the config readers', () => {
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
      expect(withArn).toEqual(['functions/verify-identity/handler.ts']);
      expect(withSystems.map((s) => s.id).sort()).toEqual([
        'AssembleExport',
        'AssembleReceipt',
        'EraseSystem',
        'LocateSystem',
        'PlanRequest',
        'ReapplyDeletions',
      ]);
      expect(envOf('functions/deliver/handler.ts')).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'dsar',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(envOf('functions/deliver/handler.ts')[FUNCTION_ENV.API_URL]).toBeDefined();
    });
  });

  describe('Method: constructor (grants)', () => {
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

    it('uses the bucket key only through S3', () => {
      // Prepare & Act
      const kmsStatements = FUNCTION_SPECS.flatMap((s) => statementsOfFunction(resources, s.entry)).filter((s) =>
        s.actions.some((a) => a.startsWith('kms:')),
      );

      // Assess
      expect(kmsStatements.length).toBeGreaterThan(0);
      for (const statement of kmsStatements) expect(JSON.stringify(statement.condition)).toContain('kms:ViaService');
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

    it('lets only verify-identity start executions (once a subject has confirmed), and nobody answer task tokens', () => {
      // Prepare
      const machineId = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
      const holders = (action: string) =>
        FUNCTION_SPECS.filter((s) => resourcesFor(resources, s.entry, action).length > 0).map((s) => s.id);

      // Act
      const starters = holders('states:StartExecution');
      const answerers = holders('states:SendTaskSuccess');

      // Assess
      expect(starters).toEqual(['VerifyIdentity']);
      expect(answerers).toEqual([]);
      expect(resourcesFor(resources, 'functions/verify-identity/handler.ts', 'states:StartExecution')).toEqual([
        JSON.stringify({ Ref: machineId }),
      ]);
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
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
        (a) => a.Properties as Record<string, unknown>,
      );

      // Assess
      expect(alarms.map((a) => a.MetricName).sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
      for (const alarm of alarms)
        expect(alarm).toMatchObject({ Namespace: 'AWS/States', Threshold: 1, Statistic: 'Sum', Period: 300 });
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

    it('creates an SES identity for the sender', () => {
      // Prepare & Act & Assess
      template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'dsar@example.com' });
    });
  });
});
