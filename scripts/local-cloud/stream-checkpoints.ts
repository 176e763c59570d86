import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where an event source mapping has got to in each shard: the sequence number
 * of the last record it is done with (processed, filtered out, or given up
 * on). On AWS Lambda keeps this for you; it is what makes a consumer resume
 * where it stopped instead of from the start of the stream. Checkpoints only
 * ever move forward, and only past records that are done: that is the
 * at-least-once guarantee.
 */
export interface CheckpointStore {
  get(streamArn: string, shardId: string): string | undefined;
  set(streamArn: string, shardId: string, sequenceNumber: string): void;
}

/** Checkpoints that live as long as the process (the default: the data is in memory too). */
export class MemoryCheckpoints implements CheckpointStore {
  private readonly positions = new Map<string, string>();

  get(streamArn: string, shardId: string): string | undefined {
    return this.positions.get(`${streamArn} ${shardId}`);
  }

  set(streamArn: string, shardId: string, sequenceNumber: string): void {
    this.positions.set(`${streamArn} ${shardId}`, sequenceNumber);
  }
}

/**
 * Checkpoints in a JSON file beside the persisted DynamoDB data (`--persist`),
 * so a restart does not replay the whole stream and start old sagas again.
 */
export class FileCheckpoints implements CheckpointStore {
  private readonly positions: Record<string, string>;

  constructor(private readonly file: string) {
    this.positions = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  }

  get(streamArn: string, shardId: string): string | undefined {
    return this.positions[`${streamArn} ${shardId}`];
  }

  set(streamArn: string, shardId: string, sequenceNumber: string): void {
    this.positions[`${streamArn} ${shardId}`] = sequenceNumber;
    mkdirSync(path.dirname(this.file), { recursive: true });
    // Write-then-rename: a crash mid-write never leaves a half-written file.
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.positions, null, 2));
    renameSync(temporary, this.file);
  }
}
