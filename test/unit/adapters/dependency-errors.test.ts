import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StatusConflictError } from '../../../functions/core/domain/errors';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DependencyUnavailableError } from '../../../functions/core/errors';
import { dependencyErrors, translateDependencyError } from '../../../functions/core/adapters/dependency-errors';
import { DynamoRequestRepository } from '../../../functions/core/adapters/dynamo-request-repository';
import { DynamoTokenStore } from '../../../functions/core/adapters/dynamo-token-store';
import { S3DocumentStore } from '../../../functions/core/adapters/s3-document-store';
import { SesMailer } from '../../../functions/core/adapters/ses-mailer';
import { SfnExecutions } from '../../../functions/core/adapters/sfn-workflow';

/**
 * The real SDK clients, with the middleware the pipeline installs, answered by a fake HTTP handler: the error goes
 * through the SDK's own deserialisation, so these are the shapes AWS really produces (not hand-built exceptions).
 */
type Answer = { status: number; headers?: Record<string, string>; body: string } | Error;

function handler(answer: Answer) {
  return {
    handle: async () => {
      if (answer instanceof Error) throw answer;
      return {
        response: {
          statusCode: answer.status,
          reason: '',
          headers: answer.headers ?? {},
          body: Readable.from([Buffer.from(answer.body)]),
        },
      };
    },
  };
}

const config = (answer: Answer) => ({
  region: 'us-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  requestHandler: handler(answer),
});

function dynamo(answer: Answer): DynamoDBDocumentClient {
  const base = new DynamoDBClient(config(answer));
  base.middlewareStack.use(dependencyErrors('DynamoDB'));
  return DynamoDBDocumentClient.from(base);
}
function ses(answer: Answer): SESv2Client {
  const client = new SESv2Client(config(answer));
  client.middlewareStack.use(dependencyErrors('SES'));
  return client;
}
function s3(answer: Answer): S3Client {
  const client = new S3Client(config(answer));
  client.middlewareStack.use(dependencyErrors('S3'));
  return client;
}
function sfn(answer: Answer): SFNClient {
  const client = new SFNClient(config(answer));
  client.middlewareStack.use(dependencyErrors('StepFunctions'));
  return client;
}
const dynamoError = (type: string) => ({
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'for ada@example.com' }),
});
const sesError = (status: number, type: string) => ({
  status,
  headers: { 'x-amzn-errortype': type, 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Maximum sending rate exceeded for ada@example.com' }),
});
const mail = { to: 'ada@example.com', subject: 's', text: 't' };

describe('Function: dependencyErrors', () => {
  it.each([
    [
      'SES TooManyRequestsException',
      'SendEmail',
      () => new SesMailer(ses(sesError(429, 'TooManyRequestsException')), 'a@b.co').send(mail),
    ],
    [
      'SES LimitExceededException',
      'SendEmail',
      () => new SesMailer(ses(sesError(400, 'LimitExceededException')), 'a@b.co').send(mail),
    ],
    [
      'DynamoDB ProvisionedThroughputExceededException',
      'Get',
      () => new DynamoRequestRepository(dynamo(dynamoError('ProvisionedThroughputExceededException')), 'T').get('r1'),
    ],
    [
      'DynamoDB ThrottlingException',
      'Put',
      () => new DynamoTokenStore(dynamo(dynamoError('ThrottlingException')), 'T').issue('download', 'r1', 60),
    ],
    [
      'S3 SlowDown (503)',
      'GetObject',
      () =>
        new S3DocumentStore(
          s3({
            status: 503,
            body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
          }),
          'b',
        ).read('exports/x.json'),
    ],
    [
      'Step Functions ThrottlingException',
      'StartExecution',
      () =>
        new SfnExecutions(
          sfn({
            status: 400,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
          }),
          'arn:aws:states:us-east-1:000000000000:stateMachine:m',
        ).start('r1'),
    ],
    [
      'a reset connection',
      'SendEmail',
      () => new SesMailer(ses(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 'a@b.co').send(mail),
    ],
  ])('turns %s into DependencyUnavailableError', async (_, operation, act) => {
    // Act
    const error = await act().then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).message).toContain(operation);
    expect((error as Error).message).not.toContain('@');
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('passes a permanent fault through unchanged, so the adapters still recognise it', async () => {
    // Prepare
    const repository = new DynamoRequestRepository(dynamo(dynamoError('ConditionalCheckFailedException')), 'T');

    // Act
    const lost = repository.forgetSubject('r1');
    const rejected = new SesMailer(ses(sesError(400, 'MessageRejected')), 'a@b.co').send(mail);

    // Assess
    // the adapter saw the ConditionalCheckFailedException itself and said what it means
    await expect(lost).rejects.toBeInstanceOf(StatusConflictError);
    await expect(rejected).rejects.toMatchObject({ name: 'MessageRejected' });
    await expect(rejected).rejects.not.toBeInstanceOf(DependencyUnavailableError);
  });

  it('leaves an existing execution to the adapter, which treats it as success', async () => {
    // Prepare
    const executions = new SfnExecutions(
      sfn({
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({ __type: 'ExecutionAlreadyExists', message: 'exists' }),
      }),
      'arn:aws:states:us-east-1:000000000000:stateMachine:m',
    );

    // Act & Assess
    await expect(executions.start('r1')).resolves.toBeUndefined();
  });
});

describe('Function: translateDependencyError', () => {
  it('leaves programming errors alone', () => {
    // Prepare
    const bug = new TypeError('x is undefined');

    // Act & Assess
    expect(translateDependencyError('S3', 'GetObject', bug)).toBe(bug);
  });
});

describe('Module: aws-clients', () => {
  it('installs the translation on every client the adapters are built with', async () => {
    // Prepare
    const clients = await import('../../../functions/core/adapters/aws-clients');

    // Act
    const stacks = [clients.dynamoDocumentClient(), clients.s3Client(), clients.sesClient(), clients.sfnClient()].map(
      (client) => client.middlewareStack.identify(),
    );

    // Assess
    for (const stack of stacks) expect(stack.some((entry) => entry.startsWith('dsarDependencyErrors'))).toBe(true);
  });
});
