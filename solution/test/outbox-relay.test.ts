import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { handler as createOrder } from '@app/handlers/create-order';
import { handler as outboxRelay } from '@app/handlers/outbox-relay';
import { pollUntil } from '../../scripts/local-cloud/poll';
import { readAllStreamRecords, streamArnOf } from '../../scripts/local-cloud/stream-reader';
import { startTestCloud, type TestCloud } from '../../scripts/test-support/cloud';
import { apiEvent, parseBody, testContext } from '../../scripts/test-support/events';

/**
 * The outbox relay, fed records read from DynamoDB Local's real stream, and
 * starting executions through the real @aws-sdk/client-sfn against the local
 * Step Functions endpoint (which runs the real state machine).
 */
let cloud: TestCloud;
let sfn: SFNClient;
let streamArn: string;

beforeAll(async () => {
  cloud = await startTestCloud({ sfnEndpoint: true });
  sfn = new SFNClient({ endpoint: cloud.sfnEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  streamArn = await streamArnOf(cloud.dynamodb, cloud.table('OutboxTable'));
});
afterAll(async () => {
  await cloud?.stop();
  sfn?.destroy();
});

async function placeOrder(customerId: string): Promise<string> {
  const response = await createOrder(apiEvent({ body: { customerId, items: [{ productId: 'keyboard', quantity: 1, price: 49.99 }] } }), testContext());
  return parseBody(response).orderId;
}

async function streamRecords(filter: (record: DynamoDBRecord) => boolean): Promise<DynamoDBRecord[]> {
  return (await readAllStreamRecords(cloud.streams, streamArn)).filter(filter);
}

const insertsFor = (orderIds: string[]) => (record: DynamoDBRecord) =>
  record.eventName === 'INSERT' && orderIds.includes(record.dynamodb?.NewImage?.aggregateId?.S ?? '');

async function relay(records: DynamoDBRecord[]) {
  const event: DynamoDBStreamEvent = { Records: records };
  return outboxRelay(event, testContext('outboxRelay'));
}

async function executionNames(): Promise<string[]> {
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: cloud.stateMachineArn }));
  return executions.map((e) => e.name as string).sort();
}

async function waitUntilFinished(name: string) {
  const executionArn = `${cloud.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  return pollUntil(
    async () => {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return execution.status === 'RUNNING' ? undefined : execution;
    },
    { description: `execution ${name} to finish` },
  );
}

describe('outbox relay (DynamoDB Streams -> Step Functions)', () => {
  it('starts one saga execution per outbox event, named by the event id', async () => {
    const orderIds = [await placeOrder('relay-one'), await placeOrder('relay-two')];
    const records = await pollUntil(async () => {
      const found = await streamRecords(insertsFor(orderIds));
      return found.length === 2 ? found : undefined;
    });
    const eventIds = records.map((r) => r.dynamodb?.NewImage?.eventId?.S as string).sort();

    const response = await relay(records);

    expect(response.batchItemFailures).toEqual([]);
    expect(await executionNames()).toEqual(expect.arrayContaining(eventIds));
    for (const eventId of eventIds) {
      const finished = await waitUntilFinished(eventId);
      expect(JSON.parse(finished.input as string)).toMatchObject({ eventId, orderId: expect.any(String), totalCents: 4999 });
    }
  });

  it('starts nothing new when the same batch is delivered twice', async () => {
    const orderIds = [await placeOrder('relay-dup')];
    const records = await pollUntil(async () => {
      const found = await streamRecords(insertsFor(orderIds));
      return found.length === 1 ? found : undefined;
    });
    await relay(records);
    const eventId = records[0].dynamodb?.NewImage?.eventId?.S as string;
    await waitUntilFinished(eventId);
    const before = await executionNames();

    const again = await relay(records);

    expect(again.batchItemFailures).toEqual([]);
    expect(await executionNames()).toEqual(before);
    expect(before.filter((name) => name === eventId)).toHaveLength(1);
  });

  it('marks a relayed event published and schedules its TTL deletion', async () => {
    const orderIds = [await placeOrder('relay-published')];
    const records = await pollUntil(async () => {
      const found = await streamRecords(insertsFor(orderIds));
      return found.length === 1 ? found : undefined;
    });
    await relay(records);
    const eventId = records[0].dynamodb?.NewImage?.eventId?.S as string;

    const stored = (await cloud.documents.send(new GetCommand({ TableName: cloud.table('OutboxTable'), Key: { eventId } }))).Item;
    expect(stored?.publishedAt).toEqual(expect.any(String));
    expect(stored?.expiresAt).toBeGreaterThan(Date.now() / 1000);
    await waitUntilFinished(eventId);
  });

  it('reports only the failing record in batchItemFailures and still relays the others', async () => {
    const before = await placeOrder('relay-around-bad-1');
    await cloud.documents.send(
      new PutCommand({
        TableName: cloud.table('OutboxTable'),
        Item: { eventId: 'bad-event-1', aggregateId: 'bad-order', eventType: 'ORDER_CREATED', payload: { customerId: 'x' }, createdAt: 'now' },
      }),
    );
    const after = await placeOrder('relay-around-bad-2');
    const records = await pollUntil(async () => {
      const found = await streamRecords(
        (r) => r.eventName === 'INSERT' && [before, after, 'bad-order'].includes(r.dynamodb?.NewImage?.aggregateId?.S ?? ''),
      );
      return found.length === 3 ? found : undefined;
    });
    const bad = records.find((r) => r.dynamodb?.NewImage?.eventId?.S === 'bad-event-1');

    const response = await relay(records);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad?.dynamodb?.SequenceNumber }]);
    const names = await executionNames();
    for (const record of records.filter((r) => r !== bad)) {
      const eventId = record.dynamodb?.NewImage?.eventId?.S as string;
      expect(names).toContain(eventId);
      await waitUntilFinished(eventId);
    }
    expect(names).not.toContain('bad-event-1');
  });

  it('ignores MODIFY and REMOVE records', async () => {
    const orderIds = [await placeOrder('relay-modify')];
    const inserts = await pollUntil(async () => {
      const found = await streamRecords(insertsFor(orderIds));
      return found.length === 1 ? found : undefined;
    });
    const eventId = inserts[0].dynamodb?.NewImage?.eventId?.S as string;
    // A MODIFY (as marking an event published makes) and a REMOVE (as TTL makes), read back from the real stream.
    await cloud.documents.send(
      new PutCommand({ TableName: cloud.table('OutboxTable'), Item: { ...(await outboxItem(eventId)), publishedAt: 'now' } }),
    );
    await cloud.documents.send(new DeleteCommand({ TableName: cloud.table('OutboxTable'), Key: { eventId } }));
    const others = await pollUntil(async () => {
      const found = await streamRecords((r) => r.eventName !== 'INSERT' && r.dynamodb?.Keys?.eventId?.S === eventId);
      return found.length === 2 ? found : undefined;
    });
    expect(others.map((r) => r.eventName).sort()).toEqual(['MODIFY', 'REMOVE']);
    const before = await executionNames();

    const response = await relay(others);

    expect(response.batchItemFailures).toEqual([]);
    expect(await executionNames()).toEqual(before);
    expect(before).not.toContain(eventId);
  });
});

async function outboxItem(eventId: string) {
  const item = (await cloud.documents.send(new GetCommand({ TableName: cloud.table('OutboxTable'), Key: { eventId } }))).Item;
  if (!item) throw new Error(`outbox event ${eventId} not found`);
  return item;
}
