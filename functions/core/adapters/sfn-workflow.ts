import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionState, Executions } from '../ports';

/**
 * The request workflow in Step Functions. Executions are named by request id, so a second start of the
 * same request is refused by Step Functions itself (same name and input within 90 days → the same execution).
 */
export class SfnExecutions implements Executions {
  public constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  public async start(requestId: string, name = requestId): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify({ requestId }),
        }),
      );
    } catch (error) {
      // Same name, other input cannot happen (the input is the name); an existing execution is the one we want.
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }

  public async describe(name: string): Promise<ExecutionState> {
    try {
      const { status } = await this.client.send(
        new DescribeExecutionCommand({ executionArn: this.executionArn(name) }),
      );
      if (status === 'RUNNING' || status === 'PENDING_REDRIVE') return 'running';
      return status === 'SUCCEEDED' ? 'succeeded' : 'failed';
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return 'none';
      throw error;
    }
  }

  /** An execution's ARN follows from its machine's and its name (arn:…:stateMachine:M → arn:…:execution:M:name). */
  private executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }
}
