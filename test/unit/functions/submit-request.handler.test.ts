import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lambdaContext } from '../../../infra/local/lambda-context';
import { rightsSystemsJson } from '../../fixtures/rights-systems';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
type Item = Record<string, unknown> & { pk: string };

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const sfn = mockClient(SFNClient);
let handler: Handler;

function post(
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  sourceIp = '203.0.113.7',
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /requests',
    rawPath: '/requests',
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/requests', sourceIp } },
  } as unknown as APIGatewayProxyEventV2;
}

const valid = { type: 'access', regulation: 'gdpr', subject: { email: 'Ada@Example.com', name: 'Ada' } };
function systemsFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'dsar-submit-')), 'systems.json');
  writeFileSync(file, JSON.stringify(rightsSystemsJson()));
  return file;
}

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });

/**
 * A table that keeps what is put and updated, honouring the conditions the adapters use (`attribute_not_exists(pk)`
 * on puts, the `#n < :cap` of the intake counters): enough to run the intake for real against mocked SDK edges.
 */
function rememberingTable(): Map<string, Item> {
  const items = new Map<string, Item>();
  ddb.on(PutCommand).callsFake((input: { Item: Item; ConditionExpression?: string }) => {
    if (input.ConditionExpression === 'attribute_not_exists(pk)' && items.has(input.Item.pk)) throw conditionFailed();
    items.set(input.Item.pk, { ...input.Item });
    return {};
  });
  ddb.on(GetCommand).callsFake((input: { Key: { pk: string } }) => ({ Item: items.get(input.Key.pk) }));
  ddb
    .on(UpdateCommand)
    .callsFake(
      (input: {
        Key: { pk: string };
        UpdateExpression: string;
        ExpressionAttributeNames?: Record<string, string>;
        ExpressionAttributeValues?: Record<string, unknown>;
      }) => {
        const names = input.ExpressionAttributeNames ?? {};
        const values = input.ExpressionAttributeValues ?? {};
        const item = items.get(input.Key.pk) ?? { pk: input.Key.pk };
        if (input.Key.pk.startsWith('LIMIT#')) {
          const count = Number(item.count ?? 0);
          if (count >= Number(values[':cap'])) throw conditionFailed();
          items.set(input.Key.pk, { ...item, count: count + 1 });
          return {};
        }
        for (const [, name, value] of input.UpdateExpression.matchAll(/(#\w+) = (:\w+)/g)) {
          if (name && value) item[names[name] ?? name] = values[value];
        }
        items.set(input.Key.pk, item);
        return { Attributes: item };
      },
    );
  return items;
}

describe('Handler: submit-request', () => {
  beforeAll(async () => {
    Object.assign(process.env, {
      DSAR_TABLE: 'Requests',
      DSAR_TOKENS_TABLE: 'Tokens',
      DSAR_API_URL: 'https://api.example',
      DSAR_SENDER: 'privacy@example.org',
      DSAR_VERIFICATION_TTL_SECONDS: '3600',
      DSAR_HASH_KEY: 'k'.repeat(64),
      DSAR_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:Dsar',
      DSAR_SYSTEMS_FILE: systemsFile(),
    });
    ({ handler } = (await import('../../../functions/submit-request/handler')) as unknown as { handler: Handler });
  });

  let items: Map<string, Item>;
  beforeEach(() => {
    ddb.reset();
    ses.reset();
    sfn.reset();
    items = rememberingTable();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  });

  it('persists the request, mails the verification link to its address, starts no execution, and answers 202', async () => {
    // Act
    const response = await handler(post(JSON.stringify(valid)), lambdaContext('submit'));

    // Assess
    expect(response.statusCode).toBe(202);
    const body = JSON.parse(response.body ?? '{}') as { requestId: string; status: string; statusToken: string };
    expect(body.status).toBe('pending_verification');
    expect(body.statusToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const request = items.get(`REQUEST#${body.requestId}`);
    expect(request).toMatchObject({
      status: 'pending_verification',
      subject: { email: 'ada@example.com' },
      subjectHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      type: 'access',
      regulation: 'gdpr',
    });
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(puts.some((item) => String(item?.pk).startsWith('TOKEN#') && item?.purpose === 'status')).toBe(true);
    expect(JSON.stringify([...items.values()])).not.toContain(body.statusToken);
    const mail = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(mail?.Destination?.ToAddresses).toEqual(['ada@example.com']);
    expect(mail?.Content?.Simple?.Body?.Text?.Data).toMatch(/https:\/\/api\.example\/verify\?token=[A-Za-z0-9_-]{43}/);
    // the workflow starts when the link is confirmed, not before: an unverified request holds no execution open
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    // counters and the open-request pointer are keyed by hashes: no plain address or IP in any key
    expect([...items.keys()].join(' ')).not.toMatch(/@|203\.0\.113/);
  });

  it.each([
    ['malformed JSON', '{"type":', 'invalid_json'],
    ['an unknown right', JSON.stringify({ ...valid, type: 'everything' }), 'invalid_request'],
    ['a missing email', JSON.stringify({ ...valid, subject: {} }), 'invalid_request'],
    ['an unexpected field', JSON.stringify({ ...valid, admin: true }), 'invalid_request'],
    [
      'an oversized body',
      JSON.stringify({ ...valid, subject: { ...valid.subject, name: 'x'.repeat(20_000) } }),
      'invalid_request',
    ],
    ['no body', undefined, 'invalid_request'],
  ])('refuses %s with 400 and a machine-readable error, storing nothing', async (_, body, code) => {
    // Act
    const response = await handler(post(body), lambdaContext('submit'));

    // Assess
    expect(response.statusCode).toBe(400);
    const error = (JSON.parse(response.body ?? '{}') as { error: { code: string; message: string } }).error;
    expect(error.code).toBe(code);
    expect(error.message).toEqual(expect.any(String));
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it.each([
    [
      'a correction with no value',
      { ...valid, type: 'correction', corrections: [{ attribute: 'name', value: '  ' }] },
      'corrections.0.value',
    ],
    ['a correction of nothing', { ...valid, type: 'correction', corrections: [] }, 'corrections'],
    [
      'a correction of an attribute no system can correct',
      { ...valid, type: 'correction', corrections: [{ attribute: 'shoe_size', value: '38' }] },
      'corrections.0.attribute',
    ],
    ['an opt-out scope that does not exist', { ...valid, type: 'opt_out', scope: 'everything' }, 'scope'],
    ['an opt-out without a scope', { ...valid, type: 'opt_out' }, 'scope'],
    ['an unknown restriction ground', { ...valid, type: 'restriction', ground: 'whim' }, 'ground'],
    ['a consent purpose nobody records', { ...valid, type: 'withdraw_consent', purpose: 'telepathy' }, 'purpose'],
    ['a scope on a right that has none', { ...valid, type: 'access', scope: 'marketing' }, ''],
  ])('refuses %s with 400 naming the field, storing and mailing nothing', async (_, request, path) => {
    // Act
    const response = await handler(post(JSON.stringify(request)), lambdaContext('submit'));

    // Assess
    expect(response.statusCode).toBe(400);
    const { error } = JSON.parse(response.body ?? '{}') as {
      error: { code: string; details: { path: string; message: string }[] };
    };
    expect(error.code).toBe('invalid_request');
    expect(error.details.map((d) => d.path)).toContain(path);
    expect(error.details.every((d) => d.message.length > 0)).toBe(true);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('starts an opt-out of sale/sharing at once, without a verification mail, and answers 202', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    const optOut = { ...valid, type: 'opt_out', regulation: 'ccpa', scope: 'sale_sharing' };

    // Act
    const response = await handler(post(JSON.stringify(optOut)), lambdaContext('submit'));

    // Assess
    expect(response.statusCode).toBe(202);
    const body = JSON.parse(response.body ?? '{}') as { requestId: string; status: string };
    expect(body.status).toBe('verified');
    expect(items.get(`REQUEST#${body.requestId}`)).toMatchObject({
      status: 'verified',
      verification: 'not_required',
      scope: 'sale_sharing',
    });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([body.requestId]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('honours Sec-GPC: 1 as an opt-out of sale/sharing beside the request, and says so', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });

    // Act
    const response = await handler(
      post(JSON.stringify(valid), { 'content-type': 'application/json', 'Sec-GPC': '1' }),
      lambdaContext('submit'),
    );

    // Assess
    expect(response.statusCode).toBe(202);
    const body = JSON.parse(response.body ?? '{}') as {
      requestId: string;
      status: string;
      gpc: { honoured: boolean; requestId: string };
    };
    expect(body.status).toBe('pending_verification');
    expect(body.gpc).toEqual({ honoured: true, requestId: expect.any(String) });
    expect(items.get(`REQUEST#${body.gpc.requestId}`)).toMatchObject({
      type: 'opt_out',
      scope: 'sale_sharing',
      verification: 'not_required',
    });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([body.gpc.requestId]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('ignores a Sec-GPC header that is not "1"', async () => {
    // Act
    const response = await handler(
      post(JSON.stringify(valid), { 'content-type': 'application/json', 'sec-gpc': '0' }),
      lambdaContext('submit'),
    );

    // Assess
    expect(JSON.parse(response.body ?? '{}')).not.toHaveProperty('gpc');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('lists the invalid fields in details', async () => {
    // Act
    const response = await handler(
      post(JSON.stringify({ ...valid, regulation: 'lgpd', subject: { email: 'nope' } })),
      lambdaContext('submit'),
    );

    // Assess
    const details = (JSON.parse(response.body ?? '{}') as { error: { details: { path: string }[] } }).error.details;
    expect(details.map((d) => d.path).sort()).toEqual(['regulation', 'subject.email']);
  });

  it('refuses a body that is not JSON by content type with 415', async () => {
    // Act
    const response = await handler(
      post(JSON.stringify(valid), { 'content-type': 'text/plain' }),
      lambdaContext('submit'),
    );

    // Assess
    expect(response.statusCode).toBe(415);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  const withKey = (key: string) => ({ 'content-type': 'application/json', 'idempotency-key': key });

  it('answers a repeat with the same idempotency key and body with the first request and the same status token, mailing once', async () => {
    // Prepare
    const first = await handler(post(JSON.stringify(valid), withKey('key-123456789')), lambdaContext('submit'));

    // Act
    const repeat = await handler(post(JSON.stringify(valid), withKey('key-123456789')), lambdaContext('submit'));

    // Assess
    expect(first.statusCode).toBe(202);
    expect(repeat.statusCode).toBe(202);
    const firstBody = JSON.parse(first.body ?? '{}') as { requestId: string; statusToken: string };
    expect(JSON.parse(repeat.body ?? '{}')).toEqual({ ...firstBody, status: 'pending_verification' });
    const requests = ddb
      .commandCalls(PutCommand)
      .filter((c) => String(c.args[0].input.Item?.pk).startsWith('REQUEST#'));
    expect(requests).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    // an idempotent repeat mints no new status token
    const statusTokens = [...items.values()].filter((item) => item.kind === 'token' && item.purpose === 'status');
    expect(statusTokens).toHaveLength(1);
  });

  it('refuses the same idempotency key with a different body with 422 idempotency_key_reused, doing nothing', async () => {
    // Prepare
    const first = await handler(post(JSON.stringify(valid), withKey('key-123456789')), lambdaContext('submit'));

    // Act
    const reused = await handler(
      post(JSON.stringify({ ...valid, type: 'deletion' }), withKey('key-123456789')),
      lambdaContext('submit'),
    );

    // Assess
    expect(first.statusCode).toBe(202);
    expect(reused.statusCode).toBe(422);
    expect((JSON.parse(reused.body ?? '{}') as { error: { code: string } }).error.code).toBe('idempotency_key_reused');
    const requests = ddb
      .commandCalls(PutCommand)
      .filter((c) => String(c.args[0].input.Item?.pk).startsWith('REQUEST#'));
    expect(requests).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('answers 429 with Retry-After and a machine-readable code past the per-client cap, storing no request', async () => {
    // Prepare: 30 submissions from one IP this hour (for 30 different people)
    for (let i = 0; i < 30; i += 1) {
      const body = { ...valid, subject: { email: `person${i}@example.com` } };
      expect((await handler(post(JSON.stringify(body)), lambdaContext('submit'))).statusCode).toBe(202);
    }
    const before = [...items.keys()].filter((k) => k.startsWith('REQUEST#')).length;

    // Act
    const response = await handler(post(JSON.stringify(valid)), lambdaContext('submit'));
    const stored = [...items.keys()].filter((k) => k.startsWith('REQUEST#')).length;
    const otherClient = await handler(post(JSON.stringify(valid), undefined, '198.51.100.9'), lambdaContext('submit'));

    // Assess
    expect(response.statusCode).toBe(429);
    expect(Number(response.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(Number(response.headers?.['retry-after'])).toBeLessThanOrEqual(3600);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({
      error: { code: 'rate_limited', details: { limit: 'client' } },
    });
    expect(stored).toBe(before);
    expect(otherClient.statusCode).toBe(202);
  });

  it('counts the viewer CloudFront names, not CloudFront itself, against the per-client cap', async () => {
    // Prepare: 30 submissions through CloudFront from one viewer (CloudFront's own address is the source)
    const viaCloudFront = (email: string, viewer: string) =>
      post(
        JSON.stringify({ ...valid, subject: { email } }),
        { 'content-type': 'application/json', 'cloudfront-viewer-address': `${viewer}:51234` },
        '130.176.0.1',
      );
    for (let i = 0; i < 30; i += 1)
      await handler(viaCloudFront(`p${i}@example.com`, '203.0.113.7'), lambdaContext('submit'));

    // Act
    const sameViewer = await handler(viaCloudFront('q@example.com', '203.0.113.7'), lambdaContext('submit'));
    const otherViewer = await handler(viaCloudFront('q@example.com', '2001:db8::7'), lambdaContext('submit'));

    // Assess
    expect(sameViewer.statusCode).toBe(429);
    expect(otherViewer.statusCode).toBe(202);
  });

  it('hides the cause of an internal failure behind a generic 500', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(new Error('table Requests in account 123 is gone'));

    // Act
    const response = await handler(post(JSON.stringify(valid)), lambdaContext('submit'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('123');
    expect((JSON.parse(response.body ?? '{}') as { error: { code: string } }).error.code).toBe('internal_error');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
