import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { handler as outboxRelay } from '@app/handlers/outbox-relay';
import type { Cents } from '@app/lib/money';
import type { SagaInput } from '@app/lib/order-model';
import { createOrderWithOutboxEvent } from '@app/lib/orders';
import { markPublished } from '@app/lib/outbox';
import { startSaga } from '@app/lib/saga-starter';
import { pollUntil } from '../../../scripts/local-cloud/poll';
import { readAllStreamRecords, streamArnOf } from '../../../scripts/local-cloud/stream-reader';
import { StepFunctionsApiError } from '../../../scripts/local-cloud/step-functions';
import { startTestCloud, type TestCloud } from '../../../scripts/test-support/cloud';
import { testContext } from '../../../scripts/test-support/events';

/**
 * Lab 2 · Streams relay.
 *
 * The relay is fed records read from DynamoDB Local's real stream of the
 * Outbox table, and starts executions through the real @aws-sdk/client-sfn
 * against the local Step Functions endpoint (which runs the real state
 * machine from solution/serverless.yml). Each `describe` is one step of
 * labs/02-streams-relay/README.md.
 */
// One attempt per SDK call: an injected throttle reaches the code under test
// at once, instead of after the SDK's own backoff (which, in production,
// retries a throttle a few times and then fails exactly like this).
process.env.AWS_MAX_ATTEMPTS = '1';

let cloud: TestCloud;
let sfn: SFNClient;
let streamArn: string;

beforeAll(async () => {
  cloud = await startTestCloud({ sfnEndpoint: true });
  sfn = new SFNClient({ endpoint: cloud.sfnEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  streamArn = await streamArnOf(cloud.dynamodb, cloud.table('OutboxTable'));
});
afterEach(() => {
  restoreEnvironment?.();
  restoreEnvironment = undefined;
  stopThrottling?.();
  stopThrottling = undefined;
});
afterAll(async () => {
  await cloud?.stop();
  sfn?.destroy();
});

let restoreEnvironment: (() => void) | undefined;
let stopThrottling: (() => void) | undefined;

/** Sets a handler environment variable for this test only (afterEach restores it). */
function setEnvironment(name: string, value: string): void {
  const previous = process.env[name];
  process.env[name] = value;
  restoreEnvironment = () => {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  };
}

/**
 * Step Functions refusing a start with ThrottlingException, as AWS does
 * under load. The local engine never throttles, so this one case is
 * injected: the local endpoint answers these execution names with the HTTP
 * 400 ThrottlingException AWS sends, and the real SDK client in startSaga
 * receives it. Everything else still runs on the real engine.
 */
function throttleStartsOf(executionNames: readonly string[]): void {
  const service = cloud.stepFunctions;
  const real = service.startExecution;
  service.startExecution = function (this: typeof service, request) {
    if (executionNames.includes(request.name ?? '')) {
      throw Object.assign(new StepFunctionsApiError('InvalidArn', 'Rate exceeded'), { name: 'ThrottlingException' });
    }
    return real.call(this, request);
  };
  stopThrottling = () => {
    service.startExecution = real;
  };
}

/** A state machine ARN that Step Functions does not know: StartExecution fails with StateMachineDoesNotExist, on the real engine. */
const missingStateMachineArn = () => cloud.stateMachineArn.replace(/:stateMachine:.*$/, ':stateMachine:does-not-exist');

const WEEK_SECONDS = 7 * 24 * 60 * 60;

/** Writes an order and its outbox event (lab 1's code) and returns the order id. */
async function placeOrder(customerId: string): Promise<string> {
  const order = await createOrderWithOutboxEvent({
    customerId,
    items: [{ productId: 'keyboard', quantity: 1, unitPriceCents: 4999 as Cents }],
    totalCents: 4999 as Cents,
  });
  return order.orderId;
}

/** A saga input for a new order, as the relay would build it from the order's outbox event. */
async function sagaInputForNewOrder(customerId: string): Promise<SagaInput> {
  const orderId = await placeOrder(customerId);
  return {
    eventId: `event-${orderId}`,
    orderId,
    customerId,
    items: [{ productId: 'keyboard', quantity: 1, unitPriceCents: 4999 as Cents }],
    totalCents: 4999 as Cents,
  };
}

/** Waits until the Outbox table's stream holds `count` records matching `filter`. */
async function streamRecords(filter: (record: DynamoDBRecord) => boolean, count: number): Promise<DynamoDBRecord[]> {
  return pollUntil(
    async () => {
      const found = (await readAllStreamRecords(cloud.streams, streamArn)).filter(filter);
      return found.length === count ? found : undefined;
    },
    { description: `${count} matching stream record(s)` },
  );
}

const insertsFor = (aggregateIds: string[]) => (record: DynamoDBRecord) =>
  record.eventName === 'INSERT' && aggregateIds.includes(record.dynamodb?.NewImage?.aggregateId?.S ?? '');

const eventIdOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.eventId?.S as string;

async function relay(records: DynamoDBRecord[]) {
  const event: DynamoDBStreamEvent = { Records: records };
  return outboxRelay(event, testContext('outboxRelay'));
}

/**
 * The sequence numbers of the records Lambda would deliver again: those in
 * batchItemFailures, or every record when the handler throws (a thrown error
 * fails the whole batch; Powertools throws when every record failed).
 */
async function recordsToRetry(records: DynamoDBRecord[]): Promise<string[]> {
  try {
    return (await relay(records)).batchItemFailures.map((failure) => failure.itemIdentifier);
  } catch {
    return records.map((record) => record.dynamodb?.SequenceNumber as string);
  }
}

async function executionNames(): Promise<string[]> {
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: cloud.stateMachineArn }));
  return executions.map((e) => e.name as string).sort();
}

