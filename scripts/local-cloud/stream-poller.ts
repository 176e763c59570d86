import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { randomUUID } from 'node:crypto';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { FailureCondition, FailureDestination } from './failure-queue';
import { compileFilterPatterns, type RecordFilter } from './filter-patterns';
import type { StreamEventConfig } from './serverless-config';
import { type CheckpointStore, MemoryCheckpoints } from './stream-checkpoints';
import { toLambdaRecord } from './stream-reader';

/**
 * A local Lambda event source mapping for one DynamoDB stream: it polls the
 * stream through the real DynamoDB Streams API and invokes the function with
 * real DynamoDBStreamEvents, honouring the settings of the `stream` event in
 * serverless.yml the way AWS does:
 *
 * - records of a shard are delivered in order, at most `batchSize` at a time;
 * - `filterPatterns` are applied before invoking; filtered-out records are
 *   checkpointed without an invocation;
 * - `ReportBatchItemFailures`: the checkpoint moves to just before the lowest
 *   failed sequence number and the batch is retried *from that record*, so
 *   the records after it are delivered again (never skipped);
 * - a thrown error fails the whole batch; with `bisectBatchOnFunctionError`
 *   the batch is split in two and each half retried (splitting does not use
 *   up the retry quota, as on AWS), which isolates a poison record;
 * - after `maximumRetryAttempts` retries, or once a record is older than
 *   `maximumRecordAgeInSeconds`, the batch is described to the on-failure
 *   destination and the shard moves on, so one bad record cannot block the
 *   records behind it for a day.
 */
export interface StreamPollerOptions {
  readonly functionName: string;
  readonly functionArn: string;
  /** The stream's real ARN (DescribeTable's LatestStreamArn). */
  readonly streamArn: string;
  readonly event: StreamEventConfig;
  readonly streams: DynamoDBStreamsClient;
  /** Runs the function; a rejection is a function error. */
  readonly invoke: (event: DynamoDBStreamEvent) => Promise<unknown>;
  readonly onFailure?: FailureDestination;
  readonly checkpoints?: CheckpointStore;
  readonly region?: string;
  /** Pause between polls when the stream had nothing new (AWS polls 4 times a second). */
  readonly pollIntervalMs?: number;
  /** Wait before retry number `retry` (1, 2, ...) of a failed batch. */
  readonly retryDelayMs?: (retry: number) => number;
  readonly now?: () => number;
  readonly onEvent?: (event: PollerEvent) => void;
}

export type FunctionErrorInfo = { readonly errorType: string; readonly errorMessage: string };

export type PollerEvent =
  | { readonly type: 'filtered'; readonly records: readonly DynamoDBRecord[] }
  | { readonly type: 'invoked'; readonly batch: readonly DynamoDBRecord[]; readonly attempt: number }
  | { readonly type: 'succeeded'; readonly batch: readonly DynamoDBRecord[] }
  | {
      readonly type: 'partial-failure';
      readonly batch: readonly DynamoDBRecord[];
      readonly failed: readonly DynamoDBRecord[];
      readonly retryFrom: DynamoDBRecord;
    }
  | { readonly type: 'function-error'; readonly batch: readonly DynamoDBRecord[]; readonly error: FunctionErrorInfo }
  | { readonly type: 'bisected'; readonly halves: readonly [readonly DynamoDBRecord[], readonly DynamoDBRecord[]] }
  | { readonly type: 'retrying'; readonly batch: readonly DynamoDBRecord[]; readonly retry: number; readonly maxRetries: number; readonly delayMs: number }
  | {
      readonly type: 'gave-up';
      readonly records: readonly DynamoDBRecord[];
      readonly condition: FailureCondition;
      /** Where the description went, or undefined when no destination is configured (the records are dropped). */
      readonly destination?: string;
    }
  | { readonly type: 'poll-error'; readonly error: Error };

/** What one invocation's outcome means for the batch. */
export type BatchOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly retryFromIndex: number; readonly failedIndexes: readonly number[] }
  | { readonly kind: 'error'; readonly error: FunctionErrorInfo };

