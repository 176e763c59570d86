import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type OrderNeedsAttentionDetail, eventBridgeAttentionPublisher } from '@app/lib/attention-events';
import type { Clock } from '@app/lib/clock';
import type { SagaInput } from '@app/lib/order-model';
import { createOrderWithOutboxEvent } from '@app/lib/orders';
import { validateOrderRequest } from '@app/lib/order-request';
import { reconcileOpenOrders, reconcileSettingsFromEnv } from '@app/lib/reconciler';
import { executionArnFor, stepFunctionsSagaExecutions } from '@app/lib/saga-executions';
import { startSaga } from '@app/lib/saga-starter';
import { startTestCloud, type TestCloud } from '../../scripts/test-support/cloud';

/**
 * The reconciler on DynamoDB Local and the local Step Functions endpoint,
 * through the real @aws-sdk/client-sfn calls. Time is an injected clock. There
 * is no local EventBridge, so OrderNeedsAttention goes to a recording
 * publisher here; the EventBridge publisher itself is checked against a tiny
 * endpoint speaking the PutEvents protocol at the end.
 */
let cloud: TestCloud;
let sfn: SFNClient;
const published: OrderNeedsAttentionDetail[] = [];

beforeAll(async () => {
  cloud = await startTestCloud({ sfnEndpoint: true, environment: { ORDER_RECONCILE_AFTER_SECONDS: '300', RECONCILE_ATTENTION_AFTER_VISITS: '3' } });
  sfn = new SFNClient({ endpoint: cloud.sfnEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterEach(() => {
  process.env.FAULT_INJECTION = '';
});
afterAll(async () => {
  sfn?.destroy();
  await cloud?.stop();
});

const at = (date: Date): Clock => ({ now: () => date });
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

function reconcile(now: Date) {
  return reconcileOpenOrders(
    {
      clock: at(now),
      executions: stepFunctionsSagaExecutions(cloud.stateMachineArn, sfn),
      publisher: { publish: async (detail) => void published.push(detail) },
    },
    reconcileSettingsFromEnv(),
  );
}

async function newOrder(customerId: string, productId: string, quantity: number, price: number, createdAt = new Date()) {
  const parsed = validateOrderRequest({ customerId, items: [{ productId, quantity, price }] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const order = await createOrderWithOutboxEvent(parsed.order, at(createdAt));
  const input: SagaInput = { eventId: order.eventId as string, orderId: order.orderId, customerId, items: order.items, totalCents: order.totalCents };
  return { order, input };
}

const execution = (name: string) => cloud.stepFunctions.describeExecution(executionArnFor(cloud.stateMachineArn, name));
const stored = async (orderId: string) =>
  (await cloud.documents.send(new GetCommand({ TableName: cloud.table('OrdersTable'), Key: { orderId }, ConsistentRead: true }))).Item;
const stock = async (productId: string) =>
  (await cloud.documents.send(new GetCommand({ TableName: cloud.table('InventoryTable'), Key: { productId }, ConsistentRead: true }))).Item?.available;

describe('the reconciler drives on orders that are not terminal within the bound', () => {
  it('starts the missing saga under the name the relay uses, only once the bound has passed, and a late relay starts nothing more', async () => {
    const createdAt = new Date('2031-05-01T10:00:00Z');
    const { order, input } = await newOrder('recon-missing', 'keyboard', 1, 49.99, createdAt);

    expect((await reconcile(minutesAfter(createdAt, 4))).filter((v) => v.orderId === order.orderId)).toEqual([]);
    const visits = (await reconcile(minutesAfter(createdAt, 6))).filter((v) => v.orderId === order.orderId);

    expect(visits).toEqual([expect.objectContaining({ action: 'START', executionName: input.eventId, visit: 1, flagged: false })]);
    await execution(input.eventId).finished;
    expect(await stored(order.orderId)).toMatchObject({ status: 'COMPLETED' });
    expect(await startSaga(input)).toMatchObject({ outcome: 'ALREADY_STARTED' });
    expect((await reconcile(minutesAfter(createdAt, 60))).filter((v) => v.orderId === order.orderId)).toEqual([]);
  });

  it('reads only open, due orders from the sparse index: a finished order is not in it', async () => {
    const createdAt = new Date('2031-05-02T10:00:00Z');
    const { order, input } = await newOrder('recon-index', 'mouse', 1, 19.99, createdAt);
    await cloud.stepFunctions.startExecution({ stateMachineArn: cloud.stateMachineArn, name: input.eventId, input: JSON.stringify(input) }).finished;

    const indexed = await cloud.documents.send(
      new QueryCommand({
        TableName: cloud.table('OrdersTable'),
        IndexName: 'openOrders',
        KeyConditionExpression: 'openOrder = :open',
        ExpressionAttributeValues: { ':open': 'OPEN' },
      }),
    );
    expect((indexed.Items ?? []).map((item) => item.orderId)).not.toContain(order.orderId);
  });

  it('drives an order on once when two runs overlap', async () => {
    const createdAt = new Date('2031-05-03T10:00:00Z');
    const { order, input } = await newOrder('recon-overlap', 'keyboard', 1, 49.99, createdAt);

    const [first, second] = await Promise.all([reconcile(minutesAfter(createdAt, 6)), reconcile(minutesAfter(createdAt, 6))]);
    const actions = [...first, ...second].filter((v) => v.orderId === order.orderId).map((v) => v.action);

    // The loser either saw the order already moved on (not due) or lost the conditional claim.
    expect(actions.filter((action) => action === 'START')).toHaveLength(1);
    expect(actions.filter((action) => action !== 'START' && action !== 'SKIPPED')).toEqual([]);
    expect(cloud.stepFunctions.listExecutions(cloud.stateMachineArn).items.filter((e) => e.name.startsWith(input.eventId))).toHaveLength(1);
    await execution(input.eventId).finished;
    expect(await stored(order.orderId)).toMatchObject({ status: 'COMPLETED', reconcileAttempts: 1 });
  });

  it('restarts from the start an order whose saga ended needing attention, and the order finishes FAILED with its stock back', async () => {
    process.env.FAULT_INJECTION = JSON.stringify({ releaseInventory: { rate: 1 } });
    const headphones = await stock('headphones');
    // 2 x 3,000.00: reserved, then declined (above 5,000.00); releasing the stock keeps failing.
    const { order, input } = await newOrder('recon-stuck', 'headphones', 2, 3000);
    await cloud.stepFunctions.startExecution({ stateMachineArn: cloud.stateMachineArn, name: input.eventId, input: JSON.stringify(input) }).finished;
    expect(execution(input.eventId)).toMatchObject({ status: 'FAILED', error: 'OrderNeedsAttention' });
    process.env.FAULT_INJECTION = '';

    const visits = (await reconcile(minutesAfter(new Date(), 6))).filter((v) => v.orderId === order.orderId);

    expect(visits).toEqual([expect.objectContaining({ action: 'RESTART', executionName: `${input.eventId}-retry-1` })]);
    await execution(`${input.eventId}-retry-1`).finished;
    const finished = await stored(order.orderId);
    expect(finished).toMatchObject({ status: 'FAILED', sagaRestarts: 1 });
    expect(finished).not.toHaveProperty('needsAttention');
    expect(await stock('headphones')).toBe(headphones);
  });

  it('flags an order that stays open visit after visit, publishes OrderNeedsAttention, and keeps trying further apart', async () => {
    process.env.FAULT_INJECTION = JSON.stringify({ releaseInventory: { rate: 1 } });
    const createdAt = new Date();
    const { order } = await newOrder('recon-hopeless', 'headphones', 2, 3000, createdAt);

    const schedule: string[] = [];
    let now = minutesAfter(createdAt, 6);
    for (let visit = 1; visit <= 3; visit++) {
      const [result] = (await reconcile(now)).filter((v) => v.orderId === order.orderId);
      expect(result).toMatchObject({ visit, flagged: visit >= 3 });
      await execution(result.executionName as string).finished;
      const reconcileAt = String((await stored(order.orderId))?.reconcileAt);
      schedule.push(`${(Date.parse(reconcileAt) - now.getTime()) / 60_000} min`);
      now = new Date(Date.parse(reconcileAt) + 1000);
    }

    expect(schedule).toEqual(['5 min', '10 min', '20 min']);
    expect(await stored(order.orderId)).toMatchObject({ status: 'COMPENSATING', needsAttention: true, reconcileAttempts: 3, sagaRestarts: 2 });
    expect(published.filter((d) => d.orderId === order.orderId)).toEqual([
      expect.objectContaining({
        eventId: `${order.orderId}-needs-attention-reconcile-3`,
        detectedBy: 'reconciler',
        customerId: 'recon-hopeless',
        attempts: 3,
        status: 'COMPENSATING',
        reason: expect.stringMatching(
          /^still COMPENSATING \d+ min after it was created; saga execution \S+-retry-1 is FAILED \(OrderNeedsAttention\); reconciler visit 3$/,
        ),
      }),
    ]);
  });
});

describe('the scheduled reconcileOrders function', () => {
  it('drives on a due order through the real Step Functions endpoint and reports what it did', async () => {
    const { order, input } = await newOrder('recon-handler', 'keyboard', 1, 49.99, minutesAfter(new Date(), -10));

    const result = (await cloud.runtime.invoke('reconcileOrders', { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} })) as {
      visited: number;
      byAction: Record<string, number>;
    };

    expect(result.byAction.START).toBeGreaterThanOrEqual(1);
    expect(await stored(order.orderId)).toMatchObject({ lastReconcileAction: 'START', reconcileAttempts: 1 });
    await execution(input.eventId).finished;
    expect(await stored(order.orderId)).toMatchObject({ status: 'COMPLETED' });
  });
});

describe('OrderNeedsAttention on EventBridge', () => {
  it('is put on the orders bus with detail-type OrderNeedsAttention and source orders.saga, and a refused entry is an error', async () => {
    const requests: Array<{ target: string; body: any }> = [];
    let refuse = false;
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push({ target: String(request.headers['x-amz-target']), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify(
            refuse
              ? { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] }
              : { FailedEntryCount: 0, Entries: [{ EventId: 'e' }] },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new EventBridgeClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const detail: OrderNeedsAttentionDetail = {
      eventId: 'o-needs-attention-reconcile-3',
      orderId: 'o',
      customerId: 'c',
      detectedBy: 'reconciler',
      status: 'COMPENSATING',
      reason: 'r',
      attempts: 3,
      executionName: 'x',
    };
    try {
      await eventBridgeAttentionPublisher('orders-bus', client).publish(detail);
      refuse = true;
      await expect(eventBridgeAttentionPublisher('orders-bus', client).publish(detail)).rejects.toThrow(/refused OrderNeedsAttention/);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }

    expect(requests[0].target).toBe('AWSEvents.PutEvents');
    expect(requests[0].body.Entries).toEqual([
      { EventBusName: 'orders-bus', Source: 'orders.saga', DetailType: 'OrderNeedsAttention', Detail: JSON.stringify(detail) },
    ]);
  });
});