const executionArnOf = (name: string) => `${cloud.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

async function waitUntilFinished(name: string) {
  // Fails at once (ExecutionDoesNotExist) when no execution has this name: nothing to wait for.
  await sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(name) }));
  // The local engine says when the execution ends (no polling delay); the answer is read back through the API.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after 10000 ms waiting for execution ${name} to finish`)), 10_000);
  });
  try {
    await Promise.race([cloud.stepFunctions.describeExecution(executionArnOf(name)).finished, deadline]);
  } finally {
    clearTimeout(timer);
  }
  return sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(name) }));
}

async function outboxItem(eventId: string) {
  return (await cloud.documents.send(new GetCommand({ TableName: cloud.table('OutboxTable'), Key: { eventId }, ConsistentRead: true }))).Item;
}

async function putMalformedEvent(eventId: string, aggregateId: string) {
  // Its payload has no orderId, items or total: no saga can start from it.
  await cloud.documents.send(
    new PutCommand({
      TableName: cloud.table('OutboxTable'),
      Item: { eventId, aggregateId, eventType: 'ORDER_CREATED', payload: { customerId: 'x' }, createdAt: '2030-01-01T00:00:00.000Z' },
    }),
  );
}

describe('Step 1 · a saga starts at most once per outbox event', () => {
  it('starts the order saga with the outbox event id as its execution name', async () => {
    const input = await sagaInputForNewOrder('start-named');

    const started = await startSaga(input);

    expect(started).toEqual({ outcome: 'STARTED', executionName: input.eventId });
    const execution = await waitUntilFinished(input.eventId);
    expect(JSON.parse(execution.input as string)).toEqual(input);
  });

  it('answers ALREADY_STARTED, without an error, when the same event starts its saga again', async () => {
    const input = await sagaInputForNewOrder('start-twice');
    await startSaga(input);
    await waitUntilFinished(input.eventId);
    const before = await executionNames();

    const again = await startSaga(input);

    expect(again).toEqual({ outcome: 'ALREADY_STARTED', executionName: input.eventId });
    expect(await executionNames()).toEqual(before);
  });

  it('fails, and does not answer ALREADY_STARTED, when Step Functions throttles the start: no saga is running', async () => {
    const input = await sagaInputForNewOrder('start-throttled');
    throttleStartsOf([input.eventId]);

    await expect(startSaga(input)).rejects.toMatchObject({ name: 'ThrottlingException' });

    expect(await executionNames()).not.toContain(input.eventId);
  });

  it('fails, and does not answer ALREADY_STARTED, when Step Functions refuses the start for another reason', async () => {
    const input = await sagaInputForNewOrder('start-refused');
    setEnvironment('STATE_MACHINE_ARN', missingStateMachineArn());

    await expect(startSaga(input)).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });

    expect(await executionNames()).not.toContain(input.eventId);
  });
});

