import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type BatchOutcome, classifyResponse, type PollerEvent } from './stream-batch';
import { describeFailedBatch, type FailureCondition, type FailureDestination } from './failure-queue';
import { compileFilterPatterns, type RecordFilter } from './filter-patterns';
import type { StreamEventConfig } from './serverless-config';
import { type CheckpointStore, MemoryCheckpoints } from './stream-checkpoints';
import { ShardReader, type ShardState } from './stream-shards';
import { toLambdaRecord } from './stream-reader';

export { type BatchOutcome, classifyResponse, type FunctionErrorInfo, type PollerEvent } from './stream-batch';

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

const DEFAULT_POLL_INTERVAL_MS = 250;
const defaultRetryDelay = (retry: number) => Math.min(200 * 2 ** (retry - 1), 5000);

export class StreamPoller {
  private readonly filter: RecordFilter;
  private readonly checkpoints: CheckpointStore;
  private readonly shards: ShardReader;
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;

  constructor(private readonly options: StreamPollerOptions) {
    this.filter = compileFilterPatterns(options.event.filterPatterns, `functions.${options.functionName}.events.stream.filterPatterns`);
    this.checkpoints = options.checkpoints ?? new MemoryCheckpoints();
    this.shards = new ShardReader({
      streamArn: options.streamArn,
      streams: options.streams,
      checkpoints: this.checkpoints,
      startingPosition: options.event.startingPosition,
    });
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
        await this.shards.refreshShards();
        for (const shard of this.shards.readyShards()) {
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

  /** Reads the next page of a shard and delivers it. Returns whether there were records. */
  private async pollShard(shard: ShardState): Promise<boolean> {
    const page = await this.shards.readPage(shard);
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
    return this.now() / 1000 - created > maxAge;
  }

  private async giveUp(shard: ShardState, records: readonly DynamoDBRecord[], condition: FailureCondition, invokeCount: number, functionError?: string) {
    const destination = this.options.onFailure;
    if (destination) {
      await destination.send(
        describeFailedBatch(
          { functionArn: this.options.functionArn, streamArn: this.options.streamArn, shardId: shard.shardId, now: this.now() },
          records,
          condition,
          invokeCount,
          functionError,
        ),
      );
    }
    this.emit({ type: 'gave-up', records, condition, destination: destination?.location });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
