import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/bin/app';
import { CONTEXT_DEFAULTS, readDeploymentConfig, REPO_ROOT } from '../../infra/config';

const SKIP_BUNDLING = { [cxapi.BUNDLING_STACKS]: [] };

const dir = mkdtempSync(join(tmpdir(), 'dsar-config-'));
let written = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(content: unknown): string {
  written += 1;
  mkdirSync(join(dir, String(written)));
  const path = join(dir, String(written), 'systems.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const demo = JSON.parse(readFileSync(resolve(REPO_ROOT, 'infra/config/systems.json'), 'utf8')) as {
  systems: unknown[];
};

describe('Method: buildApp', () => {
  it('fails synth with the validation message when the systems config is invalid', () => {
    // Prepare
    const path = writeConfig({ version: 1, systems: [demo.systems[0], demo.systems[0]] });

    // Act & Assess
    expect(() => buildApp({ context: { ...SKIP_BUNDLING, systemsConfig: path } })).toThrow(
      /Invalid systems config .*systems\.json[\s\S]*duplicate system id customers/,
    );
  });

  it('names the field at fault in a system', () => {
    // Prepare
    const broken = { ...(demo.systems[1] as object), format: 'xml' };
    const path = writeConfig({ version: 1, systems: [broken] });

    // Act & Assess
    expect(() => buildApp({ context: { ...SKIP_BUNDLING, systemsConfig: path } })).toThrow(/format/);
  });

  it('fails on an unreadable systems config', () => {
    // Prepare
    const path = writeConfig('{ not json');

    // Act & Assess
    expect(() => buildApp({ context: { ...SKIP_BUNDLING, systemsConfig: path } })).toThrow(
      /Cannot read systems config/,
    );
  });

  it.each([
    [{ verificationWindowHours: 0 }, /verificationWindowHours/],
    [{ verificationWindowHours: 10_000 }, /verificationWindowHours/],
    [{ downloadLinkHours: 24 * 31, exportRetentionDays: 30 }, /must not outlive the export/],
    [{ senderEmail: 'not-an-address' }, /senderEmail/],
    [{ reminderDays: 0 }, /reminderDays/],
    [{ reminderDays: 91 }, /reminderDays/],
    [{ reminderDays: 2.5 }, /reminderDays/],
  ])('rejects invalid context %o', (context, message) => {
    // Prepare & Act & Assess
    expect(() => buildApp({ context: { ...SKIP_BUNDLING, ...context } })).toThrow(message);
  });

  it('accepts numbers given as strings, as the CLI passes them', () => {
    // Prepare
    const context: Record<string, unknown> = {
      verificationWindowHours: '72',
      downloadLinkHours: '24',
      reminderDays: '14',
    };

    // Act
    const config = readDeploymentConfig({ tryGetContext: (key) => context[key] });

    // Assess
    expect(config).toMatchObject({
      verificationWindowHours: 72,
      downloadLinkHours: 24,
      exportRetentionDays: 30,
      reminderDays: 14,
      senderIsDefault: true,
    });
    expect(config.systems.systems.map((s) => s.id)).toEqual(['customers', 'clickstream']);
  });

  it('keeps cdk.json context defaults in step with the code defaults', () => {
    // Prepare
    const cdkJson = JSON.parse(readFileSync(resolve(REPO_ROOT, 'cdk.json'), 'utf8')) as {
      app: string;
      context: Record<string, unknown>;
    };

    // Act & Assess
    expect(cdkJson.app).toBe('npx tsx infra/bin/app.ts');
    expect(cdkJson.context).toEqual(CONTEXT_DEFAULTS);
  });
});
