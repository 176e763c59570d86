import type { LocalLambdaRuntime } from './lambda-runtime';
import { executionArn, stateMachineArn } from './local-arns';
import { type ExecutionRecord, type ExecutionStore, MemoryExecutionStore } from './execution-store';
import { type ExecutionListener, type ExecutionStatus, type LocalExecution, StepFunctionsApiError, fromRecord, toRecord } from './execution-model';
import { type EventLog, type HistoryEvent, toHistoryEvent } from './history-events';
import { type Page, PagingError, pageOf } from './paging';
import type { ServiceConfig } from './serverless-config';
import { type CompiledStateMachine, type PublishedEvent, compileStateMachine, runOptions } from './state-machine';

export type { HistoryEvent } from './history-events';
export { type ExecutionListener, type ExecutionStatus, type LocalExecution, StepFunctionsApiError, type StepFunctionsErrorName } from './execution-model';

interface MachineEntry {
  readonly arn: string;
  readonly name: string;
  readonly type: string;
  readonly compiled: CompiledStateMachine;
  readonly definition: unknown;
  readonly createdAt: Date;
}

interface Running {
  readonly execution: LocalExecution;
  readonly abort: () => void;
  readonly done: () => void;
  /** Set when this run must no longer write (stopped, or the service closed under it). */
  detached: boolean;
}

export interface LocalStepFunctionsOptions {
  retryIntervalMs?: number;
  /** Default: in memory, bounded. `--persist` passes a FileExecutionStore. */
  store?: ExecutionStore;
  /** How many published EventBridge entries `publishedEvents` keeps (default 1,000, newest). */
  maxPublishedEvents?: number;
}

