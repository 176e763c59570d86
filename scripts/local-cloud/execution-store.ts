import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the local Step Functions keeps its executions.
 *
 * Step Functions is durable on AWS: an execution it has acknowledged
 * (StartExecution returned) is never lost, and survives anything the caller
 * does. The relay relies on that: once StartExecution answers, the stream
 * checkpoint moves past the outbox event. So with `--persist` every
 * execution is written to disk BEFORE StartExecution answers, and each
 * history event is appended as it happens; a `kill -9` then loses nothing
 * acknowledged, and a restart finds the executions that were RUNNING.
 *
 * Without `--persist` the store is in memory and bounded: the newest
 * executions are kept (a long demo must not grow without end), older
 * finished ones are forgotten.
 *
 * Written with plain synchronous writes (and write-then-rename for the
 * summary): they survive a crash of this process, not a power cut (no fsync).
 */
export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  /** ISO timestamps: the record is JSON on disk. */
  readonly startDate: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  readonly stopDate?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly redriveCount: number;
  readonly redriveDate?: string;
}

/** A history event as stored (timestamp as epoch ms). */
export interface StoredHistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

export interface ExecutionStore {
  get(executionArn: string): ExecutionRecord | undefined;
  /** Durable when it returns (for the file store). */
  put(record: ExecutionRecord): void;
  appendHistory(executionArn: string, event: StoredHistoryEvent): void;
  history(executionArn: string): StoredHistoryEvent[];
  /** Every execution of a state machine the store still holds. */
  list(stateMachineArn: string): ExecutionRecord[];
}

/** The name part of an execution ARN: `…:execution:<machine>:<name>`; both are [A-Za-z0-9_-], safe as file names. */
function fileStem(executionArn: string): { machine: string; name: string } {
  const parts = executionArn.split(':');
  return { machine: parts[parts.length - 2], name: parts[parts.length - 1] };
}

export class FileExecutionStore implements ExecutionStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private files(executionArn: string) {
    const { machine, name } = fileStem(executionArn);
    const folder = path.join(this.dir, machine);
    return { folder, summary: path.join(folder, `${name}.json`), history: path.join(folder, `${name}.history.jsonl`) };
  }

  get(executionArn: string): ExecutionRecord | undefined {
    const { summary } = this.files(executionArn);
    if (!existsSync(summary)) return undefined;
    return JSON.parse(readFileSync(summary, 'utf8')) as ExecutionRecord;
  }

  put(record: ExecutionRecord): void {
    const { folder, summary } = this.files(record.executionArn);
    mkdirSync(folder, { recursive: true });
    // Write-then-rename: a crash mid-write leaves the previous version, never half a file.
    const temporary = `${summary}.tmp`;
    writeFileSync(temporary, JSON.stringify(record));
    renameSync(temporary, summary);
  }

  appendHistory(executionArn: string, event: StoredHistoryEvent): void {
    const { folder, history } = this.files(executionArn);
    mkdirSync(folder, { recursive: true });
    appendFileSync(history, `${JSON.stringify(event)}\n`);
  }

  history(executionArn: string): StoredHistoryEvent[] {
    const { history } = this.files(executionArn);
    if (!existsSync(history)) return [];
    const events: StoredHistoryEvent[] = [];
    for (const line of readFileSync(history, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as StoredHistoryEvent);
      } catch {
        // A kill -9 mid-append leaves at most one torn last line: skip it.
      }
    }
    return events;
  }

  list(stateMachineArn: string): ExecutionRecord[] {
    const machine = stateMachineArn.split(':').pop() as string;
    const folder = path.join(this.dir, machine);
    if (!existsSync(folder)) return [];
    const records: ExecutionRecord[] = [];
    for (const file of readdirSync(folder)) {
      if (!file.endsWith('.json')) continue;
      try {
        records.push(JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as ExecutionRecord);
      } catch {
        // unreadable: skip rather than fail every listing
      }
    }
    return records.filter((record) => record.stateMachineArn === stateMachineArn);
  }
}

export interface MemoryStoreLimits {
  /** Executions kept (running ones are never dropped). Default 10,000. */
  readonly maxExecutions?: number;
  /** Finished executions whose history is kept. Default 1,000. */
  readonly maxHistories?: number;
}

export class MemoryExecutionStore implements ExecutionStore {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly histories = new Map<string, StoredHistoryEvent[]>();
  private readonly maxExecutions: number;
  private readonly maxHistories: number;

  constructor(limits: MemoryStoreLimits = {}) {
    this.maxExecutions = limits.maxExecutions ?? 10_000;
    this.maxHistories = limits.maxHistories ?? 1_000;
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.records.get(executionArn);
  }

  put(record: ExecutionRecord): void {
    this.records.set(record.executionArn, record);
    this.evict(this.records, this.maxExecutions, (arn) => this.histories.delete(arn));
    this.evict(this.histories, this.maxHistories);
  }

  appendHistory(executionArn: string, event: StoredHistoryEvent): void {
    const events = this.histories.get(executionArn) ?? [];
    events.push(event);
    this.histories.set(executionArn, events);
  }

  history(executionArn: string): StoredHistoryEvent[] {
    return [...(this.histories.get(executionArn) ?? [])];
  }

  list(stateMachineArn: string): ExecutionRecord[] {
    return [...this.records.values()].filter((record) => record.stateMachineArn === stateMachineArn);
  }

  /** Drops the oldest finished entries (Maps iterate in insertion order) until within the bound. */
  private evict<T>(map: Map<string, T>, max: number, onDrop?: (arn: string) => void): void {
    if (map.size <= max) return;
    for (const arn of map.keys()) {
      if (map.size <= max) break;
      if (this.records.get(arn)?.status === 'RUNNING') continue;
      map.delete(arn);
      onDrop?.(arn);
    }
  }
}