/**
 * Reads a function's response the way Lambda does for ReportBatchItemFailures:
 * no list or an empty list is success; an itemIdentifier that is empty, not a
 * string, or not a sequence number of this batch makes the whole batch failed.
 * Without ReportBatchItemFailures the response is ignored.
 */
export function classifyResponse(response: unknown, batch: readonly DynamoDBRecord[], reportBatchItemFailures: boolean): BatchOutcome {
  if (!reportBatchItemFailures || response === null || typeof response !== 'object') return { kind: 'success' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  const invalid: BatchOutcome = {
    kind: 'error',
    error: { errorType: 'InvalidBatchItemFailures', errorMessage: `batchItemFailures is not a list of known sequence numbers: ${JSON.stringify(failures)}` },
  };
  if (!Array.isArray(failures)) return invalid;
  if (failures.length === 0) return { kind: 'success' };
  const indexes: number[] = [];
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? batch.findIndex((record) => record.dynamodb?.SequenceNumber === id) : -1;
    if (index < 0) return invalid;
    indexes.push(index);
  }
  // Records arrive in sequence order, so the lowest failed sequence number is the smallest index.
  return { kind: 'partial', retryFromIndex: Math.min(...indexes), failedIndexes: [...new Set(indexes)].sort((a, b) => a - b) };
}

interface ShardState {
  readonly shardId: string;
  readonly parentShardId?: string;
  /** The shard existed when the mapping started (only those honour startingPosition LATEST). */
  readonly existedAtStart: boolean;
  iterator?: string;
  /** The shard is closed and every record in it is done. */
  finished: boolean;
}

const DEFAULT_POLL_INTERVAL_MS = 250;
const defaultRetryDelay = (retry: number) => Math.min(200 * 2 ** (retry - 1), 5000);

export class StreamPoller {
  private readonly filter: RecordFilter;
  private readonly checkpoints: CheckpointStore;
  private readonly shards = new Map<string, ShardState>();
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;
  private firstDescribe = true;

  constructor(private readonly options: StreamPollerOptions) {
    this.filter = compileFilterPatterns(options.event.filterPatterns, `functions.${options.functionName}.events.stream.filterPatterns`);
    this.checkpoints = options.checkpoints ?? new MemoryCheckpoints();
  }

  get functionName(): string {
    return this.options.functionName;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops polling; resolves once an invocation in progress has returned. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private emit(event: PollerEvent): void {
    this.options.onEvent?.(event);
  }

  private async run(): Promise<void> {
    let lastError: string | undefined;
    while (!this.stopped) {
      let readSomething = false;
      try {
        await this.refreshShards();
        for (const shard of this.readyShards()) {
          if (this.stopped) break;
          readSomething = (await this.pollShard(shard)) || readSomething;
        }
        lastError = undefined;
      } catch (error) {
        if (this.stopped) break;
        // Keep polling (the stream may come back), but report the same problem once, not 4 times a second.
        const err = error instanceof Error ? error : new Error(String(error));
        if (err.message !== lastError) this.emit({ type: 'poll-error', error: err });
        lastError = err.message;
      }
      if (!readSomething) await this.sleep(this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopping.signal.addEventListener('abort', done, { once: true });
    });
  }

  private async refreshShards(): Promise<void> {
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.options.streams.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
        this.shards.set(shard.ShardId, { shardId: shard.ShardId, parentShardId: shard.ParentShardId, existedAtStart: this.firstDescribe, finished: false });
      }
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    this.firstDescribe = false;
  }

  /** Shards whose parent is done (or gone): a child's records come after its parent's, so order is kept. */
  private readyShards(): ShardState[] {
    return [...this.shards.values()].filter((shard) => {
      if (shard.finished) return false;
      const parent = shard.parentShardId ? this.shards.get(shard.parentShardId) : undefined;
      return !parent || parent.finished;
    });
  }

