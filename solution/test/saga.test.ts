import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createOrderWithOutboxEvent } from '@app/lib/orders';
import { validateOrderRequest } from '@app/lib/order-request';
import type { SagaInput } from '@app/lib/order-model';
import { startTestCloud, type TestCloud } from '../../scripts/test-support/cloud';

/**
 * The order saga, executed from the definition in solution/serverless.yml by
 * aws-local-stepfunctions, every Task mapped to the real handler on DynamoDB
 * Local. Retry waits are set to 0 so nothing sleeps.
 */
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterEach(() => {
  process.env.FAULT_INJECTION = '';
});
afterAll(async () => {
  await cloud?.stop();
});

type Line = { productId: string; quantity: number; price: number };

async function newOrder(customerId: string, items: Line[]): Promise<SagaInput> {
  const parsed = validateOrderRequest({ customerId, items });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const order = await createOrderWithOutboxEvent(parsed.order);
  return { eventId: `event-${order.orderId}`, orderId: order.orderId, customerId, items: order.items, totalCents: order.totalCents };
}

async function runSaga(input: SagaInput) {
  const execution = cloud.stepFunctions.startExecution({ stateMachineArn: cloud.stateMachineArn, name: input.eventId, input: JSON.stringify(input) });
  await execution.finished;
  return execution;
}

async function get(logicalId: 'OrdersTable' | 'InventoryTable' | 'PaymentsTable', key: Record<string, string>) {
  return (await cloud.documents.send(new GetCommand({ TableName: cloud.table(logicalId), Key: key, ConsistentRead: true }))).Item;
}

const stock = async (productId: string) => (await get('InventoryTable', { productId }))?.available as number;
const order = (orderId: string) => get('OrdersTable', { orderId });
const payment = (orderId: string) => get('PaymentsTable', { orderId });

function statesEntered(execution: { history: Array<{ type: string; [k: string]: any }> }): string[] {
  return execution.history.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails.name);
}

function retriesOf(execution: { history: Array<{ type: string; [k: string]: any }> }, state: string): number {
  return execution.history.filter((e) => e.type === 'TaskStateRetried' && e.stateRetriedEventDetails.name === state).length;
}

describe('order saga: happy path', () => {
  it('reserves, charges once, notifies and completes the order', async () => {
    const laptopsBefore = await stock('laptop');
    const input = await newOrder('saga-happy', [{ productId: 'laptop', quantity: 2, price: 1299.99 }]);

    const execution = await runSaga(input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['ReserveInventory', 'ProcessPayment', 'SendNotification', 'CompleteOrder', 'PublishOrderCompleted', 'OrderCompleted']);
    expect(await stock('laptop')).toBe(laptopsBefore - 2);
    expect(await payment(input.orderId)).toMatchObject({ status: 'CHARGED', amountCents: 259998 });
    const stored = await order(input.orderId);
    expect(stored?.status).toBe('COMPLETED');
    expect(stored?.statusHistory.map((s: { status: string }) => s.status)).toEqual(['PENDING', 'INVENTORY_RESERVED', 'PAYMENT_PROCESSED', 'COMPLETED']);
    expect(cloud.stepFunctions.publishedEvents).toContainEqual(
      expect.objectContaining({ DetailType: 'OrderCompleted', Detail: expect.objectContaining({ orderId: input.orderId }) }),
    );
  });
});

