import { DescribeStreamCommand, type DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * Reads a table's DynamoDB stream through the real Streams API and returns the
 * records in the exact shape Lambda puts in a DynamoDBStreamEvent.
 */
export async function streamArnOf(dynamodb: DynamoDBClient, tableName: string): Promise<string> {
  const table = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const arn = table.Table?.LatestStreamArn;
  if (!arn) throw new Error(`Table ${tableName} has no stream; check StreamSpecification in serverless.yml`);
  return arn;
}

export function toLambdaRecord(record: _Record, streamArn: string, region: string): DynamoDBRecord {
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime ? record.dynamodb.ApproximateCreationDateTime.getTime() / 1000 : undefined,
      Keys: record.dynamodb?.Keys as any,
      NewImage: record.dynamodb?.NewImage as any,
      OldImage: record.dynamodb?.OldImage as any,
      SequenceNumber: record.dynamodb?.SequenceNumber,
      SizeBytes: record.dynamodb?.SizeBytes,
      StreamViewType: record.dynamodb?.StreamViewType as any,
    },
  };
}

/** Every record currently in the stream, from the start of each shard (TRIM_HORIZON). */
export async function readAllStreamRecords(streams: DynamoDBStreamsClient, streamArn: string, region = 'us-east-1'): Promise<DynamoDBRecord[]> {
  const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const records: DynamoDBRecord[] = [];
  for (const shard of description.StreamDescription?.Shards ?? []) {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    let iterator = ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      for (const record of page.Records ?? []) records.push(toLambdaRecord(record, streamArn, region));
      // An open shard always returns a next iterator; an empty page means we are at its end.
      if (!page.Records || page.Records.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records.sort((a, b) => compareSequenceNumbers(a.dynamodb?.SequenceNumber, b.dynamodb?.SequenceNumber));
}

export function compareSequenceNumbers(a = '0', b = '0'): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
