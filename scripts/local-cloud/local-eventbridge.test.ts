import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { eventBridgeAttentionPublisher } from '../../solution/src/lib/attention-events';
import { localAwsEnvironment } from './aws-env';
import { LocalLambdaRuntime } from './lambda-runtime';
import { loadServiceConfig } from './serverless-config';
import type { PublishedEvent } from './state-machine';
import { LocalStepFunctions } from './step-functions';
import { type StepFunctionsServer, startStepFunctionsServer } from './step-functions-server';

/**
 * The local EventBridge endpoint, called with the real @aws-sdk/client-eventbridge:
 * the reconciler's OrderNeedsAttention lands where the saga's own events land,
 * and a bad request is refused as EventBridge refuses it.
 */
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let service: LocalStepFunctions;
let server: StepFunctionsServer;
let client: EventBridgeClient;
const heard: PublishedEvent[] = [];

beforeAll(async () => {
  const config = loadServiceConfig({ stage: 'ebtest' });
  service = new LocalStepFunctions(config, new LocalLambdaRuntime(config), { maxPublishedEvents: 3 });
  service.onPublish((entries) => heard.push(...entries));
  server = await startStepFunctionsServer(service, 0);
  client = new EventBridgeClient({ endpoint: server.endpoint, region: 'us-east-1', credentials });
});
afterAll(async () => {
  client?.destroy();
  await server?.close();
});
beforeEach(() => {
  heard.length = 0;
});

const entry = (detailType: string, detail: unknown = { orderId: 'o-1' }) => ({
  EventBusName: 'orders-bus',
  Source: 'orders.saga',
  DetailType: detailType,
  Detail: JSON.stringify(detail),
});

describe('the local EventBridge endpoint (PutEvents)', () => {
  it('records every entry the SDK puts, answers an event id for each, and tells the observers', async () => {
    const result = await client.send(new PutEventsCommand({ Entries: [entry('OrderNeedsAttention'), entry('OrderCompleted')] }));

    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toEqual([{ EventId: expect.stringMatching(/^[0-9a-f-]{36}$/) }, { EventId: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    expect(heard.map((e) => e.DetailType)).toEqual(['OrderNeedsAttention', 'OrderCompleted']);
    expect(service.publishedEvents.slice(-2)).toEqual(heard);
  });

  it('refuses a malformed entry on its own, as EventBridge does, and still puts the others', async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [{ ...entry('OrderFailed'), Detail: 'not json' }, { Source: 'orders.saga', Detail: '{}' } as never, entry('OrderFailed')],
      }),
    );

    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.[0]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(result.Entries?.[1]).toMatchObject({ ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringContaining('DetailType') });
    expect(result.Entries?.[2]).toEqual({ EventId: expect.any(String) });
    expect(heard).toHaveLength(1);
  });

  it('refuses a request of more than 10 entries whole, with a ValidationException', async () => {
    const eleven = Array.from({ length: 11 }, () => entry('OrderCompleted'));

    await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({ name: 'ValidationException' });
    expect(heard).toHaveLength(0);
  });

  it('keeps only the newest events, so a long run does not grow', async () => {
    for (const n of [1, 2, 3, 4]) await client.send(new PutEventsCommand({ Entries: [entry('OrderCompleted', { orderId: `o-${n}` })] }));

    expect(service.publishedEvents.map((e) => JSON.parse(e.Detail as string).orderId)).toEqual(['o-2', 'o-3', 'o-4']);
  });

  it("reaches the reconciler's own publisher through AWS_ENDPOINT_URL_EVENTBRIDGE, set with the other local endpoints", async () => {
    const env = localAwsEnvironment({ dynamodb: 'http://127.0.0.1:1', sfn: server.endpoint });
    expect(env.AWS_ENDPOINT_URL_EVENTBRIDGE).toBe(server.endpoint);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      // The handler's code path: a client built with no endpoint, found through the standard variable.
      await eventBridgeAttentionPublisher('orders-bus').publish({
        eventId: 'o-9-needs-attention-reconcile-1',
        orderId: 'o-9',
        customerId: 'c-1',
        detectedBy: 'reconciler',
        status: 'COMPENSATING',
        reason: 'still COMPENSATING',
        attempts: 1,
        executionName: 'e-1',
      });
    } finally {
      process.env = saved;
    }
    expect(heard).toEqual([expect.objectContaining({ EventBusName: 'orders-bus', DetailType: 'OrderNeedsAttention', Source: 'orders.saga' })]);
    expect(JSON.parse(heard[0].Detail as string)).toMatchObject({ orderId: 'o-9', detectedBy: 'reconciler' });
  });

  it('leaves the Step Functions API on the same endpoint as it was', async () => {
    const sfn = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials });
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    sfn.destroy();
    expect(stateMachines?.length).toBeGreaterThan(0);
  });
});
