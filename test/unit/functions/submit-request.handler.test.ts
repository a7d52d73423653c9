import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { lambdaContext } from '../../../infra/local/lambda-context';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
let handler: Handler;

function post(
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /requests',
    rawPath: '/requests',
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/requests' } },
  } as unknown as APIGatewayProxyEventV2;
}

const valid = { type: 'access', regulation: 'gdpr', subject: { email: 'Ada@Example.com', name: 'Ada' } };

describe('Handler: submit-request', () => {
  beforeAll(async () => {
    process.env.DSAR_TABLE = 'Requests';
    process.env.DSAR_TOKENS_TABLE = 'Tokens';
    process.env.DSAR_STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Dsar';
    ({ handler } = (await import('../../../functions/submit-request/handler')) as unknown as { handler: Handler });
  });

  beforeEach(() => {
    ddb.reset();
    sfn.reset();
    ddb.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
  });

  it('persists the request, then starts the execution named by its id, and answers 202', async () => {
    // Act
    const response = await handler(post(JSON.stringify(valid)), lambdaContext('submit'));

    // Assess
    expect(response.statusCode).toBe(202);
    const body = JSON.parse(response.body ?? '{}') as { requestId: string; status: string; statusToken: string };
    expect(body.status).toBe('received');
    expect(body.statusToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    const request = puts.find((item) => item?.pk === `REQUEST#${body.requestId}`);
    expect(request).toMatchObject({
      status: 'received',
      subject: { email: 'ada@example.com' },
      type: 'access',
      regulation: 'gdpr',
    });
    expect(puts.some((item) => String(item?.pk).startsWith('TOKEN#') && item?.purpose === 'status')).toBe(true);
    expect(JSON.stringify(puts)).not.toContain(body.statusToken);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start).toMatchObject({ name: body.requestId, input: JSON.stringify({ requestId: body.requestId }) });
    expect(start?.input).not.toContain('@');
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

  /**
   * A table that keeps what is put, honouring `attribute_not_exists(pk)`, and an SFN that refuses a second execution
   * of the same name (as Step Functions does for a Standard workflow): enough to run the idempotency path for real.
   */
  function rememberingTable(): void {
    const items = new Map<string, Record<string, unknown>>();
    ddb
      .on(PutCommand)
      .callsFake((input: { Item: Record<string, unknown> & { pk: string }; ConditionExpression?: string }) => {
        if (input.ConditionExpression === 'attribute_not_exists(pk)' && items.has(input.Item.pk)) {
          throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
        }
        items.set(input.Item.pk, input.Item);
        return {};
      });
    ddb.on(GetCommand).callsFake((input: { Key: { pk: string } }) => ({ Item: items.get(input.Key.pk) }));
    const started = new Set<string>();
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => {
      if (started.has(input.name)) throw new ExecutionAlreadyExists({ message: 'exists', $metadata: {} });
      started.add(input.name);
      return { executionArn: `arn:x:${input.name}`, startDate: new Date() };
    });
  }

  const withKey = (key: string) => ({ 'content-type': 'application/json', 'idempotency-key': key });

  it('answers a repeat with the same idempotency key and body with the first request, and runs it once', async () => {
    // Prepare
    rememberingTable();
    const first = await handler(post(JSON.stringify(valid), withKey('key-123456789')), lambdaContext('submit'));

    // Act
    const repeat = await handler(post(JSON.stringify(valid), withKey('key-123456789')), lambdaContext('submit'));

    // Assess
    expect(first.statusCode).toBe(202);
    expect(repeat.statusCode).toBe(202);
    const firstId = (JSON.parse(first.body ?? '{}') as { requestId: string }).requestId;
    expect(JSON.parse(repeat.body ?? '{}') as { requestId: string; status: string }).toMatchObject({
      requestId: firstId,
      status: 'received',
    });
    const requests = ddb
      .commandCalls(PutCommand)
      .filter((c) => String(c.args[0].input.Item?.pk).startsWith('REQUEST#'));
    expect(requests).toHaveLength(1);
    // The repeat asks for the same execution name again (that recovers a first attempt that died before starting
    // it), which Step Functions refuses: one request, one run.
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([firstId, firstId]);
  });

  it('refuses the same idempotency key with a different body with 422 idempotency_key_reused, starting nothing', async () => {
    // Prepare
    rememberingTable();
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
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
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
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('Class: SubmitRequest (idempotency)', () => {
  it('answers a repeat with the same key and body with the first request, restarting the same execution name', async () => {
    // Prepare
    const { SubmitRequest } = await import('../../../functions/submit-request/submit-request');
    const { MemoryRequests, MemoryTokens, MemoryWorkflow } = await import('../../support/fakes');
    const requests = new MemoryRequests();
    const workflow = new MemoryWorkflow();
    const submit = new SubmitRequest({ requests, tokens: new MemoryTokens(), workflow, statusTokenTtlSeconds: 60 });
    const body = { type: 'deletion' as const, regulation: 'ccpa' as const, subject: { email: 'ada@example.com' } };

    // Act
    const first = await submit.execute(body, 'key-0000001');
    const second = await submit.execute(body, 'key-0000001');

    // Assess
    expect(second.requestId).toBe(first.requestId);
    expect(requests.records.size).toBe(1);
    expect(workflow.started).toEqual([first.requestId, first.requestId]);
    expect(second.statusToken).not.toBe(first.statusToken);
  });

  it('refuses the same key with a different body as a reused key, recording and starting nothing more', async () => {
    // Prepare
    const { SubmitRequest } = await import('../../../functions/submit-request/submit-request');
    const { MemoryRequests, MemoryTokens, MemoryWorkflow } = await import('../../support/fakes');
    const requests = new MemoryRequests();
    const workflow = new MemoryWorkflow();
    const submit = new SubmitRequest({ requests, tokens: new MemoryTokens(), workflow, statusTokenTtlSeconds: 60 });
    const body = { type: 'deletion' as const, regulation: 'ccpa' as const, subject: { email: 'ada@example.com' } };
    const first = await submit.execute(body, 'key-0000001');

    // Act
    const other = submit.execute({ ...body, type: 'access' }, 'key-0000001');

    // Assess
    await expect(other).rejects.toMatchObject({ name: 'IdempotencyConflictError', code: 'idempotency_key_reused' });
    expect(requests.records.size).toBe(1);
    expect(workflow.started).toEqual([first.requestId]);
  });

  it('sets the statutory due date from the regulation', async () => {
    // Prepare
    const { SubmitRequest } = await import('../../../functions/submit-request/submit-request');
    const { MemoryRequests, MemoryTokens, MemoryWorkflow } = await import('../../support/fakes');
    const requests = new MemoryRequests();
    const submit = new SubmitRequest({
      requests,
      tokens: new MemoryTokens(),
      workflow: new MemoryWorkflow(),
      statusTokenTtlSeconds: 60,
      now: () => new Date('2026-01-31T12:00:00Z'),
    });

    // Act
    const gdpr = await submit.execute({ type: 'access', regulation: 'gdpr', subject: { email: 'a@example.com' } });
    const ccpa = await submit.execute({ type: 'access', regulation: 'ccpa', subject: { email: 'a@example.com' } });

    // Assess
    expect(requests.records.get(gdpr.requestId)?.dueDate).toBe('2026-02-28');
    expect(requests.records.get(ccpa.requestId)?.dueDate).toBe('2026-03-17');
  });
});
