import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/bin/app';
import { REPO_ROOT } from '../../infra/config';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function appWithChecks(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'dsar-nag-'));
  outdirs.push(outdir);
  const app = buildApp({ context: { [cxapi.BUNDLING_STACKS]: [], ...context }, outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

describe('Class: AwsSolutionsChecks (cdk-nag)', () => {
  it('finds no unacknowledged AwsSolutions error in any stack', () => {
    // Prepare
    const app = appWithChecks();

    // Act: synthesis first, as `cdk synth` does (cross-stack references are resolved before the checks run)
    app.synth({ force: true });
    const report = new AwsSolutionsChecks(app).validateScope(app);

    // Assess
    const errors = report.violations
      .filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });

  it('finds none either with webhook recipients (their named secrets are acknowledged wildcards)', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'dsar-nag-systems-'));
    outdirs.push(dir);
    const systems = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/config/systems.json'), 'utf8'));
    systems.recipients = [
      {
        id: 'adnet',
        name: 'AdNet',
        role: 'third_party',
        category: 'advertising',
        notify: { webhook: { url: 'https://adnet.example/hook', secret: 'dsar/adnet-hmac' } },
      },
    ];
    writeFileSync(join(dir, 'systems.json'), JSON.stringify(systems));
    const app = appWithChecks({ systemsConfig: join(dir, 'systems.json') });

    // Act
    app.synth({ force: true });
    const report = new AwsSolutionsChecks(app).validateScope(app);

    // Assess
    const errors = report.violations
      .filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });

  it('finds none either with a profile that takes requests by email (the receipt rule, its bucket and policy)', () => {
    // Prepare
    const app = appWithChecks({ profile: 'softpire' });

    // Act
    app.synth({ force: true });
    const report = new AwsSolutionsChecks(app).validateScope(app);

    // Assess
    const errors = report.violations
      .filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
    expect(JSON.stringify(app.synth().getStackByName('DsarPipeline').template)).toContain('AWS::SES::ReceiptRule');
  });

  it('fails synthesis through the validation plugin when a finding is not acknowledged', () => {
    // Prepare: a stack-level grant with a wildcard and no acknowledgement
    const app = appWithChecks();
    const pipeline = app.node.findChild('DsarPipeline');
    const role = pipeline.node.findChild('SweepScheduleRole') as iam.Role;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: ['arn:aws:sqs:eu-west-1:123456789012:*'],
      }),
    );

    // Act & Assess
    expect(() => app.synth({ force: true })).toThrow(/wildcard permissions[\s\S]*SweepScheduleRole/);
  });
});