  private async iteratorFor(shard: ShardState): Promise<string | undefined> {
    const { streamArn, streams } = this.options;
    const checkpoint = this.checkpoints.get(streamArn, shard.shardId);
    const request = (type: ShardIteratorType, sequenceNumber?: string) =>
      streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.shardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }));
    if (checkpoint) {
      try {
        return (await request('AFTER_SEQUENCE_NUMBER', checkpoint)).ShardIterator;
      } catch (error) {
        // The checkpoint fell out of the stream's retention: start from what is left.
        if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
      }
    }
    const latest = this.options.event.startingPosition === 'LATEST' && shard.existedAtStart && !checkpoint;
    return (await request(latest ? 'LATEST' : 'TRIM_HORIZON')).ShardIterator;
  }

  /**
   * One GetRecords call. Iterators expire (15 minutes on AWS), and DynamoDB
   * Local refuses with TrimmedDataAccessException an iterator that points
   * before the shard's first record (its sequence numbers are shared by all
   * tables, so a stream's first record is rarely number 1): in both cases a
   * fresh iterator from the checkpoint reads the same records, so ask again once.
   */
  private async readPage(shard: ShardState): Promise<GetRecordsCommandOutput | undefined> {
    for (let attempt = 1; ; attempt++) {
      shard.iterator ??= await this.iteratorFor(shard);
      if (!shard.iterator) {
        shard.finished = true;
        return undefined;
      }
      try {
        return await this.options.streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }));
      } catch (error) {
        if (!['ExpiredIteratorException', 'TrimmedDataAccessException'].includes((error as Error).name)) throw error;
        shard.iterator = undefined;
        if (attempt >= 2) return undefined;
      }
    }
  }

  /** Reads the next page of a shard and delivers it. Returns whether there were records. */
  private async pollShard(shard: ShardState): Promise<boolean> {
    const page = await this.readPage(shard);
    if (!page) return false;
    const records = (page.Records ?? []).map((record) => toLambdaRecord(record, this.options.streamArn, this.options.region ?? 'us-east-1'));
    const completed = await this.deliverInOrder(shard, records);
    if (!completed) {
      // Stopped part-way: resume from the checkpoint, never from the iterator, so nothing is lost.
      shard.iterator = undefined;
      return records.length > 0;
    }
    shard.iterator = page.NextShardIterator;
    if (!page.NextShardIterator) shard.finished = true; // a closed shard, read to its end
    return records.length > 0;
  }

  /**
   * Cuts the records into batches of matching records (filtering first, as
   * Lambda does) and delivers them one after the other. The checkpoint moves
   * past a window of records only once all of them are done.
   */
  private async deliverInOrder(shard: ShardState, records: readonly DynamoDBRecord[]): Promise<boolean> {
    let position = 0;
    while (position < records.length) {
      if (this.stopped) return false;
      const batch: DynamoDBRecord[] = [];
      const filtered: DynamoDBRecord[] = [];
      let end = position;
      while (end < records.length && batch.length < this.options.event.batchSize) {
        const record = records[end++];
        (this.filter(record) ? batch : filtered).push(record);
      }
      if (filtered.length > 0) this.emit({ type: 'filtered', records: filtered });
      if (batch.length > 0 && !(await this.deliver(shard, batch, 0))) return false;
      const last = records[end - 1].dynamodb?.SequenceNumber;
      if (last) this.checkpoints.set(this.options.streamArn, shard.shardId, last);
      position = end;
    }
    return true;
  }

  /**
   * Delivers one batch until it succeeds or is given up on. Returns false only
   * when the poller was stopped before that.
   */
  private async deliver(shard: ShardState, batch: readonly DynamoDBRecord[], retriesSoFar: number): Promise<boolean> {
    const { event } = this.options;
    let pending = batch;
    let retries = retriesSoFar;
    let invocations = 0;
    while (pending.length > 0) {
      if (this.stopped) return false;
      const expired = pending.filter((record) => this.isTooOld(record));
      if (expired.length > 0) {
        // Records are in order, so the too-old ones are at the front.
        await this.giveUp(shard, expired, 'RecordAgeExceeded', invocations);
        pending = pending.filter((record) => !expired.includes(record));
        if (pending.length === 0) return true;
      }

      invocations++;
      this.emit({ type: 'invoked', batch: pending, attempt: retries + 1 });
      let outcome: BatchOutcome;
      try {
        const response = await this.options.invoke({ Records: [...pending] });
        outcome = classifyResponse(response, pending, event.functionResponseType === 'ReportBatchItemFailures');
      } catch (error) {
        const err = error as { errorType?: string; errorMessage?: string; name?: string; message?: string };
        outcome = { kind: 'error', error: { errorType: err.errorType ?? err.name ?? 'Error', errorMessage: err.errorMessage ?? err.message ?? String(error) } };
      }

      if (outcome.kind === 'success') {
        this.emit({ type: 'succeeded', batch: pending });
        return true;
      }
      if (outcome.kind === 'partial') {
        const failed = outcome.failedIndexes.map((i) => pending[i]);
        // Everything before the lowest failure is done; retry from it, including the records after it.
        this.emit({ type: 'partial-failure', batch: pending, failed, retryFrom: pending[outcome.retryFromIndex] });
        pending = pending.slice(outcome.retryFromIndex);
      } else {
        this.emit({ type: 'function-error', batch: pending, error: outcome.error });
      }

      if (outcome.kind === 'error' && event.bisectBatchOnFunctionError && pending.length > 1) {
        // Splitting does not use up the retry quota: each half starts with the retries used so far.
        const middle = Math.ceil(pending.length / 2);
        const halves = [pending.slice(0, middle), pending.slice(middle)] as const;
        this.emit({ type: 'bisected', halves });
        return (await this.deliver(shard, halves[0], retries)) && (await this.deliver(shard, halves[1], retries));
      }
      const maxRetries = event.maximumRetryAttempts;
      if (maxRetries >= 0 && retries >= maxRetries) {
        await this.giveUp(shard, pending, 'RetryAttemptsExhausted', invocations, outcome.kind === 'error' ? 'Unhandled' : undefined);
        return true;
      }
      retries++;
      const delayMs = (this.options.retryDelayMs ?? defaultRetryDelay)(retries);
      this.emit({ type: 'retrying', batch: pending, retry: retries, maxRetries, delayMs });
      await this.sleep(delayMs);
    }
    return true;
  }

  private isTooOld(record: DynamoDBRecord): boolean {
    const maxAge = this.options.event.maximumRecordAgeInSeconds;
    const created = record.dynamodb?.ApproximateCreationDateTime;
    if (maxAge === undefined || maxAge < 0 || created === undefined) return false;
    return ((this.options.now ?? Date.now)() / 1000 - created) > maxAge;
  }

  private async giveUp(shard: ShardState, records: readonly DynamoDBRecord[], condition: FailureCondition, invokeCount: number, functionError?: string) {
    const destination = this.options.onFailure;
    if (destination) {
      const first = records[0];
      const last = records[records.length - 1];
      const arrival = (record: DynamoDBRecord) => {
        const seconds = record.dynamodb?.ApproximateCreationDateTime;
        return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
      };
      await destination.send({
        requestContext: { requestId: randomUUID(), functionArn: this.options.functionArn, condition, approximateInvokeCount: invokeCount },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(functionError ? { functionError } : {}) },
        version: '1.0',
        timestamp: new Date((this.options.now ?? Date.now)()).toISOString(),
        DDBStreamBatchInfo: {
          shardId: shard.shardId,
          startSequenceNumber: first.dynamodb?.SequenceNumber ?? '',
          endSequenceNumber: last.dynamodb?.SequenceNumber ?? '',
          approximateArrivalOfFirstRecord: arrival(first),
          approximateArrivalOfLastRecord: arrival(last),
          batchSize: records.length,
          streamArn: this.options.streamArn,
        },
        records,
      });
    }
    this.emit({ type: 'gave-up', records, condition, destination: destination?.location });
  }
}
