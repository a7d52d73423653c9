import {
  InvalidToken,
  SendTaskSuccessCommand,
  type SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { TaskCallbacks } from '../ports';

/**
 * Answers to tasks that wait for a callback, through the SFN API (Step Functions in the cloud, the twin's local SFN
 * server on one machine: the same client either way). The task token names its execution, so no ARN is needed.
 */
export class SfnTaskCallbacks implements TaskCallbacks {
  public constructor(private readonly client: SFNClient) {}

  public async complete(taskToken: string, output: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return true;
    } catch (error) {
      // The task is gone (timed out, or its execution was stopped or restarted): the answer is recorded on the request's
      // side, and a re-run of the waiting step reads it from there.
      if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken)
        return false;
      throw error;
    }
  }
}
