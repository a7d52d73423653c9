import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { lambdaContext } from '../../../infra/local/lambda-context';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const TOKEN = 'T'.repeat(43);
let handler: Handler;

const event = (method: 'GET' | 'POST', extra: Partial<APIGatewayProxyEventV2> = {}) =>
  ({
    version: '2.0',
    rawPath: '/verify',
    headers: {},
    isBase64Encoded: false,
    requestContext: { http: { method, path: '/verify' } },
    ...extra,
  }) as unknown as APIGatewayProxyEventV2;

describe('Handler: verify-identity', () => {
  beforeAll(async () => {
    process.env.DSAR_TABLE = 'Requests';
    process.env.DSAR_TOKENS_TABLE = 'Tokens';
    ({ handler } = (await import('../../../functions/verify-identity/handler')) as unknown as { handler: Handler });
  });
  beforeEach(() => {
    ddb.reset();
    sfn.reset();
  });

  it('answers an opened link with a confirmation form and touches nothing', async () => {
    // Act
    const response = await handler(event('GET', { queryStringParameters: { token: TOKEN } }), lambdaContext('verify'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('<form method="post" action="verify">');
    expect(response.body).toContain(`name="token" value="${TOKEN}"`);
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('escapes whatever arrives as a token before putting it in the page', async () => {
    // Act
    const response = await handler(
      event('GET', { queryStringParameters: { token: '"><script>alert(1)</script>' } }),
      lambdaContext('verify'),
    );

    // Assess
    expect(response.body).not.toContain('<script>');
  });

  it('consumes the token from the posted form (base64 as API Gateway sends it)', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'used', $metadata: {} }));

    // Act
    const body = Buffer.from(`token=${TOKEN}`).toString('base64');
    const response = await handler(event('POST', { body, isBase64Encoded: true }), lambdaContext('verify'));

    // Assess
    expect(response.statusCode).toBe(410);
    const consume = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(consume?.ExpressionAttributeValues?.[':purpose']).toBe('verify');
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});