describe('order saga: business failures compensate', () => {
  it('fails an out-of-stock order without charging and without touching any stock', async () => {
    const laptopsBefore = await stock('laptop');
    const input = await newOrder('saga-oos', [
      { productId: 'laptop', quantity: 1, price: 1299.99 },
      { productId: 'sold-out-item', quantity: 1, price: 10 },
    ]);

    const execution = await runSaga(input);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OrderFailed');
    expect(retriesOf(execution, 'ReserveInventory')).toBe(0); // a business error is never retried
    expect(await stock('laptop')).toBe(laptopsBefore);
    expect(await stock('sold-out-item')).toBe(0);
    expect((await payment(input.orderId))?.status).not.toBe('CHARGED');
    const stored = await order(input.orderId);
    expect(stored).toMatchObject({ status: 'FAILED', failureReason: expect.stringMatching(/Out of stock: sold-out-item/) });
    expect(stored?.statusHistory.map((s: { status: string }) => s.status)).toEqual(['PENDING', 'COMPENSATING', 'FAILED']);
  });

  it('fails an order for a product that does not exist', async () => {
    const input = await newOrder('saga-unknown', [{ productId: 'time-machine', quantity: 1, price: 1 }]);

    const execution = await runSaga(input);

    expect(execution.status).toBe('FAILED');
    expect(await order(input.orderId)).toMatchObject({ status: 'FAILED', failureReason: 'Unknown product: time-machine' });
  });

  it('releases the reserved stock when the payment is declined, and records why', async () => {
    const monitorsBefore = await stock('monitor');
    // 20 x 349.99 = 6,999.80: above the 5,000.00 decline limit.
    const input = await newOrder('saga-declined', [{ productId: 'monitor', quantity: 20, price: 349.99 }]);

    const execution = await runSaga(input);

    expect(execution.status).toBe('FAILED');
    expect(statesEntered(execution)).toEqual([
      'ReserveInventory', 'ProcessPayment', 'BeginCompensation', 'RefundPayment', 'ReleaseInventory', 'MarkOrderFailed', 'PublishOrderFailed', 'OrderFailed',
    ]);
    expect(retriesOf(execution, 'ProcessPayment')).toBe(0);
    expect(await stock('monitor')).toBe(monitorsBefore);
    expect(await payment(input.orderId)).toMatchObject({ status: 'DECLINED' });
    const stored = await order(input.orderId);
    expect(stored).toMatchObject({ status: 'FAILED', failureReason: 'Payment declined: 6999.80 is above the 5000.00 limit' });
    expect(stored?.statusHistory.map((s: { status: string }) => s.status)).toEqual(['PENDING', 'INVENTORY_RESERVED', 'COMPENSATING', 'FAILED']);
    expect(cloud.stepFunctions.publishedEvents).toContainEqual(
      expect.objectContaining({ DetailType: 'OrderFailed', Detail: expect.objectContaining({ orderId: input.orderId, reason: stored?.failureReason }) }),
    );
  });
});

