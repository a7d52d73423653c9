import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeExecutionCommand,
  SFNClient,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { HandlerLoader } from '../../infra/local/handlers';
import { startApiServer } from '../../infra/local/api-server';
import { LocalStepFunctions } from '../../infra/local/sfn-runner';
import { startSfnServer } from '../../infra/local/sfn-server';
import { REPO_ROOT } from '../../infra/local/twin';
import { sleep } from '../../infra/local/client';
import type { LocalServer } from '../../infra/local/http';
import * as callback from '../fixtures/handlers/callback';

const ARN = 'arn:aws:states:local:000000000000:stateMachine:Test';

describe('Local runtime: the HTTP API server', () => {
  let api: LocalServer;

  beforeAll(async () => {
    api = await startApiServer(
      [{ method: 'GET', path: '/things/{id}', handler: 'test/fixtures/handlers/echo.ts' }],
      new HandlerLoader(REPO_ROOT),
    );
  });
  afterAll(async () => api?.stop());

  it('builds an API Gateway v2 event: route key, path parameters, query, lower-cased headers', async () => {
    // Act
    const response = await fetch(`${api.url}/things/a%20b?x=1&y=two`, { headers: { 'X-Custom': 'Yes' } });
    const event = (await response.json()) as Record<string, unknown>;

    // Assess
    expect(response.status).toBe(200);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /things/{id}',
      rawPath: '/things/a%20b',
      pathParameters: { id: 'a b' },
      queryStringParameters: { x: '1', y: 'two' },
      headers: { 'x-custom': 'Yes' },
      requestContext: { http: { method: 'GET' } },
    });
  });

  it('answers an unknown route 404 and a wrong method 405, as JSON errors', async () => {
    // Act
    const unknown = await fetch(`${api.url}/nothing`);
    const wrongMethod = await fetch(`${api.url}/things/1`, { method: 'DELETE' });

    // Assess
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(wrongMethod.status).toBe(405);
  });
});

describe('Local runtime: Step Functions behind the real SDK client', () => {
  const definition = {
    StartAt: 'Wait',
    States: {
      Wait: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'fn', Payload: { 'taskToken.$': '$$.Task.Token', 'id.$': '$.id' } },
        TimeoutSeconds: 30,
        End: true,
      },
    },
  };
  let runner: LocalStepFunctions;
  let server: LocalServer;
  let sfn: SFNClient;

  beforeAll(async () => {
    runner = new LocalStepFunctions(
      {
        definition,
        tasks: { Wait: { handler: 'test/fixtures/handlers/callback.ts', integration: 'waitForTaskToken' } },
      },
      new HandlerLoader(REPO_ROOT),
      ARN,
    );
    server = await startSfnServer(runner);
    sfn = new SFNClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
  });
  afterAll(async () => {
    await runner?.stop();
    await server?.stop();
  });

  it('starts an execution once per name, waits for its callback, and finishes with its output', async () => {
    // Act
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: ARN, name: 'req-1', input: '{"id":"req-1"}' }),
    );
    const again = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: ARN, name: 'req-1', input: '{"id":"req-1"}' }),
    );
    while (callback.tokens.length === 0) await sleep(10);
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: callback.tokens[0], output: '{"verified":true}' }));
    await runner.idle();
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));

    // Assess
    expect(again.executionArn).toBe(first.executionArn);
    expect(running.status).toBe('RUNNING');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toEqual({ verified: true });
    expect(Buffer.from(String(callback.tokens[0]).split(':')[1] ?? '', 'base64url')).toHaveLength(16);
  });

  it('refuses a token no task is waiting on, with the AWS error', async () => {
    // Act
    const result = sfn.send(new SendTaskSuccessCommand({ taskToken: 'req-1:forged', output: '{}' }));

    // Assess
    await expect(result).rejects.toBeInstanceOf(TaskDoesNotExist);
  });
});
