import { join } from 'node:path';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../infra/local/lambda-context';
import { REPO_ROOT } from '../../../infra/config';
import { aRequest } from '../../support/fakes';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const TOKEN = 'N'.repeat(43);
let handler: Handler;

const event = (method: 'GET' | 'POST', extra: Partial<APIGatewayProxyEventV2> = {}) =>
  ({
    version: '2.0',
    rawPath: '/notices',
    headers: {},
    isBase64Encoded: false,
    requestContext: { http: { method, path: '/notices' } },
    ...extra,
  }) as unknown as APIGatewayProxyEventV2;

const NOTICE = {
  pk: 'NOTICE#r-1#adnet',
  requestId: 'r-1',
  recipientId: 'adnet',
  deadline: '2026-12-01T00:00:00.000Z',
  taskToken: 'sfn-task-token',
  sentAt: '2026-11-17T00:00:00.000Z',
};

/** The link and the notice as the tables hold them. */
function stored() {
  ddb.on(GetCommand).callsFake((input: { Key: { pk: string } }) =>
    input.Key.pk === NOTICE.pk
      ? { Item: NOTICE }
      : input.Key.pk === 'REQUEST#r-1'
        ? { Item: { pk: 'REQUEST#r-1', kind: 'request', ...aRequest({ requestId: 'r-1', type: 'deletion' }) } }
        : {
            Item: {
              pk: input.Key.pk,
              purpose: 'notice',
              requestId: 'r-1',
              recipientId: 'adnet',
              expiresAt: Date.now() + 60_000,
            },
          },
  );
}

describe('Handler: answer-notice', () => {
  beforeAll(async () => {
    process.env.DSAR_TABLE = 'Requests';
    process.env.DSAR_TOKENS_TABLE = 'Tokens';
    process.env.DSAR_BUCKET = 'pipeline-bucket';
    process.env.DSAR_SYSTEMS_FILE = join(REPO_ROOT, 'infra/config/systems.json');
    ({ handler } = (await import('../../../functions/answer-notice/handler')) as unknown as { handler: Handler });
  });
  beforeEach(() => {
    ddb.reset();
    sfn.reset();
  });

  it("answers an opened link with the form, under the pages' headers, and writes nothing", async () => {
    // Prepare
    stored();

    // Act
    const response = await handler(event('GET', { queryStringParameters: { token: TOKEN } }), lambdaContext('a'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers?.['x-frame-options']).toBe('DENY');
    for (const answer of ['done', 'not_held', 'exception']) expect(response.body).toContain(`value="${answer}"`);
    expect(response.body).toContain('name="reason"');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('shows a page for an exception sent without a reason, and spends nothing', async () => {
    // Prepare
    stored();
    const body = new URLSearchParams({ token: TOKEN, answer: 'exception', reason: '' }).toString();

    // Act
    const response = await handler(
      event('POST', { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      lambdaContext('a'),
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toContain('text/html');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('records a JSON answer and completes the waiting task with the answer alone, never the reason', async () => {
    // Prepare
    stored();
    ddb
      .on(UpdateCommand)
      .callsFake((input: { TableName: string }) =>
        input.TableName === 'Tokens'
          ? { Attributes: { requestId: 'r-1', recipientId: 'adnet', purpose: 'notice' } }
          : {},
      );
    sfn.on(SendTaskSuccessCommand).resolves({});
    const body = JSON.stringify({ token: TOKEN, answer: 'exception', reason: 'kept for tax law' });

    // Act
    const response = await handler(
      event('POST', { body, headers: { 'content-type': 'application/json' } }),
      lambdaContext('a'),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toEqual({ recipientId: 'adnet', answer: 'exception' });
    const [call] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(call?.args[0].input).toEqual({
      taskToken: 'sfn-task-token',
      output: JSON.stringify({ recipientId: 'adnet', answer: 'exception' }),
    });
    const answerWrite = ddb
      .commandCalls(UpdateCommand)
      .find((c) => (c.args[0].input as { TableName: string }).TableName === 'Requests');
    expect(JSON.stringify(answerWrite?.args[0].input)).toContain('kept for tax law');
  });

  it('refuses a spent link with 410 invalid_token', async () => {
    // Prepare
    stored();
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    // Act
    const response = await handler(
      event('POST', {
        body: JSON.stringify({ token: TOKEN, answer: 'done' }),
        headers: { 'content-type': 'application/json' },
      }),
      lambdaContext('a'),
    );

    // Assess
    expect(response.statusCode).toBe(410);
    expect(JSON.parse(response.body ?? '{}').error.code).toBe('invalid_token');
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});
