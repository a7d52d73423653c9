import { ExecutionAlreadyExists, SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
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

  public async complete(taskToken: string, output: Record<string, unknown>): Promise<void> {
    await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }
}
