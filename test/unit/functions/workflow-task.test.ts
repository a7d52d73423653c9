import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Context } from 'aws-lambda';
import { workflowTask, WorkflowStepError } from '../../../functions/core/task';
import { DependencyUnavailableError } from '../../../functions/core/errors';
import { logger } from '../../../functions/core/logger';
import { MarkAttention } from '../../../functions/mark-attention/mark-attention';
import { MemoryRequests, aRequest } from '../../support/fakes';

const context = {
  functionName: 'f',
  functionVersion: '1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
  memoryLimitInMB: '128',
  awsRequestId: 'a',
  logGroupName: 'g',
  logStreamName: 's',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

/** What the Node.js Lambda runtime reports for a thrown error, i.e. what Step Functions stores as the task's Cause. */
const runtimeCause = (error: Error) =>
  JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: error.stack?.split('\n') });

/** An SES sandbox rejection, as SES words it: the recipient's address is in the message. */
function sesRejection(): Error {
  const error = new Error('Email address is not verified. The following identities failed the check: ada@example.com');
  error.name = 'MessageRejected';
  return error;
}

describe('Function: workflowTask', () => {
  const requestId = aRequest().requestId;
  afterEach(() => vi.restoreAllMocks());

  it('rethrows any error under its own name with a fixed message, so no address reaches the execution history', async () => {
    // Prepare
    const handler = workflowTask(z.object({ requestId: z.uuid() }), async () => {
      throw Object.assign(sesRejection(), { cause: sesRejection() });
    });

    // Act
    const error = (await handler({ requestId }, context).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error).toBeInstanceOf(WorkflowStepError);
    expect(error.name).toBe('MessageRejected');
    expect(error.message).toBe(WorkflowStepError.MESSAGE);
    expect(error.cause).toBeUndefined();
    expect(runtimeCause(error)).not.toContain('@');
    expect(error.stack).not.toMatch(/ada|example\.com/);
  });

  it('logs the original by name, cause names and stack frames only, even when its message spans lines', async () => {
    // Prepare
    const logged = vi.spyOn(logger, 'error');
    const handler = workflowTask(z.object({ requestId: z.uuid() }), async () => {
      const error = sesRejection();
      error.message = 'rejected\nfor ada@example.com';
      error.stack = 'MessageRejected: rejected\nfor ada@example.com\n    at send (file:///x.js:1:1)';
      throw new DependencyUnavailableError('SES', 'SendEmail', { cause: error });
    });

    // Act
    const error = (await handler({ requestId }, context).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.name).toBe('DependencyUnavailableError');
    expect(error.stack).toBe(`DependencyUnavailableError: ${WorkflowStepError.MESSAGE}`);
    expect(logged).toHaveBeenCalledWith('step failed', {
      error: { name: 'DependencyUnavailableError', causes: ['MessageRejected'], frames: expect.any(Array) },
    });
    expect(JSON.stringify(logged.mock.calls)).not.toMatch(/ada|rejected|transiently/);
  });

  it('names invalid input by path, and still says nothing else', async () => {
    // Prepare
    const handler = workflowTask(z.object({ requestId: z.uuid() }), async () => ({}));

    // Act
    const error = (await handler({ requestId: 'ada@example.com' }, context).catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.name).toBe('InvalidTaskInputError');
    expect(runtimeCause(error)).not.toContain('@');
  });

  it('passes a result through untouched', async () => {
    // Prepare
    const handler = workflowTask(z.object({ requestId: z.uuid() }), async ({ requestId: id }) => ({ id }));

    // Act & Assess
    await expect(handler({ requestId }, context)).resolves.toEqual({ id: requestId });
  });
});

describe('Class: MarkAttention', () => {
  const requestId = aRequest().requestId;
  const at = new Date('2026-11-02T10:00:00.000Z');

  it('records the step, the error name and when, on a request left in a mid status', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(aRequest({ status: 'assembling', verified: { email: 'ada@example.com' } }));

    // Act
    const result = await new MarkAttention(requests, () => at).execute({
      requestId,
      step: 'AssembleExport',
      error: 'DependencyUnavailableError',
    });

    // Assess
    expect(result).toEqual({ marked: true });
    expect((await requests.get(requestId))?.attention).toEqual({
      step: 'AssembleExport',
      error: 'DependencyUnavailableError',
      at: at.toISOString(),
    });
    expect((await requests.get(requestId))?.status).toBe('assembling');
  });

  it('keeps only an identifier as the error, never free text', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(aRequest({ status: 'delivering' }));

    // Act
    await new MarkAttention(requests, () => at).execute({
      requestId,
      step: 'Deliver',
      error: 'failed for ada@example.com',
    });

    // Assess
    expect((await requests.get(requestId))?.attention?.error).toBe('UnrecognisedError');
  });

  it('marks nothing on a request that finished or does not exist, and does not throw', async () => {
    // Prepare
    const requests = new MemoryRequests();
    await requests.create(aRequest({ status: 'completed' }));
    const mark = new MarkAttention(requests, () => at);

    // Act
    const finished = await mark.execute({ requestId, step: 'Deliver', error: 'DeliveryInProgressError' });
    const missing = await mark.execute({ requestId: 'nope', step: 'Deliver', error: 'X' });

    // Assess
    expect([finished, missing]).toEqual([{ marked: false }, { marked: false }]);
    expect((await requests.get(requestId))?.attention).toBeUndefined();
  });
});
