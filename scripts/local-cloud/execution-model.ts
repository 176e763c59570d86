import type { ExecutionRecord } from './execution-store';
import type { HistoryEvent } from './history-events';

/**
 * The local Step Functions' view of an execution: the API's names and
 * errors, and the conversion to and from the record kept in the store.
 */
export type ExecutionStatus = ExecutionRecord['status'];

export interface LocalExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: Date;
  /** The whole history (earlier runs included), live while the execution runs. */
  readonly history: HistoryEvent[];
  readonly finished: Promise<void>;
}

export type StepFunctionsErrorName =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'ExecutionNotRedrivable'
  | 'StateMachineDoesNotExist'
  | 'InvalidName'
  | 'InvalidExecutionInput'
  | 'InvalidArn'
  | 'InvalidToken'
  | 'ValidationException'
  | 'ServiceUnavailable';

/** Errors with the names the Step Functions API uses, so SDK clients see the same exceptions. */
export class StepFunctionsApiError extends Error {
  constructor(name: StepFunctionsErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

export type ExecutionListener = (execution: LocalExecution, event: HistoryEvent) => void;

const iso = (date: Date | undefined) => date?.toISOString();

export function fromRecord(record: ExecutionRecord, history: HistoryEvent[]): LocalExecution {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    input: record.input,
    startDate: new Date(record.startDate),
    status: record.status,
    stopDate: record.stopDate ? new Date(record.stopDate) : undefined,
    output: record.output,
    error: record.error,
    cause: record.cause,
    redriveCount: record.redriveCount,
    redriveDate: record.redriveDate ? new Date(record.redriveDate) : undefined,
    history,
    finished: Promise.resolve(),
  };
}

export function toRecord(execution: LocalExecution): ExecutionRecord {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    input: execution.input,
    startDate: execution.startDate.toISOString(),
    status: execution.status,
    stopDate: iso(execution.stopDate),
    output: execution.output,
    error: execution.error,
    cause: execution.cause,
    redriveCount: execution.redriveCount,
    redriveDate: iso(execution.redriveDate),
  };
}
