import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
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

/** The table as a deletion request waiting for its subject sees it: its verify token, and the request. */
const pendingDeletion = (input: { Key: { pk: string } }) =>
  input.Key.pk.startsWith('TOKEN#')
    ? { Item: { pk: input.Key.pk, purpose: 'verify', requestId: 'r-1', expiresAt: Date.now() + 60_000 } }
    : {
        Item: {
          pk: 'REQUEST#r-1',
          requestId: 'r-1',
          type: 'deletion',
          regulation: 'gdpr',
          subject: { email: 'ada@example.com' },
          status: 'pending_verification',
          receivedAt: 'x',
          dueDate: 'y',
          updatedAt: 'z',
        },
      };

describe('Handler: verify-identity', () => {
  beforeAll(async () => {
    process.env.DSAR_TABLE = 'Requests';
    process.env.DSAR_STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Dsar';
    process.env.DSAR_TOKENS_TABLE = 'Tokens';
    ({ handler } = (await import('../../../functions/verify-identity/handler')) as unknown as { handler: Handler });
  });
  beforeEach(() => {
    ddb.reset();
    sfn.reset();
  });

  it('answers an opened link with a page that says what confirming does, two buttons, and writes nothing', async () => {
    // Prepare: the token belongs to a deletion request waiting for its subject
    ddb.on(GetCommand).callsFake(pendingDeletion);

    // Act
    const response = await handler(event('GET', { queryStringParameters: { token: TOKEN } }), lambdaContext('verify'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/text\/html/);
    // the buttons post the page language back, so the answer speaks it too
    expect(response.body).toContain('<form method="post" action="verify?lang=en">');
    expect(response.body).toContain(`name="token" value="${TOKEN}"`);
    expect(response.body).toContain('permanently erase');
    expect(response.body).toContain('value="cancel"');
    expect(response.body).not.toContain('ada@example.com');
    // a page carrying a token cannot be framed, cached or leak it through Referer
    expect(response.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers?.['x-frame-options']).toBe('DENY');
    expect(response.headers?.['cache-control']).toBe('no-store');
    expect(response.headers?.['referrer-policy']).toBe('no-referrer');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('speaks the language the browser asks for, what confirming does included', async () => {
    // Prepare
    ddb.on(GetCommand).callsFake(pendingDeletion);

    // Act
    const response = await handler(
      event('GET', { queryStringParameters: { token: TOKEN }, headers: { 'accept-language': 'es-MX,es;q=0.9' } }),
      lambdaContext('verify'),
    );

    // Assess
    expect(response.body).toContain('<html lang="es">');
    expect(response.body).toContain('Confirme su solicitud de privacidad');
    expect(response.body).toContain('borraremos para siempre');
    expect(response.body).toContain('<form method="post" action="verify?lang=es">');
    expect(response.body).toContain('>No fui yo</button>');
  });

  it('refuses an oversized form before reading it, changing nothing', async () => {
    // Act
    const response = await handler(
      event('POST', { body: `token=${TOKEN}&pad=${'x'.repeat(4096)}` }),
      lambdaContext('verify'),
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(ddb.calls()).toHaveLength(0);
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
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
