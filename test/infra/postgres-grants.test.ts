import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { SystemsConfig } from '../../connectors/config';
import { grantSources, placeInVpc, sourceVpc } from '../../infra/constructs/grants';
import { resourcesOf, type Statement, statementsOfRole } from './support';

const holds = { categories: ['identifiers'], purpose: 'orders' };
const tables = [{ name: 'customers', key: ['id'], identity: { email: { column: 'email' } } }];
const cloud = { host: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com', database: 'orders', user: 'dsar' };

/** Three Postgres systems: credentials from a named secret, from an ARN, and by IAM authentication; one local. */
const SYSTEMS = SystemsConfig.parse({
  version: 1,
  systems: [
    {
      id: 'pg-secret',
      type: 'postgres',
      connection: { ...cloud, auth: { secret: 'dsar/orders' } },
      tables,
      holds,
      erasure: { strategy: 'delete' },
    },
    {
      id: 'pg-arn',
      type: 'postgres',
      connection: { ...cloud, auth: { secret: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:crm-AbCdEf' } },
      tables,
      holds,
      erasure: { strategy: 'delete' },
    },
    {
      id: 'pg-iam',
      type: 'postgres',
      connection: { ...cloud, auth: { iam: { region: 'eu-west-1', resourceId: 'cluster-ABCDEF123' } } },
      tables,
      holds,
      erasure: { strategy: 'delete' },
    },
    {
      id: 'pg-local',
      type: 'postgres',
      connection: { local: 'orders' },
      tables,
      holds,
      erasure: { strategy: 'delete' },
    },
  ],
});

function grants(access: 'locate' | 'erase'): Statement[] {
  const app = new App();
  const stack = new Stack(app, 'Grants', { env: { region: 'eu-west-1' } });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  grantSources(fn, SYSTEMS, access);
  const resources = resourcesOf(Template.fromStack(stack));
  const roleId = Object.keys(resources).find((id) => resources[id]?.Type === 'AWS::IAM::Role') as string;
  return statementsOfRole(resources, roleId);
}

describe('Method: grantSources (postgres)', () => {
  it.each(['locate', 'erase'] as const)('lets %s read each system’s own secret and nothing else', (access) => {
    // Prepare & Act
    const statements = grants(access);
    const secrets = statements.filter((s) => s.actions.includes('secretsmanager:GetSecretValue'));

    // Assess
    expect(secrets.flatMap((s) => s.actions)).toEqual([
      'secretsmanager:GetSecretValue',
      'secretsmanager:GetSecretValue',
    ]);
    const resources = secrets.flatMap((s) => s.resources).join('\n');
    expect(resources).toContain(':secret:dsar/orders-??????');
    expect(resources).toContain('arn:aws:secretsmanager:eu-west-1:111122223333:secret:crm-AbCdEf');
    expect(resources).not.toContain('*"');
  });

  it('lets an IAM-authenticated system connect as its configured user on its cluster only', () => {
    // Prepare & Act
    const statements = grants('erase');
    const connect = statements.filter((s) => s.actions.includes('rds-db:connect'));

    // Assess
    expect(connect).toHaveLength(1);
    expect(connect[0]?.actions).toEqual(['rds-db:connect']);
    expect(connect[0]?.resources.join('')).toContain(':dbuser:cluster-ABCDEF123/dsar');
  });

  it('grants nothing for a local server, and no other action for any Postgres system', () => {
    // Prepare & Act
    const actions = new Set(grants('erase').flatMap((s) => s.actions));

    // Assess
    expect([...actions].sort()).toEqual(['rds-db:connect', 'secretsmanager:GetSecretValue']);
  });
});

describe('Function: sourceVpc and placeInVpc', () => {
  const vpcSystem = (id: string, subnet: string, sg: string) => ({
    id,
    type: 'postgres',
    connection: { ...cloud, auth: { secret: id }, vpc: { subnetIds: [subnet], securityGroupIds: [sg] } },
    tables,
    holds,
    erasure: { strategy: 'delete' },
  });

  it('is absent when no system asks for a VPC', () => {
    // Prepare & Act & Assess
    expect(sourceVpc(SYSTEMS)).toBeUndefined();
  });

  it('places the function in the merged subnets and security groups, with the network-interface actions', () => {
    // Prepare
    const systems = SystemsConfig.parse({
      version: 1,
      systems: [vpcSystem('pg-a', 'subnet-0a', 'sg-0a'), vpcSystem('pg-b', 'subnet-0b', 'sg-0a')],
    });
    const app = new App();
    const stack = new Stack(app, 'Vpc', { env: { region: 'eu-west-1' } });
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    });

    // Act
    const vpc = sourceVpc(systems);
    if (vpc) placeInVpc(fn, vpc);
    const template = Template.fromStack(stack);

    // Assess
    expect(vpc).toEqual({ subnetIds: ['subnet-0a', 'subnet-0b'], securityGroupIds: ['sg-0a'] });
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: ['subnet-0a', 'subnet-0b'], SecurityGroupIds: ['sg-0a'] },
    });
    const resources = resourcesOf(template);
    const roleId = Object.keys(resources).find((id) => resources[id]?.Type === 'AWS::IAM::Role') as string;
    const actions = statementsOfRole(resources, roleId).flatMap((s) => s.actions);
    expect(actions).toContain('ec2:CreateNetworkInterface');
    expect(actions).toContain('ec2:DeleteNetworkInterface');
  });
});

describe('Method: grantSources (http)', () => {
  const http = (id: string, baseUrl: unknown, secret: string) => ({
    id,
    type: 'http',
    preset: 'stripe',
    baseUrl,
    auth: { secret },
    holds,
    erasure: { strategy: 'delete' },
  });
  const systems = SystemsConfig.parse({
    version: 1,
    systems: [
      http('payments', 'https://api.stripe.com', 'dsar/stripe'),
      http('payments-local', { local: 'stripe' }, 'never-read'),
    ],
  });

  it.each(['locate', 'erase', 'change'] as const)(
    'lets %s read the API key’s secret of a remote API, nothing for a local fake',
    (access) => {
      // Prepare
      const app = new App();
      const stack = new Stack(app, 'HttpGrants', { env: { region: 'eu-west-1' } });
      const fn = new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      });

      // Act
      grantSources(fn, systems, access);
      const resources = resourcesOf(Template.fromStack(stack));
      const roleId = Object.keys(resources).find((id) => resources[id]?.Type === 'AWS::IAM::Role') as string;
      const statements = statementsOfRole(resources, roleId);

      // Assess
      expect(statements.flatMap((s) => s.actions)).toEqual(['secretsmanager:GetSecretValue']);
      const granted = statements.flatMap((s) => s.resources).join('\n');
      expect(granted).toContain(':secret:dsar/stripe-??????');
      expect(granted).not.toContain('never-read');
    },
  );
});