describe('order saga: transient failures are retried', () => {
  it('retries a transient payment error and then completes, charging once', async () => {
    process.env.FAULT_INJECTION = JSON.stringify({ processPayment: { firstAttempts: 2 } });
    const input = await newOrder('saga-transient', [{ productId: 'keyboard', quantity: 1, price: 49.99 }]);

    const execution = await runSaga(input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(retriesOf(execution, 'ProcessPayment')).toBe(2);
    expect(await payment(input.orderId)).toMatchObject({ status: 'CHARGED', amountCents: 4999 });
    expect((await order(input.orderId))?.status).toBe('COMPLETED');
  });

  it('compensates when a transient error outlasts every retry', async () => {
    process.env.FAULT_INJECTION = JSON.stringify({ reserveInventory: { rate: 1 } });
    const mice = await stock('mouse');
    const input = await newOrder('saga-exhausted', [{ productId: 'mouse', quantity: 1, price: 19.99 }]);

    const execution = await runSaga(input);

    expect(execution.status).toBe('FAILED');
    expect(retriesOf(execution, 'ReserveInventory')).toBe(4); // MaxAttempts counts retries after the first try
    expect(await stock('mouse')).toBe(mice);
    expect(await order(input.orderId)).toMatchObject({ status: 'FAILED', failureReason: expect.stringMatching(/Injected fault: reserveInventory/) });
  });

  it('never fails a paid order because the notification keeps failing', async () => {
    process.env.FAULT_INJECTION = JSON.stringify({ sendNotification: { rate: 1 } });
    const input = await newOrder('saga-notify', [{ productId: 'headphones', quantity: 1, price: 199 }]);

    const execution = await runSaga(input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(retriesOf(execution, 'SendNotification')).toBe(8);
    expect(statesEntered(execution)).not.toContain('BeginCompensation');
    expect(JSON.parse(execution.output as string).notificationError).toMatchObject({ Error: 'TransientError' });
    expect(await payment(input.orderId)).toMatchObject({ status: 'CHARGED' });
    expect((await order(input.orderId))?.status).toBe('COMPLETED');
  });
});

describe('compensations are idempotent', () => {
  it('changes nothing when refund and release run a second time', async () => {
    const keyboards = await stock('keyboard');
    const input = await newOrder('saga-compensate-twice', [{ productId: 'keyboard', quantity: 3, price: 49.99 }]);
    await cloud.runtime.invoke('reserveInventory', input);
    await cloud.runtime.invoke('processPayment', input);
    expect(await stock('keyboard')).toBe(keyboards - 3);

    const compensationInput = { orderId: input.orderId };
    expect(await cloud.runtime.invoke('refundPayment', compensationInput)).toMatchObject({ outcome: 'REFUNDED', amountCents: 14997 });
    expect(await cloud.runtime.invoke('releaseInventory', compensationInput)).toMatchObject({ outcome: 'RELEASED' });
    const afterFirst = { stock: await stock('keyboard'), payment: await payment(input.orderId) };

    expect(await cloud.runtime.invoke('refundPayment', compensationInput)).toMatchObject({ outcome: 'ALREADY_REFUNDED' });
    expect(await cloud.runtime.invoke('releaseInventory', compensationInput)).toMatchObject({ outcome: 'ALREADY_RELEASED' });

    expect(afterFirst.stock).toBe(keyboards);
    expect(await stock('keyboard')).toBe(keyboards);
    expect(await payment(input.orderId)).toEqual(afterFirst.payment);
    expect(afterFirst.payment?.status).toBe('REFUNDED');
  });

  it('refuses a reservation that arrives after its compensation already ran', async () => {
    const input = await newOrder('saga-late-reserve', [{ productId: 'keyboard', quantity: 1, price: 49.99 }]);
    const keyboards = await stock('keyboard');
    await cloud.runtime.invoke('releaseInventory', { orderId: input.orderId });

    await expect(cloud.runtime.invoke('reserveInventory', input)).rejects.toMatchObject({ name: 'AlreadyCompensatedError' });
    expect(await stock('keyboard')).toBe(keyboards);
  });

  it('repeats a forward step without repeating its effect', async () => {
    const input = await newOrder('saga-repeat-step', [{ productId: 'keyboard', quantity: 2, price: 49.99 }]);
    const keyboards = await stock('keyboard');

    expect(await cloud.runtime.invoke('reserveInventory', input)).toMatchObject({ outcome: 'RESERVED' });
    expect(await cloud.runtime.invoke('reserveInventory', input)).toMatchObject({ outcome: 'ALREADY_RESERVED' });
    expect(await cloud.runtime.invoke('processPayment', input)).toMatchObject({ outcome: 'CHARGED' });
    expect(await cloud.runtime.invoke('processPayment', input)).toMatchObject({ outcome: 'ALREADY_CHARGED' });
    expect(await stock('keyboard')).toBe(keyboards - 2);
  });
});

describe('order status only moves forward', () => {
  it('refuses to complete an order that has failed', async () => {
    const input = await newOrder('saga-backwards', [{ productId: 'sold-out-item', quantity: 1, price: 1 }]);
    await runSaga(input);

    await expect(cloud.runtime.invoke('completeOrder', { orderId: input.orderId })).rejects.toMatchObject({ name: 'IllegalTransitionError' });
    expect((await order(input.orderId))?.status).toBe('FAILED');
  });

  it('rejects a step input without a valid order id, naming the field', async () => {
    await expect(cloud.runtime.invoke('reserveInventory', { orderId: 'nope', items: [] })).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/orderId: must be a UUID/),
    });
  });
});