const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const REDRIVABLE: readonly ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];
/**
 * Step Functions, locally: the state machines from serverless.yml executed by
 * aws-local-stepfunctions, with STANDARD execution-name semantics (a name is
 * used once; starting it again is ExecutionAlreadyExists, unless the first
 * execution is still running with the same input, which returns it), an
 * execution history per run, RedriveExecution and StopExecution.
 *
 * Executions live in an ExecutionStore, written before StartExecution
 * answers; in memory there are only the running ones (and their histories),
 * so a long run does not grow.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, MachineEntry>();
  private readonly running = new Map<string, Running>();
  private readonly listeners: ExecutionListener[] = [];
  private readonly store: ExecutionStore;
  private readonly maxPublishedEvents: number;
  /** The newest EventBridge entries the saga put (bounded; tests and the hop log read them). */
  readonly publishedEvents: PublishedEvent[] = [];
  private readonly publishListeners: Array<(entries: readonly PublishedEvent[]) => void> = [];
  private accepting = true;

  constructor(
    private readonly config: ServiceConfig,
    private readonly runtime: LocalLambdaRuntime,
    private readonly options: LocalStepFunctionsOptions = {},
  ) {
    this.store = options.store ?? new MemoryExecutionStore();
    this.maxPublishedEvents = options.maxPublishedEvents ?? 1000;
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
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      type: machine.type,
      status: 'ACTIVE',
      definition: JSON.stringify(machine.definition),
      creationDate: machine.createdAt,
      roleArn: `${machine.arn}-role`,
    };
  }

  describeStateMachineForExecution(executionArn: string) {
    const record = this.record(executionArn);
    const { status: _status, type: _type, creationDate, ...machine } = this.describeStateMachine(record.stateMachineArn);
    return { ...machine, updateDate: creationDate };
  }

  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): LocalExecution {
    const machine = this.machine(request.stateMachineArn);
    const name = request.name ?? crypto.randomUUID();
    if (!EXECUTION_NAME.test(name)) throw new StepFunctionsApiError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    try {
      JSON.parse(input);
    } catch {
      throw new StepFunctionsApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const arn = executionArn(this.config, machine.name, name);
    const existing = this.store.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return this.describeExecution(arn);
      throw new StepFunctionsApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    this.assertAccepting();
    const record: ExecutionRecord = {
      executionArn: arn,
      stateMachineArn: machine.arn,
      name,
      input,
      startDate: new Date().toISOString(),
      status: 'RUNNING',
      redriveCount: 0,
    };
    // Durable before acknowledged: once this returns, the relay checkpoints the outbox event.
    this.store.put(record);
    return this.launch(machine, record, [], false);
  }

  /**
   * RedriveExecution. AWS restarts a failed execution from the state that
   * failed; locally the execution runs again from the start. That is safe
   * only because every step and compensation is idempotent, as the saga guide requires.
   */
  redriveExecution(arn: string): LocalExecution {
    const record = this.record(arn);
    if (!REDRIVABLE.includes(record.status)) {
      throw new StepFunctionsApiError(
        'ExecutionNotRedrivable',
        `Execution is ${record.status}; only FAILED, TIMED_OUT or ABORTED executions can be redriven: '${arn}'`,
      );
    }
    this.assertAccepting();
    return this.redrive(record);
  }

  /** StopExecution: the execution ends ABORTED now; a task already running finishes on its own (as a Lambda would). */
  stopExecution(arn: string, details: { error?: string; cause?: string } = {}): LocalExecution {
    const live = this.running.get(arn);
    if (!live) return this.describeExecution(arn);
    const execution = live.execution;
    execution.status = 'ABORTED';
    execution.stopDate = new Date();
    execution.error = details.error;
    execution.cause = details.cause;
    this.store.put(toRecord(execution));
    this.append(execution, {
      type: 'ExecutionAborted',
      timestamp: execution.stopDate,
      executionAbortedEventDetails: { error: details.error, cause: details.cause },
    });
    this.finish(arn, live);
    live.abort();
    return execution;
  }

  /** Re-drives every execution the store has as RUNNING but nothing runs: those a stop or crash interrupted. */
  resumeInterrupted(): LocalExecution[] {
    const resumed: LocalExecution[] = [];
    for (const machine of this.machines.values()) {
      for (const record of this.store.list(machine.arn)) {
        if (record.status === 'RUNNING' && !this.running.has(record.executionArn)) resumed.push(this.redrive(record));
      }
    }
    return resumed;
  }

  describeExecution(arn: string): LocalExecution {
    const live = this.running.get(arn);
    if (live) return live.execution;
    const record = this.record(arn);
    return fromRecord(record, this.storedHistory(arn));
  }

  listExecutions(stateMachineArn: string, request: { statusFilter?: ExecutionStatus; maxResults?: unknown; nextToken?: unknown } = {}): Page<LocalExecution> {
    this.machine(stateMachineArn);
    const records = this.store
      .list(stateMachineArn)
      .filter((record) => !request.statusFilter || record.status === request.statusFilter)
      .sort((a, b) => b.startDate.localeCompare(a.startDate) || a.executionArn.localeCompare(b.executionArn));
    const page = this.paged(records, (record) => record.executionArn, request);
    return { items: page.items.map((record) => fromRecord(record, [])), nextToken: page.nextToken };
  }

  getExecutionHistory(arn: string, request: { maxResults?: unknown; nextToken?: unknown; reverseOrder?: boolean } = {}): Page<HistoryEvent> {
    const events = this.running.get(arn)?.execution.history ?? (this.record(arn), this.storedHistory(arn));
    const ordered = request.reverseOrder ? [...events].reverse() : events;
    return this.paged(ordered, (event) => String(event.id), request);
  }

  /** Resolves when every execution running now has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()].map((run) => run.execution.finished));
  }

  get runningCount(): number {
    return this.running.size;
  }

  /**
   * Graceful stop: refuse new executions, let running ones reach their end
   * for up to `deadlineMs`, then detach what is left. Those stay RUNNING in
   * the store, so with `--persist` the next start re-drives them.
   */
  async drain(deadlineMs: number): Promise<{ finished: number; interrupted: number }> {
    this.accepting = false;
    const before = this.running.size;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise((resolve) => (timer = setTimeout(resolve, deadlineMs)))]);
    clearTimeout(timer);
    const interrupted = this.running.size;
    for (const [arn, live] of [...this.running]) this.finish(arn, live);
    return { finished: before - interrupted, interrupted };
  }

  private redrive(record: ExecutionRecord): LocalExecution {
    const machine = this.machine(record.stateMachineArn);
    const redriven: ExecutionRecord = {
      ...record,
      status: 'RUNNING',
      stopDate: undefined,
      output: undefined,
      error: undefined,
      cause: undefined,
      redriveCount: record.redriveCount + 1,
      redriveDate: new Date().toISOString(),
    };
    this.store.put(redriven);
    return this.launch(machine, redriven, this.storedHistory(record.executionArn), true);
  }

  private launch(machine: MachineEntry, record: ExecutionRecord, history: HistoryEvent[], redriven: boolean): LocalExecution {
    const parsedInput = JSON.parse(record.input);
    const run = machine.compiled.machine.run(parsedInput, {
      ...runOptions(machine.compiled, {
        runtime: this.runtime,
        retryIntervalMs: this.options.retryIntervalMs,
        publish: (entries) => this.publish(entries),
      }),
      noThrowOnAbort: true,
      context: {
        Execution: { Id: record.executionArn, Name: record.name, Input: parsedInput, StartTime: record.startDate, RedriveCount: record.redriveCount } as any,
      },
    });
    let done!: () => void;
    const execution: LocalExecution = { ...fromRecord(record, history), finished: new Promise<void>((resolve) => (done = resolve)) };
    const live: Running = { execution, abort: run.abort, done, detached: false };
    this.running.set(record.executionArn, live);
    void this.follow(live, run.eventLogs, run.result, redriven).finally(() => this.finish(record.executionArn, live));
    return execution;
  }

  private async follow(live: Running, events: AsyncGenerator<EventLog>, result: Promise<unknown>, redriven: boolean): Promise<void> {
    // The result promise rejects when the execution fails; the event log
    // carries the same news, so the rejection is only observed, not rethrown.
    result.catch(() => undefined);
    const { execution } = live;
    for await (const event of events) {
      if (live.detached) return;
      const mapped = toHistoryEvent(event, 0);
      const { id: _id, previousEventId: _previous, ...rest } = mapped;
      if (redriven && mapped.type === 'ExecutionStarted') {
        this.append(execution, {
          type: 'ExecutionRedriven',
          timestamp: mapped.timestamp,
          executionRedrivenEventDetails: { redriveCount: execution.redriveCount },
        });
        continue;
      }
      const terminal = this.applyTerminal(execution, event);
      // The summary first: after a crash between the two writes the status is right and only the last history line is missing.
      if (terminal) this.store.put(toRecord(execution));
      this.append(execution, rest);
    }
  }

  private applyTerminal(execution: LocalExecution, event: EventLog): boolean {
    const stopDate = new Date(event.timestamp);
    switch (event.type) {
      case 'ExecutionSucceeded':
        Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(event.output), stopDate });
        return true;
      case 'ExecutionFailed':
        Object.assign(execution, {
          status: 'FAILED',
          error: event.Error,
          cause: typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause),
          stopDate,
        });
        return true;
      case 'ExecutionAborted':
        Object.assign(execution, { status: 'ABORTED', stopDate });
        return true;
      case 'ExecutionTimeout':
        Object.assign(execution, { status: 'TIMED_OUT', stopDate });
        return true;
      default:
        return false;
    }
  }

  private append(execution: LocalExecution, event: Omit<HistoryEvent, 'id' | 'previousEventId'>): void {
    const id = execution.history.length + 1;
    const historyEvent = { ...event, id, previousEventId: id - 1 } as HistoryEvent;
    execution.history.push(historyEvent);
    this.store.appendHistory(execution.executionArn, { ...historyEvent, timestamp: historyEvent.timestamp.getTime() });
    for (const listener of this.listeners) listener(execution, historyEvent);
  }

  private finish(arn: string, live: Running): void {
    if (live.detached) return;
    live.detached = true;
    if (this.running.get(arn) === live) this.running.delete(arn);
    if (live.execution.status === 'RUNNING') live.abort();
    live.done();
  }

  /** Records events put on the local bus: the saga's events:putEvents tasks and PutEvents calls (local-eventbridge.ts). */
  publish(entries: readonly PublishedEvent[]): void {
    this.publishedEvents.push(...entries);
    if (this.publishedEvents.length > this.maxPublishedEvents) this.publishedEvents.splice(0, this.publishedEvents.length - this.maxPublishedEvents);
    for (const listener of this.publishListeners) listener(entries);
  }

  /** Observers of every recorded event (the hop log, the dashboard); they must not throw. */
  onPublish(listener: (entries: readonly PublishedEvent[]) => void): void {
    this.publishListeners.push(listener);
  }

  private storedHistory(arn: string): HistoryEvent[] {
    return this.store.history(arn).map((event) => ({ ...event, timestamp: new Date(event.timestamp) }));
  }

  private paged<T>(items: readonly T[], keyOf: (item: T) => string, request: { maxResults?: unknown; nextToken?: unknown }): Page<T> {
    try {
      return pageOf(items, keyOf, request);
    } catch (error) {
      if (error instanceof PagingError) throw new StepFunctionsApiError(error.code, error.message);
      throw error;
    }
  }

  private assertAccepting(): void {
    if (!this.accepting) throw new StepFunctionsApiError('ServiceUnavailable', 'The local Step Functions is stopping; try again after it restarts');
  }

  private record(arn: string): ExecutionRecord {
    const record = this.store.get(arn);
    if (!record) throw new StepFunctionsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  private machine(arn: string): MachineEntry {
    const machine = this.machines.get(arn);
    if (!machine) throw new StepFunctionsApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }
}
