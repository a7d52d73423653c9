import { ExecutionAlreadyExists, InvalidToken, SendTaskSuccessCommand, StartExecutionCommand, TaskDoesNotExist, TaskTimedOut, type SFNClient } from '@aws-sdk/client-sfn';
import type { Workflow } from '../ports';

/**
 * The request workflow in Step Functions. Executions are named by request id, so a second start of the
 * same request is refused by Step Functions itself (same name and input within 90 days → the same execution).
 */
export class SfnWorkflow implements Workflow {
  public constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  public async start(requestId: string): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: requestId, input: JSON.stringify({ requestId }) }),
      );
    } catch (error) {
      // Same name, other input cannot happen (the input is the name); an existing execution is the one we want.
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }

  public async complete(taskToken: string, output: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return true;
    } catch (error) {
      // The task is gone (timed out, or its execution was restarted with a new token): the record already says
      // what happened, and a re-run of the waiting step reads it from there.
      if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) return false;
      throw error;
    }
  }
}
