import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { CheckpointStore } from './stream-checkpoints';

/**
 * The shards of one DynamoDB stream as an event source mapping sees them:
 * which exist, which may be read now (a child only after its parent, so the
 * order of a key's records is kept), and where to read each from (its
 * checkpoint, else the mapping's starting position).
 */
export interface ShardState {
  readonly shardId: string;
  readonly parentShardId?: string;
  /** The shard existed when the mapping started (only those honour startingPosition LATEST). */
  readonly existedAtStart: boolean;
  iterator?: string;
  /** The shard is closed and every record in it is done. */
  finished: boolean;
}

export interface ShardReaderOptions {
  readonly streamArn: string;
  readonly streams: DynamoDBStreamsClient;
  readonly checkpoints: CheckpointStore;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
}

export class ShardReader {
  private readonly shards = new Map<string, ShardState>();
  private firstDescribe = true;

  constructor(private readonly options: ShardReaderOptions) {}

  async refreshShards(): Promise<void> {
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
  readyShards(): ShardState[] {
    return [...this.shards.values()].filter((shard) => {
      if (shard.finished) return false;
      const parent = shard.parentShardId ? this.shards.get(shard.parentShardId) : undefined;
      return !parent || parent.finished;
    });
  }

  private async iteratorFor(shard: ShardState): Promise<string | undefined> {
    const { streamArn, streams } = this.options;
    const checkpoint = this.options.checkpoints.get(streamArn, shard.shardId);
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
    const latest = this.options.startingPosition === 'LATEST' && shard.existedAtStart && !checkpoint;
    return (await request(latest ? 'LATEST' : 'TRIM_HORIZON')).ShardIterator;
  }

  /**
   * One GetRecords call. Iterators expire (15 minutes on AWS), and DynamoDB
   * Local refuses with TrimmedDataAccessException an iterator that points
   * before the shard's first record (its sequence numbers are shared by all
   * tables, so a stream's first record is rarely number 1): in both cases a
   * fresh iterator from the checkpoint reads the same records, so ask again once.
   */
  async readPage(shard: ShardState): Promise<GetRecordsCommandOutput | undefined> {
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
}
