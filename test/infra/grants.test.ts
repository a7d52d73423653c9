import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import type { SystemsConfig } from '../../connectors/config';
import { grantSources } from '../../infra/constructs/grants';
import { actionsOf, resourcesOf, statementsOfFunction, statementsOfRole, synthStacks, type Statement } from './support';

const holds = { categories: ['identifiers'], purpose: 'testing', recipients: [] };
const table = (id: string, erasure: Record<string, unknown>) => ({
  id,
  type: 'dynamodb',
  table: `Table-${id}`,
  key: { partition: 'pk' },
  identity: { email: { attribute: 'email', index: 'byEmail' } },
  holds,
  erasure,
});
const objects = (id: string, erasure: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id,
  type: 's3-objects',
  bucket: `bucket-${id}`,
  prefix: 'data/',
  format: 'jsonl',
  identity: { email: { field: 'email' } },
  holds,
  erasure,
  ...extra,
});
const anonymize = { strategy: 'anonymize', fields: { email: { action: 'hash' } }, reason: 'statistics' };
const retain = { strategy: 'retain', reason: 'tax records', law: 'HGB §257' };
const remove = { strategy: 'delete' };

/**
 * `versioned` is set on two S3 systems; the systems schema may not carry it yet, so these grants are built directly
 * (the full-app test below goes through the schema with the fields it knows).
 */
const SYSTEMS = {
  version: 1,
  systems: [
    table('t-delete', remove),
    table('t-anon', anonymize),
    table('t-retain', retain),
    objects('o-delete', remove),
    objects('o-anon', anonymize),
    objects('o-retain', retain),
    objects('o-versioned', remove, { versioned: true }),
    objects('o-versioned-retain', retain, { versioned: true }),
  ],
} as unknown as SystemsConfig;

const WRITES =
  /^(dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)|s3:(PutObject|DeleteObject|DeleteObjectVersion))$/;

/** The actions `statements` grant on resources whose text contains `needle`. */
function actionsOn(statements: Statement[], needle: string): string[] {
  return [...new Set(statements.filter((s) => s.resources.some((r) => r.includes(needle))).flatMap((s) => s.actions))]
    .filter((a) => WRITES.test(a) || /Version|Lock|Retention|LegalHold|DescribeTable/.test(a))
    .sort();
}

function eraseGrants(): Statement[] {
  const app = new App();
  const stack = new Stack(app, 'Grants', { env: { region: 'eu-west-1' } });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  grantSources(fn, SYSTEMS, 'erase');
  const resources = resourcesOf(Template.fromStack(stack));
  const roleId = Object.keys(resources).find((id) => resources[id]?.Type === 'AWS::IAM::Role') as string;
  return statementsOfRole(resources, roleId);
}

describe('Method: grantSources', () => {
  const statements = eraseGrants();

  it.each([
    ['Table-t-delete', ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable']],
    ['Table-t-anon', ['dynamodb:DescribeTable', 'dynamodb:UpdateItem']],
    ['Table-t-retain', ['dynamodb:DescribeTable']],
  ])('follows the erasure strategy of DynamoDB system %s', (needle, expected) => {
    // Prepare & Act
    const actual = actionsOn(statements, `:table/${needle}`);

    // Assess
    expect(actual).toEqual(expected);
  });

  it.each([
    ['bucket-o-delete/', ['s3:DeleteObject', 's3:GetObjectLegalHold', 's3:GetObjectRetention', 's3:PutObject']],
    ['bucket-o-anon/', ['s3:GetObjectLegalHold', 's3:GetObjectRetention', 's3:PutObject']],
    ['bucket-o-retain/', ['s3:GetObjectLegalHold', 's3:GetObjectRetention']],
    [
      'bucket-o-versioned/',
      [
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        's3:GetObjectLegalHold',
        's3:GetObjectRetention',
        's3:GetObjectVersion',
        's3:PutObject',
      ],
    ],
    ['bucket-o-versioned-retain/', ['s3:GetObjectLegalHold', 's3:GetObjectRetention', 's3:GetObjectVersion']],
  ])('follows the erasure strategy on the objects of S3 system %s', (needle, expected) => {
    // Prepare & Act
    const actual = actionsOn(statements, needle);

    // Assess
    expect(actual).toEqual(expected);
  });

  it('lets every S3 system be asked whether it keeps versions and locks objects, and versioned ones list versions', () => {
    // Prepare
    const onBucket = (bucket: string) =>
      [
        ...new Set(
          statements
            .filter((s) => s.resources.some((r) => r.endsWith(`:s3:::${bucket}"]]}`)))
            .flatMap((s) => s.actions),
        ),
      ].sort();

    // Act & Assess
    expect(onBucket('bucket-o-delete')).toEqual([
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketVersioning',
      's3:ListBucket',
    ]);
    expect(onBucket('bucket-o-versioned')).toEqual([
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketVersioning',
      's3:ListBucket',
      's3:ListBucketVersions',
    ]);
  });
});

describe('Method: buildApp (grants by strategy)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-grants-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a retain system no write action at all, in either function that erases', () => {
    // Prepare
    const path = join(dir, 'systems.json');
    writeFileSync(
      path,
      JSON.stringify({ version: 1, systems: [table('kept', retain), objects('kept-objects', retain)] }),
    );

    // Act
    const resources = resourcesOf(synthStacks({ systemsConfig: path }).pipeline);

    // Assess
    for (const entry of ['functions/erase-system/handler.ts', 'functions/reapply-deletions/handler.ts']) {
      const statements = statementsOfFunction(resources, entry).filter((s) =>
        s.resources.some((r) => r.includes('Table-kept') || r.includes('bucket-kept-objects')),
      );
      expect(statements.length, entry).toBeGreaterThan(0);
      expect(
        [...actionsOf(statements)].filter((a) => WRITES.test(a)),
        entry,
      ).toEqual([]);
    }
  });
});

