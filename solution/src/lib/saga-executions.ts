import { DescribeExecutionCommand, RedriveExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { SagaInput } from './order-model';
import { traced } from './observability';

/** What the reconciler needs to know about one saga execution. */
export type ExecutionStatus = 'NONE' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'PENDING_REDRIVE';

export interface ExecutionState {
  readonly status: ExecutionStatus;
  /** The error the execution failed with, e.g. `OrderNeedsAttention` from the saga's Fail state. */
  readonly error?: string;
}

/**
 * The three Step Functions calls the reconciler makes, by execution NAME
 * (names are deterministic: the ORDER_CREATED event id, then
 * `<eventId>-retry-<n>` for fresh runs the reconciler starts).
 */
export interface SagaExecutions {
  describe(name: string): Promise<ExecutionState>;
  /** Starts the execution; one that already exists counts as started (names are idempotent). */
  start(name: string, input: SagaInput): Promise<'STARTED' | 'ALREADY_STARTED'>;
  /** Re-drives a failed, aborted or timed-out execution from the step that did not succeed. */
  redrive(name: string): Promise<'REDRIVEN' | 'NOT_REDRIVABLE'>;
}

/** An execution's ARN is the state machine's, with `execution` and the name. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export function stepFunctionsSagaExecutions(stateMachineArn: string, client: SFNClient = traced(new SFNClient({}))): SagaExecutions {
  return {
    async describe(name) {
      try {
        const execution = await client.send(new DescribeExecutionCommand({ executionArn: executionArnFor(stateMachineArn, name) }));
        return { status: (execution.status ?? 'RUNNING') as ExecutionStatus, error: execution.error };
      } catch (error) {
        if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return { status: 'NONE' };
        throw error;
      }
    },
    async start(name, input) {
      try {
        await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
        return 'STARTED';
      } catch (error) {
        if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return 'ALREADY_STARTED';
        throw error;
      }
    },
    async redrive(name) {
      try {
        await client.send(new RedriveExecutionCommand({ executionArn: executionArnFor(stateMachineArn, name) }));
        return 'REDRIVEN';
      } catch (error) {
        if (error instanceof Error && (error.name === 'ExecutionNotRedrivable' || error.name === 'ExecutionLimitExceeded')) return 'NOT_REDRIVABLE';
        throw error;
      }
    },
  };
}
