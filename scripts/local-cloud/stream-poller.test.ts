import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { JsonLinesFailureQueue } from './failure-queue';
import { pollUntil } from './poll';
import type { StreamEventConfig } from './serverless-config';
import { MemoryCheckpoints } from './stream-checkpoints';
import { classifyResponse, StreamPoller } from './stream-poller';
import { streamArnOf } from './stream-reader';

/**
 * The local event source mapping against a real DynamoDB stream (the jest
 * DynamoDB Local), with a scripted stand-in function so each Lambda rule can
 * be seen invocation by invocation. Poll and retry waits are near zero.
 */
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let dynamodb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let tempDir: string;
let tableCounter = 0;
const tables: string[] = [];
const pollers: StreamPoller[] = [];

beforeAll(() => {
  const endpoint = process.env.SDP_DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('SDP_DYNAMODB_ENDPOINT is not set: run through jest');
  dynamodb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials });
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'sdp-poller-'));
});
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});
afterAll(async () => {
  for (const table of tables) await dynamodb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  dynamodb?.destroy();
  streams?.destroy();
  rmSync(tempDir, { recursive: true, force: true });
});

async function streamTable(): Promise<{ table: string; streamArn: string; put: (key: string) => Promise<void> }> {
  tableCounter += 1;
  const table = `poller-${process.pid}-${tableCounter}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  tables.push(table);
  return {
    table,
    streamArn: await streamArnOf(dynamodb, table),
    put: async (key) => {
      await dynamodb.send(new PutItemCommand({ TableName: table, Item: { k: { S: key } } }));
    },
  };
}

const settings = (overrides: Partial<StreamEventConfig>): StreamEventConfig => ({
  arn: 'unused',
  batchSize: 10,
  startingPosition: 'TRIM_HORIZON',
  filterPatterns: [{ eventName: ['INSERT'] }],
  functionResponseType: 'ReportBatchItemFailures',
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 2,
  ...overrides,
});

const keyOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.k?.S as string;

/** A stand-in function that records every batch it is given and answers with `respond`. */
function recordingFunction(respond: (keys: string[], records: DynamoDBRecord[]) => unknown) {
  const batches: string[][] = [];
  const invoke = async (event: DynamoDBStreamEvent) => {
    const keys = event.Records.map(keyOf);
    batches.push(keys);
    return respond(keys, event.Records);
  };
  return { batches, invoke };
}

function startPoller(options: ConstructorParameters<typeof StreamPoller>[0]): StreamPoller {
  const poller = new StreamPoller({ pollIntervalMs: 20, retryDelayMs: () => 0, ...options });
  pollers.push(poller);
  poller.start();
  return poller;
}

describe('reading a function response like Lambda does', () => {
  const batch = ['1', '2', '3'].map((n) => ({ dynamodb: { SequenceNumber: `00${n}` } }) as DynamoDBRecord);

  it('treats no list, null or an empty list as success', () => {
    for (const response of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(classifyResponse(response, batch, true)).toEqual({ kind: 'success' });
    }
  });

  it('retries from the lowest failed sequence number', () => {
    expect(classifyResponse({ batchItemFailures: [{ itemIdentifier: '003' }, { itemIdentifier: '002' }] }, batch, true)).toEqual({
      kind: 'partial',
      retryFromIndex: 1,
      failedIndexes: [1, 2],
    });
  });

  it('fails the whole batch for an empty, missing or unknown itemIdentifier', () => {
    for (const failures of [[{ itemIdentifier: '' }], [{}], [{ itemIdentifier: '999' }], 'not a list']) {
      expect(classifyResponse({ batchItemFailures: failures }, batch, true)).toMatchObject({ kind: 'error' });
    }
  });

  it('ignores batchItemFailures unless ReportBatchItemFailures is on', () => {
    expect(classifyResponse({ batchItemFailures: [{ itemIdentifier: '002' }] }, batch, false)).toEqual({ kind: 'success' });
  });
});

describe('local event source mapping over a real DynamoDB stream', () => {
  it('retries a partial batch failure from the failed record, redelivers the records after it, and after the configured retries sends it to the on-failure destination', async () => {
    const { streamArn, put, table } = await streamTable();
    for (const key of ['a1', 'a2', 'a3', 'a4', 'a5']) await put(key);
    // A MODIFY: the INSERT-only filter must keep it away from the function.
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { k: { S: 'a1' } },
        UpdateExpression: 'SET published = :t',
        ExpressionAttributeValues: { ':t': { BOOL: true } },
      }),
    );
    const queue = new JsonLinesFailureQueue('arn:aws:sqs:us-east-1:000000000000:failures', path.join(tempDir, 'partial.jsonl'));
    const fn = recordingFunction((_keys, records) => ({
      batchItemFailures: records.filter((r) => keyOf(r) === 'a3').map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber })),
    }));
    const filtered: string[] = [];

    startPoller({
      functionName: 'relay',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:relay',
      streamArn,
      event: settings({ maximumRetryAttempts: 2 }),
      streams,
      invoke: fn.invoke,
      onFailure: queue,
      onEvent: (event) => event.type === 'filtered' && filtered.push(...event.records.map((r) => `${r.eventName} ${keyOf(r)}`)),
    });
    const [message] = await pollUntil(() => (queue.read().length > 0 ? queue.read() : undefined), { timeoutMs: 10_000, description: 'an on-failure message' });

    // The first delivery, then two retries from a3 with the records after it: nothing is skipped.
    expect(fn.batches).toEqual([
      ['a1', 'a2', 'a3', 'a4', 'a5'],
      ['a3', 'a4', 'a5'],
      ['a3', 'a4', 'a5'],
    ]);
    const sequence = (key: string) => message.records.find((r) => keyOf(r) === key)?.dynamodb?.SequenceNumber;
    expect(message).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3, functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:relay' },
      responseContext: { statusCode: 200 },
      DDBStreamBatchInfo: { streamArn, batchSize: 3, startSequenceNumber: sequence('a3'), endSequenceNumber: sequence('a5') },
    });
    expect(message.records.map(keyOf)).toEqual(['a3', 'a4', 'a5']);

    // The shard moves on: a later record is delivered, and the filtered MODIFY never was.
    await put('a6');
    await pollUntil(() => fn.batches.some((b) => b.includes('a6')), { description: 'a6 to be delivered' });
    expect(fn.batches[fn.batches.length - 1]).toEqual(['a6']);
    expect(filtered).toContain('MODIFY a1');
  });

  it('fails the whole batch when the function throws, and bisects it to isolate the poison record without using up retries', async () => {
    const { streamArn, put } = await streamTable();
    for (const key of ['p1', 'p2', 'p3', 'p4']) await put(key);
    const queue = new JsonLinesFailureQueue('arn:aws:sqs:us-east-1:000000000000:failures', path.join(tempDir, 'bisect.jsonl'));
    const fn = recordingFunction((keys) => {
      if (keys.includes('p2')) throw Object.assign(new Error('poison'), { errorType: 'InvalidInputError', errorMessage: 'poison' });
      return { batchItemFailures: [] };
    });

    startPoller({
      functionName: 'relay',
      functionArn: 'arn:relay',
      streamArn,
      event: settings({ maximumRetryAttempts: 1 }),
      streams,
      invoke: fn.invoke,
      onFailure: queue,
    });
    await pollUntil(() => fn.batches.some((b) => b.includes('p4') && !b.includes('p2')), { timeoutMs: 10_000, description: 'p3 and p4 to be delivered' });

    expect(fn.batches).toEqual([['p1', 'p2', 'p3', 'p4'], ['p1', 'p2'], ['p1'], ['p2'], ['p2'], ['p3', 'p4']]);
    const messages = queue.read();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted' },
      responseContext: { functionError: 'Unhandled' },
      DDBStreamBatchInfo: { batchSize: 1 },
    });
    expect(messages[0].records.map(keyOf)).toEqual(['p2']);
  });

  it('sends records older than maximumRecordAgeInSeconds to the on-failure destination without invoking', async () => {
    const { streamArn, put } = await streamTable();
    await put('old1');
    const queue = new JsonLinesFailureQueue('arn:aws:sqs:us-east-1:000000000000:failures', path.join(tempDir, 'age.jsonl'));
    const fn = recordingFunction(() => ({}));
    const twoHoursLater = () => Date.now() + 2 * 60 * 60 * 1000;

    startPoller({
      functionName: 'relay',
      functionArn: 'arn:relay',
      streamArn,
      event: settings({ maximumRecordAgeInSeconds: 3600 }),
      streams,
      invoke: fn.invoke,
      onFailure: queue,
      now: twoHoursLater,
    });
    const [message] = await pollUntil(() => (queue.read().length > 0 ? queue.read() : undefined), { description: 'an on-failure message' });

    expect(message.requestContext.condition).toBe('RecordAgeExceeded');
    expect(message.records.map(keyOf)).toEqual(['old1']);
    expect(fn.batches).toEqual([]);
  });

  it('delivers at most batchSize records per invocation, in order, and resumes after its checkpoint when restarted', async () => {
    const { streamArn, put } = await streamTable();
    for (const key of ['b1', 'b2', 'b3', 'b4', 'b5']) await put(key);
    const checkpoints = new MemoryCheckpoints();
    const first = recordingFunction(() => ({}));
    const options = { functionName: 'relay', functionArn: 'arn:relay', streamArn, event: settings({ batchSize: 2 }), streams, checkpoints };

    const poller = startPoller({ ...options, invoke: first.invoke });
    await pollUntil(() => first.batches.flat().includes('b5'), { description: 'b5 to be delivered' });
    await poller.stop();
    expect(first.batches).toEqual([['b1', 'b2'], ['b3', 'b4'], ['b5']]);

    await put('b6');
    const second = recordingFunction(() => ({}));
    startPoller({ ...options, invoke: second.invoke });
    await pollUntil(() => second.batches.flat().includes('b6'), { description: 'b6 to be delivered' });
    expect(second.batches).toEqual([['b6']]);
  });
});
