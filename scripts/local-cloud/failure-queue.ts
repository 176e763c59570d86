import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * The on-failure destination of a stream event source mapping, locally.
 *
 * On AWS, when a batch has used up its retries (or its records are too old),
 * Lambda stops retrying, sends a small JSON document describing the batch to
 * the on-failure destination (the SQS queue in serverless.yml) and moves on,
 * so one poison record cannot block the shard for a day. The document names
 * the shard and the sequence-number range, not the records themselves: an
 * operator reads them back from the stream (within its 24 h retention).
 *
 * Locally the "queue" is a JSON-lines file, one message per line, in that
 * same AWS shape, plus a `records` field (local only) holding the records, so
 * a learner can see at once what was given up on.
 */
export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface OnFailureMessage {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: string;
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord?: string;
    readonly approximateArrivalOfLastRecord?: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
  /** Local only: the records themselves (AWS sends only the batch info above). */
  readonly records: readonly DynamoDBRecord[];
}

export interface FailureDestination {
  /** The ARN serverless.yml names, e.g. the SQS queue's. */
  readonly arn: string;
  /** Where a learner finds the messages locally. */
  readonly location: string;
  send(message: OnFailureMessage): Promise<void>;
}

/** A local stand-in for the SQS on-failure queue: one JSON document per line. */
export class JsonLinesFailureQueue implements FailureDestination {
  constructor(
    readonly arn: string,
    readonly file: string,
  ) {}

  get location(): string {
    return this.file;
  }

  /** Empties the file (an in-memory local cloud starts with an empty queue). */
  reset(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, '');
  }

  async send(message: OnFailureMessage): Promise<void> {
    mkdirSync(path.dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(message)}\n`);
  }

  read(): OnFailureMessage[] {
    return readFailureQueue(this.file);
  }
}

export function readFailureQueue(file: string): OnFailureMessage[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OnFailureMessage);
}

export interface FailedBatchContext {
  readonly functionArn: string;
  readonly streamArn: string;
  readonly shardId: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** The message Lambda sends to an on-failure destination for a batch it gave up on. */
export function describeFailedBatch(
  context: FailedBatchContext,
  records: readonly DynamoDBRecord[],
  condition: FailureCondition,
  invokeCount: number,
  functionError?: string,
): OnFailureMessage {
  const first = records[0];
  const last = records[records.length - 1];
  const arrival = (record: DynamoDBRecord) => {
    const seconds = record.dynamodb?.ApproximateCreationDateTime;
    return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
  };
  return {
    requestContext: { requestId: randomUUID(), functionArn: context.functionArn, condition, approximateInvokeCount: invokeCount },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(functionError ? { functionError } : {}) },
    version: '1.0',
    timestamp: new Date(context.now).toISOString(),
    DDBStreamBatchInfo: {
      shardId: context.shardId,
      startSequenceNumber: first.dynamodb?.SequenceNumber ?? '',
      endSequenceNumber: last.dynamodb?.SequenceNumber ?? '',
      approximateArrivalOfFirstRecord: arrival(first),
      approximateArrivalOfLastRecord: arrival(last),
      batchSize: records.length,
      streamArn: context.streamArn,
    },
    records,
  };
}