describe('Method: buildApp (grants for changes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-change-grants-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lets change-system write only to systems with a field to change that are not read-only', () => {
    // Prepare: one writable table with a flag, one read-only table with a flag, one object store with nothing to change
    const flag = { flags: { marketing: { field: 'optIn', on: false, off: true } } };
    const path = join(dir, 'systems.json');
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        systems: [
          { ...table('writable', remove), ...flag },
          { ...table('ledger', remove), ...flag, readOnly: { reason: 'an append-only ledger' } },
          objects('plain', remove),
        ],
      }),
    );

    // Act
    const resources = resourcesOf(synthStacks({ systemsConfig: path }).pipeline);
    const writesOn = (marker: string) =>
      [
        ...actionsOf(
          statementsOfFunction(resources, 'functions/change-system/handler.ts').filter((s) =>
            s.resources.some((r) => r.includes(marker)),
          ),
        ),
      ].filter((a) => WRITES.test(a));

    // Assess
    expect(writesOn('Table-writable')).toEqual(['dynamodb:UpdateItem']);
    expect(writesOn('Table-ledger')).toEqual([]);
    expect(writesOn('bucket-plain')).toEqual([]);
  });
});

describe('Method: buildApp (webhook secrets of recipient notices)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-webhooks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lets only NotifyRecipient read exactly the webhook secrets the data map names', () => {
    // Prepare
    const path = join(dir, 'systems.json');
    const webhook = (id: string, secret: string) => ({
      id,
      name: id,
      role: 'third_party',
      category: 'advertising',
      notify: { webhook: { url: `https://${id}.example/hook`, secret } },
    });
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        systems: [table('kept', retain)],
        recipients: [
          webhook('adnet', 'dsar/adnet-hmac'),
          webhook('other', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:other-AbCdEf'),
          { id: 'mailer', name: 'M', role: 'processor', category: 'mail', notify: { email: 'p@m.example' } },
        ],
      }),
    );

    // Act
    const resources = resourcesOf(synthStacks({ systemsConfig: path }).pipeline);
    const secretsOf = (entry: string) =>
      statementsOfFunction(resources, entry)
        .filter((s) => s.actions.includes('secretsmanager:GetSecretValue'))
        .flatMap((s) => s.resources);

    // Assess
    const notify = secretsOf('functions/notify-recipient/handler.ts');
    expect(notify).toHaveLength(2);
    expect(notify.some((r) => r.includes(':secret:dsar/adnet-hmac-??????'))).toBe(true);
    expect(notify).toContain('arn:aws:secretsmanager:eu-west-1:111122223333:secret:other-AbCdEf');
    expect(secretsOf('functions/answer-notice/handler.ts')).toEqual([]);
    expect(secretsOf('functions/deliver/handler.ts')).toEqual([]);
  });
});