describe('Step 2 · a relayed event is marked published', () => {
  it('marks an event published and schedules its deletion (TTL) a week later', async () => {
    await cloud.documents.send(new PutCommand({ TableName: cloud.table('OutboxTable'), Item: { eventId: 'mark-once', eventType: 'ORDER_CREATED' } }));
    const now = new Date('2030-01-01T12:00:00.000Z');

    await markPublished('mark-once', { now: () => now });

    expect(await outboxItem('mark-once')).toMatchObject({ publishedAt: now.toISOString(), expiresAt: now.getTime() / 1000 + WEEK_SECONDS });
  });

  it('keeps the first publishedAt when the same event is marked twice', async () => {
    await cloud.documents.send(new PutCommand({ TableName: cloud.table('OutboxTable'), Item: { eventId: 'mark-twice', eventType: 'ORDER_CREATED' } }));
    const first = new Date('2030-01-01T12:00:00.000Z');

    await markPublished('mark-twice', { now: () => first });
    await markPublished('mark-twice', { now: () => new Date('2030-01-02T12:00:00.000Z') });

    expect(await outboxItem('mark-twice')).toMatchObject({ publishedAt: first.toISOString(), expiresAt: first.getTime() / 1000 + WEEK_SECONDS });
  });

  it('neither fails nor recreates an event that TTL has already deleted', async () => {
    await expect(markPublished('deleted-long-ago')).resolves.toBeUndefined();

    expect(await outboxItem('deleted-long-ago')).toBeUndefined();
  });

  it('fails when the mark cannot be written for any other reason: only a failed condition (event already deleted) is tolerated', async () => {
    // A table that does not exist: DynamoDB Local answers ResourceNotFoundException.
    setEnvironment('OUTBOX_TABLE', `${cloud.table('OutboxTable')}-missing`);

    await expect(markPublished('mark-fails')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('Step 3 · the relay handles a batch record by record', () => {
  it('reports only the records that fail in batchItemFailures, and handles the rest', async () => {
    // A batch of two: a MODIFY record (nothing to do) and a malformed INSERT.
    const [insert] = await streamRecords(insertsFor([await placeOrder('relay-batch')]), 1);
    await cloud.documents.send(new PutCommand({ TableName: cloud.table('OutboxTable'), Item: { ...(await outboxItem(eventIdOf(insert))), note: 'edited' } }));
    const [modify] = await streamRecords((r) => r.eventName === 'MODIFY' && r.dynamodb?.Keys?.eventId?.S === eventIdOf(insert), 1);
    await putMalformedEvent('bad-event-alone', 'bad-order-alone');
    const [bad] = await streamRecords(insertsFor(['bad-order-alone']), 1);

    const response = await relay([modify, bad]);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.dynamodb?.SequenceNumber }] });
  });

  it('ignores MODIFY and REMOVE records: marking published or deleting an event never starts a saga', async () => {
    const [insert] = await streamRecords(insertsFor([await placeOrder('relay-modify')]), 1);
    const eventId = eventIdOf(insert);
    // A MODIFY (as marking an event published makes) and a REMOVE (as TTL makes), read back from the real stream.
    await cloud.documents.send(new PutCommand({ TableName: cloud.table('OutboxTable'), Item: { ...(await outboxItem(eventId)), publishedAt: 'now' } }));
    await cloud.documents.send(new DeleteCommand({ TableName: cloud.table('OutboxTable'), Key: { eventId } }));
    const others = await streamRecords((r) => r.eventName !== 'INSERT' && r.dynamodb?.Keys?.eventId?.S === eventId, 2);
    expect(others.map((r) => r.eventName).sort()).toEqual(['MODIFY', 'REMOVE']);
    const before = await executionNames();

    const response = await relay(others);

    expect(response.batchItemFailures).toEqual([]);
    expect(await executionNames()).toEqual(before);
    expect(before).not.toContain(eventId);
  });
});

describe('Step 4 · the relay turns each new outbox event into one saga', () => {
  it('starts one saga per new outbox event, named by its event id', async () => {
    const orderIds = [await placeOrder('relay-one'), await placeOrder('relay-two')];
    const records = await streamRecords(insertsFor(orderIds), 2);
    const eventIds = records.map(eventIdOf).sort();

    const response = await relay(records);

    expect(response.batchItemFailures).toEqual([]);
    expect(await executionNames()).toEqual(expect.arrayContaining(eventIds));
    for (const eventId of eventIds) {
      const finished = await waitUntilFinished(eventId);
      expect(JSON.parse(finished.input as string)).toMatchObject({ eventId, orderId: expect.any(String), totalCents: 4999 });
    }
  });

  it('starts nothing new when the same batch is delivered twice', async () => {
    const records = await streamRecords(insertsFor([await placeOrder('relay-duplicate')]), 1);
    await relay(records);
    await waitUntilFinished(eventIdOf(records[0]));
    const before = await executionNames();

    const again = await relay(records);

    expect(again.batchItemFailures).toEqual([]);
    expect(await executionNames()).toEqual(before);
    expect(before.filter((name) => name === eventIdOf(records[0]))).toHaveLength(1);
  });

  it('marks each relayed event published', async () => {
    const records = await streamRecords(insertsFor([await placeOrder('relay-published')]), 1);

    await relay(records);

    const stored = await outboxItem(eventIdOf(records[0]));
    expect(stored?.publishedAt).toEqual(expect.any(String));
    expect(stored?.expiresAt).toBeGreaterThan(Date.now() / 1000);
    await waitUntilFinished(eventIdOf(records[0]));
  });

  it('keeps relaying the other records of a batch when one of them fails', async () => {
    const first = await placeOrder('relay-around-bad-1');
    await putMalformedEvent('bad-event-in-batch', 'bad-order-in-batch');
    const last = await placeOrder('relay-around-bad-2');
    const records = await streamRecords(insertsFor([first, 'bad-order-in-batch', last]), 3);
    const bad = records.find((r) => eventIdOf(r) === 'bad-event-in-batch');

    const response = await relay(records);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad?.dynamodb?.SequenceNumber }]);
    const names = await executionNames();
    for (const record of records.filter((r) => r !== bad)) {
      expect(names).toContain(eventIdOf(record));
      await waitUntilFinished(eventIdOf(record));
    }
    expect(names).not.toContain('bad-event-in-batch');
  });

  it('starts the saga before marking the event published: a start that fails leaves the event unpublished and its record reported, and redelivery starts it', async () => {
    const records = await streamRecords(insertsFor([await placeOrder('relay-start-fails')]), 1);
    const eventId = eventIdOf(records[0]);
    throttleStartsOf([eventId]);

    expect(await recordsToRetry(records)).toEqual([records[0].dynamodb?.SequenceNumber]);
    expect(await outboxItem(eventId)).not.toHaveProperty('publishedAt');
    expect(await executionNames()).not.toContain(eventId);

    stopThrottling?.();
    const redelivered = await relay(records);

    expect(redelivered.batchItemFailures).toEqual([]);
    expect(await executionNames()).toContain(eventId);
    expect(await outboxItem(eventId)).toHaveProperty('publishedAt');
    await waitUntilFinished(eventId);
  });

  it('reports a record whose event could not be marked published, and redelivery marks it without a second saga', async () => {
    const records = await streamRecords(insertsFor([await placeOrder('relay-mark-fails')]), 1);
    const eventId = eventIdOf(records[0]);
    setEnvironment('OUTBOX_TABLE', `${cloud.table('OutboxTable')}-missing`);

    expect(await recordsToRetry(records)).toEqual([records[0].dynamodb?.SequenceNumber]);
    restoreEnvironment?.();
    expect(await outboxItem(eventId)).not.toHaveProperty('publishedAt');
    const redelivered = await relay(records);

    expect(redelivered.batchItemFailures).toEqual([]);
    expect((await executionNames()).filter((name) => name === eventId)).toHaveLength(1);
    expect(await outboxItem(eventId)).toHaveProperty('publishedAt');
    await waitUntilFinished(eventId);
  });
});
