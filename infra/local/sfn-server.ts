import type { LocalStepFunctions } from './sfn-runner';
import { SfnApiError } from './sfn-runner';
import { readBody, serve, type LocalCredentials, type LocalServer } from './http';

/**
 * The Step Functions API (AWS JSON 1.0 protocol) in front of the local runner, so the functions use the real
 * SFN client (pointed here by AWS_ENDPOINT_URL_SFN) and do not know they run locally. With `credentials`, a request
 * that is not signed with their access key id is refused, like a foreign Host or any Origin (no page calls it).
 */
/** Injected failures, for tests of what happens when Step Functions does not answer (tests only). */
export interface SfnFaults {
  /** answer this many StartExecution calls with a 503 before serving them */
  startExecution?: number;
}

export function startSfnServer(
  runner: LocalStepFunctions,
  port = 0,
  credentials?: LocalCredentials,
  faults: SfnFaults = {},
): Promise<LocalServer> {
  let failStarts = faults.startExecution ?? 0;
  const epoch = (date?: Date) => (date ? date.getTime() / 1000 : undefined);
  const operations: Record<string, (body: Record<string, string | undefined>) => unknown> = {
    StartExecution: (body) => {
      if (body.stateMachineArn !== runner.stateMachineArn)
        throw new SfnApiError('StateMachineDoesNotExist', 'State Machine Does Not Exist');
      if (!body.name) throw new SfnApiError('InvalidName', 'an execution name is required');
      const execution = runner.start(body.name, body.input ?? '{}');
      return { executionArn: execution.executionArn, startDate: epoch(execution.startDate) };
    },
    DescribeExecution: (body) => {
      const e = runner.describe(body.executionArn ?? '');
      return {
        ...e,
        stateMachineArn: runner.stateMachineArn,
        startDate: epoch(e.startDate),
        stopDate: epoch(e.stopDate),
      };
    },
    SendTaskSuccess: (body) => {
      runner.sendTaskSuccess(body.taskToken ?? '', body.output ?? '{}');
      return {};
    },
    SendTaskFailure: (body) => {
      runner.sendTaskFailure(body.taskToken ?? '', body.error, body.cause);
      return {};
    },
  };
  return serve(
    port,
    async (req, res) => {
      const target = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
      const operation = operations[target];
      if (target === 'StartExecution' && failStarts > 0) {
        failStarts -= 1;
        res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'ServiceUnavailable', message: 'injected fault' }));
        return;
      }
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      if (!operation)
        return reply(400, { __type: 'UnknownOperationException', message: `${target} is not supported locally` });
      const raw = await readBody(req, 256 * 1024);
      try {
        reply(200, operation(JSON.parse(raw?.toString('utf8') || '{}')));
      } catch (error) {
        if (error instanceof SfnApiError) return reply(400, { __type: error.name, message: error.message });
        throw error;
      }
    },
    credentials ? { accessKeyId: credentials.accessKeyId, requireCredential: true } : {},
  );
}
