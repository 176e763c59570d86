import type { StateMachine } from 'aws-local-stepfunctions';
import type { LocalLambdaRuntime } from './lambda-runtime';
import { executionArn, stateMachineArn } from './local-arns';
import type { ServiceConfig } from './serverless-config';
import { type CompiledStateMachine, type PublishedEvent, compileStateMachine, runOptions } from './state-machine';

/** aws-local-stepfunctions does not export its event type; derive it from run(). */
type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** One history event, in the shape GetExecutionHistory returns. */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: Date;
  readonly type: string;
  readonly [details: string]: unknown;
}

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
  readonly history: HistoryEvent[];
  readonly finished: Promise<void>;
}

/** Errors with the names the Step Functions API uses, so SDK clients see the same exceptions. */
export class StepFunctionsApiError extends Error {
  constructor(
    name: 'ExecutionAlreadyExists' | 'ExecutionDoesNotExist' | 'StateMachineDoesNotExist' | 'InvalidName' | 'InvalidExecutionInput' | 'InvalidArn',
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

export interface ExecutionListener {
  (execution: LocalExecution, event: HistoryEvent): void;
}

interface MachineEntry {
  readonly arn: string;
  readonly name: string;
  readonly type: string;
  readonly compiled: CompiledStateMachine;
  readonly definition: unknown;
  readonly createdAt: Date;
}

const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Step Functions, locally: the state machines from serverless.yml executed by
 * aws-local-stepfunctions, with STANDARD execution-name semantics (a name is
 * used once; starting it again is ExecutionAlreadyExists, unless the first
 * execution is still running with the same input, which returns it), and an
 * execution history per run.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, MachineEntry>();
  private readonly executions = new Map<string, LocalExecution>();
  private readonly listeners: ExecutionListener[] = [];
  readonly publishedEvents: PublishedEvent[] = [];

  constructor(
    private readonly config: ServiceConfig,
    private readonly runtime: LocalLambdaRuntime,
    private readonly options: { retryIntervalMs?: number } = {},
  ) {
    for (const machineConfig of config.stateMachines) {
      const arn = stateMachineArn(config, machineConfig.name);
      this.machines.set(arn, {
        arn,
        name: machineConfig.name,
        type: machineConfig.type,
        compiled: compileStateMachine(config, machineConfig),
        definition: machineConfig.definition,
        createdAt: new Date(),
      });
    }
  }

  onEvent(listener: ExecutionListener): void {
    this.listeners.push(listener);
  }

  listStateMachines() {
    return [...this.machines.values()].map(({ arn, name, type, createdAt }) => ({ stateMachineArn: arn, name, type, creationDate: createdAt }));
  }

  describeStateMachine(arn: string) {
    const machine = this.machine(arn);
    return { stateMachineArn: machine.arn, name: machine.name, type: machine.type, status: 'ACTIVE', definition: JSON.stringify(machine.definition), creationDate: machine.createdAt, roleArn: `${machine.arn}-role` };
  }

  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): LocalExecution {
    const machine = this.machine(request.stateMachineArn);
    const name = request.name ?? crypto.randomUUID();
    if (!EXECUTION_NAME.test(name)) throw new StepFunctionsApiError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch {
      throw new StepFunctionsApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const arn = executionArn(this.config, machine.name, name);
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new StepFunctionsApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const run = machine.compiled.machine.run(parsedInput as any, {
      ...runOptions(machine.compiled, {
        runtime: this.runtime,
        retryIntervalMs: this.options.retryIntervalMs,
        publish: (entries) => this.publishedEvents.push(...entries),
      }),
      context: { Execution: { Id: arn, Name: name, Input: parsedInput as any, StartTime: new Date().toISOString() } },
    });
    let markFinished!: () => void;
    const execution: LocalExecution = {
      executionArn: arn,
      stateMachineArn: machine.arn,
      name,
      input,
      startDate: new Date(),
      status: 'RUNNING',
      history: [],
      finished: new Promise<void>((resolve) => (markFinished = resolve)),
    };
    this.executions.set(arn, execution);
    void this.record(execution, run.eventLogs, run.result).finally(markFinished);
    return execution;
  }

  private async record(execution: LocalExecution, events: AsyncGenerator<EventLog>, result: Promise<unknown>): Promise<void> {
    // The result promise rejects when the execution fails; the event log
    // carries the same news, so the rejection is only observed, not rethrown.
    result.catch(() => undefined);
    for await (const event of events) {
      const historyEvent = toHistoryEvent(event, execution.history.length + 1);
      execution.history.push(historyEvent);
      switch (event.type) {
        case 'ExecutionSucceeded':
          execution.status = 'SUCCEEDED';
          execution.output = JSON.stringify(event.output);
          execution.stopDate = new Date(event.timestamp);
          break;
        case 'ExecutionFailed':
          execution.status = 'FAILED';
          execution.error = event.Error;
          execution.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
          execution.stopDate = new Date(event.timestamp);
          break;
        case 'ExecutionAborted':
          execution.status = 'ABORTED';
          execution.stopDate = new Date(event.timestamp);
          break;
        case 'ExecutionTimeout':
          execution.status = 'TIMED_OUT';
          execution.stopDate = new Date(event.timestamp);
          break;
        default:
          break;
      }
      for (const listener of this.listeners) listener(execution, historyEvent);
    }
  }

  describeExecution(arn: string): LocalExecution {
    const execution = this.executions.get(arn);
    if (!execution) throw new StepFunctionsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  listExecutions(stateMachineArn: string, statusFilter?: ExecutionStatus): LocalExecution[] {
    this.machine(stateMachineArn);
    return [...this.executions.values()]
      .filter((e) => e.stateMachineArn === stateMachineArn && (!statusFilter || e.status === statusFilter))
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  /** Resolves when every execution started so far has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.finished));
  }

  private machine(arn: string): MachineEntry {
    const machine = this.machines.get(arn);
    if (!machine) throw new StepFunctionsApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }
}

const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));

/** Maps aws-local-stepfunctions' event log to the Step Functions history event shapes. */
function toHistoryEvent(event: EventLog, id: number): HistoryEvent {
  const base = { id, previousEventId: id - 1, timestamp: new Date(event.timestamp) };
  switch (event.type) {
    case 'ExecutionStarted':
      return { ...base, type: 'ExecutionStarted', executionStartedEventDetails: { input: json(event.input) } };
    case 'ExecutionSucceeded':
      return { ...base, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: json(event.output) } };
    case 'ExecutionFailed':
      return { ...base, type: 'ExecutionFailed', executionFailedEventDetails: { error: event.Error, cause: typeof event.Cause === 'string' ? event.Cause : json(event.Cause) } };
    case 'ExecutionAborted':
      return { ...base, type: 'ExecutionAborted' };
    case 'ExecutionTimeout':
      return { ...base, type: 'ExecutionTimedOut' };
    case 'StateEntered':
      return { ...base, type: `${event.state.type}StateEntered`, stateEnteredEventDetails: { name: event.state.name, input: json(event.state.input) } };
    case 'StateExited':
      return { ...base, type: `${event.state.type}StateExited`, stateExitedEventDetails: { name: event.state.name, output: json(event.state.output) } };
    case 'StateFailed':
      return { ...base, type: 'TaskFailed', taskFailedEventDetails: { resource: event.state.name, error: event.Error, cause: typeof event.Cause === 'string' ? event.Cause : json(event.Cause) } };
    case 'StateRetried':
      return { ...base, type: 'TaskStateRetried', stateRetriedEventDetails: { name: event.state.name, attempt: event.retry.attempt } };
    case 'StateCaught':
      return { ...base, type: 'TaskStateCaught', stateCaughtEventDetails: { name: event.state.name, next: event.catch.catcher.Next } };
    default:
      return { ...base, type: event.type };
  }
}
