import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SagaInput } from '@app/lib/order-model';
import { createOrderWithOutboxEvent, transitionOrder } from '@app/lib/orders';
import { validateOrderRequest } from '@app/lib/order-request';
import { startTestCloud, type TestCloud } from '../../../scripts/test-support/cloud';
import { runWithStaleReads } from './stale-reads';

/**
 * Lab 4 · Saga and compensation.
 *
 * The saga steps are invoked one by one through the local Lambda runtime
 * (exactly as Step Functions invokes them), then together: the state machine
 * defined in solution/serverless.yml, run by aws-local-stepfunctions on
 * DynamoDB Local. Retry waits are 0, so nothing sleeps. Each `describe` is
 * one step of labs/04-saga-compensation/README.md.
 *
 * Orders run side by side in production, and so do most tests here
 * (`it.concurrent`): each one orders a product of its own (`product`), so
 * no test sees another's stock, and the check takes about half the time.
 * The fault-injection tests run alone: a fault applies to every invocation
 * of the function in this process.
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

/** A new PENDING order (lab 1's write) and the saga input its outbox event carries. */
async function newOrder(customerId: string, items: Line[]): Promise<SagaInput> {
  const parsed = validateOrderRequest({ customerId, items });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const order = await createOrderWithOutboxEvent(parsed.order);
  return { eventId: `event-${order.orderId}`, orderId: order.orderId, customerId, items: order.items, totalCents: order.totalCents };
}

/** A new order whose inventory is already reserved, without running ReserveInventory (step 1). */
async function reservedOrder(customerId: string, items: Line[]): Promise<SagaInput> {
  const input = await newOrder(customerId, items);
  await transitionOrder(input.orderId, 'INVENTORY_RESERVED');
  return input;
}

const invoke = (functionName: string, input: unknown) => cloud.runtime.invoke(functionName, input);

async function runSaga(input: SagaInput) {
  const execution = cloud.stepFunctions.startExecution({ stateMachineArn: cloud.stateMachineArn, name: input.eventId, input: JSON.stringify(input) });
  await execution.finished;
  return execution;
}

async function get(logicalId: 'OrdersTable' | 'InventoryTable' | 'PaymentsTable', key: Record<string, string>) {
  return (await cloud.documents.send(new GetCommand({ TableName: cloud.table(logicalId), Key: key, ConsistentRead: true }))).Item;
}

async function put(logicalId: 'InventoryTable' | 'PaymentsTable', item: Record<string, unknown>) {
  await cloud.documents.send(new PutCommand({ TableName: cloud.table(logicalId), Item: item }));
}

let products = 0;

/** A product only this test orders, with `available` in stock: tests running side by side never share stock. */
async function product(name: string, available: number): Promise<string> {
  products += 1;
  const productId = `${name}-${products}`;
  await put('InventoryTable', { productId, available });
  return productId;
}

const stock = async (productId: string) => (await get('InventoryTable', { productId }))?.available as number;
const order = (orderId: string) => get('OrdersTable', { orderId });
const payment = (orderId: string) => get('PaymentsTable', { orderId });
const statuses = async (orderId: string) => (await order(orderId))?.statusHistory.map((s: { status: string }) => s.status);

function statesEntered(execution: { history: Array<{ type: string; [k: string]: any }> }): string[] {
  return execution.history.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails.name);
}

function retriesOf(execution: { history: Array<{ type: string; [k: string]: any }> }, state: string): number {
  return execution.history.filter((e) => e.type === 'TaskStateRetried' && e.stateRetriedEventDetails.name === state).length;
}

describe('Step 1 · ReserveInventory takes stock once per order', () => {
  it.concurrent('reserves stock for every line and moves the order to INVENTORY_RESERVED', async () => {
    const [keyboard, mouse] = [await product('keyboard', 10), await product('mouse', 10)];
    const input = await newOrder('reserve-all', [
      { productId: keyboard, quantity: 2, price: 49.99 },
      { productId: mouse, quantity: 1, price: 19.99 },
    ]);

    expect(await invoke('reserveInventory', input)).toMatchObject({ outcome: 'RESERVED' });

    expect(await stock(keyboard)).toBe(8);
    expect(await stock(mouse)).toBe(9);
    expect((await order(input.orderId))?.status).toBe('INVENTORY_RESERVED');
  });

  it.concurrent('reserves only once, however often the step runs', async () => {
    const keyboard = await product('keyboard', 10);
    const input = await newOrder('reserve-twice', [{ productId: keyboard, quantity: 2, price: 49.99 }]);

    expect(await invoke('reserveInventory', input)).toMatchObject({ outcome: 'RESERVED' });
    expect(await invoke('reserveInventory', input)).toMatchObject({ outcome: 'ALREADY_RESERVED' });

    expect(await stock(keyboard)).toBe(8);
    expect(await statuses(input.orderId)).toEqual(['PENDING', 'INVENTORY_RESERVED']);
  });

  it.concurrent('takes no stock at all when one line is out of stock, and names that product', async () => {
    const [laptop, soldOut] = [await product('laptop', 10), await product('sold-out-item', 0)];
    const input = await newOrder('reserve-sold-out', [
      { productId: laptop, quantity: 1, price: 1299.99 },
      { productId: soldOut, quantity: 1, price: 10 },
    ]);

    await expect(invoke('reserveInventory', input)).rejects.toMatchObject({ name: 'OutOfStockError', errorMessage: expect.stringContaining(soldOut) });

    expect(await stock(laptop)).toBe(10);
    expect((await order(input.orderId))?.status).toBe('PENDING');
  });

  it.concurrent('refuses a product that does not exist, by name', async () => {
    const input = await newOrder('reserve-unknown', [{ productId: 'time-machine', quantity: 1, price: 1 }]);

    await expect(invoke('reserveInventory', input)).rejects.toMatchObject({ name: 'UnknownProductError', errorMessage: 'Unknown product: time-machine' });
  });
});

describe('Step 2 · ProcessPayment charges at most once', () => {
  it.concurrent('charges the order and moves it to PAYMENT_PROCESSED', async () => {
    const input = await reservedOrder('charge-once', [{ productId: 'keyboard', quantity: 3, price: 49.99 }]);

    expect(await invoke('processPayment', input)).toMatchObject({ outcome: 'CHARGED', amountCents: 14997 });

    expect(await payment(input.orderId)).toMatchObject({ status: 'CHARGED', amountCents: 14997 });
    expect((await order(input.orderId))?.status).toBe('PAYMENT_PROCESSED');
  });

  it.concurrent('returns the same charge, without charging again, when the step runs again', async () => {
    const input = await reservedOrder('charge-twice', [{ productId: 'keyboard', quantity: 1, price: 49.99 }]);

    const first = (await invoke('processPayment', input)) as { chargeId: string };
    const second = await invoke('processPayment', input);

    expect(second).toEqual({ outcome: 'ALREADY_CHARGED', chargeId: first.chargeId, amountCents: 4999 });
    expect(await statuses(input.orderId)).toEqual(['PENDING', 'INVENTORY_RESERVED', 'PAYMENT_PROCESSED']);
  });

  it.concurrent('declines an order above the 5,000.00 limit, records the decline, and gives the same answer on retry', async () => {
    // 20 x 349.99 = 6,999.80
    const input = await reservedOrder('charge-declined', [{ productId: 'monitor', quantity: 20, price: 349.99 }]);
    const declined = { name: 'PaymentDeclinedError', errorMessage: 'Payment declined: 6999.80 is above the 5000.00 limit' };

    await expect(invoke('processPayment', input)).rejects.toMatchObject(declined);
    await expect(invoke('processPayment', input)).rejects.toMatchObject(declined);

    expect(await payment(input.orderId)).toMatchObject({ status: 'DECLINED', amountCents: 699980 });
    expect((await order(input.orderId))?.status).toBe('INVENTORY_RESERVED');
  });
});

describe('Step 3 · RefundPayment undoes a charge, once', () => {
  it.concurrent('refunds a charge, and changes nothing when it runs again', async () => {
    const input = await newOrder('refund-twice', [{ productId: 'keyboard', quantity: 1, price: 49.99 }]);
    await put('PaymentsTable', { orderId: input.orderId, status: 'CHARGED', amountCents: 4999, chargeId: `charge-${input.orderId}` });

    expect(await invoke('refundPayment', { orderId: input.orderId })).toEqual({ outcome: 'REFUNDED', amountCents: 4999 });
    const afterFirst = await payment(input.orderId);
    expect(await invoke('refundPayment', { orderId: input.orderId })).toEqual({ outcome: 'ALREADY_REFUNDED', amountCents: 4999 });

    expect(afterFirst).toMatchObject({ status: 'REFUNDED', refundedAt: expect.any(String) });
    expect(await payment(input.orderId)).toEqual(afterFirst);
  });

  it.concurrent('answers NOTHING_TO_REFUND for an order that was never charged, and leaves a VOIDED record', async () => {
    const input = await newOrder('refund-nothing', [{ productId: 'keyboard', quantity: 1, price: 49.99 }]);

    expect(await invoke('refundPayment', { orderId: input.orderId })).toEqual({ outcome: 'NOTHING_TO_REFUND', amountCents: 0 });

    expect(await payment(input.orderId)).toMatchObject({ status: 'VOIDED' });
  });
});

describe('Step 4 · ReleaseInventory puts stock back, once', () => {
  it.concurrent('puts reserved stock back, and changes nothing when it runs again', async () => {
    const keyboard = await product('keyboard', 8);
    const input = await newOrder('release-twice', [{ productId: keyboard, quantity: 2, price: 49.99 }]);
    await put('InventoryTable', {
      productId: `reservation#${input.orderId}`,
      orderId: input.orderId,
      state: 'RESERVED',
      items: [{ productId: keyboard, quantity: 2 }],
    });

    expect(await invoke('releaseInventory', { orderId: input.orderId })).toMatchObject({ outcome: 'RELEASED' });
    expect(await invoke('releaseInventory', { orderId: input.orderId })).toMatchObject({ outcome: 'ALREADY_RELEASED' });

    expect(await stock(keyboard)).toBe(10);
  });

  it.concurrent('answers NOTHING_RESERVED when nothing was reserved, and changes no stock', async () => {
    const keyboard = await product('keyboard', 10);
    const input = await newOrder('release-nothing', [{ productId: keyboard, quantity: 1, price: 49.99 }]);

    expect(await invoke('releaseInventory', { orderId: input.orderId })).toEqual({ outcome: 'NOTHING_RESERVED', items: [] });

    expect(await stock(keyboard)).toBe(10);
  });
});

describe('Steps 1–4 together · a step that arrives after its compensation is refused', () => {
  it.concurrent('refuses a reservation that arrives after the release already ran', async () => {
    const keyboard = await product('keyboard', 10);
    const input = await newOrder('late-reserve', [{ productId: keyboard, quantity: 1, price: 49.99 }]);
    await invoke('releaseInventory', { orderId: input.orderId });

    await expect(invoke('reserveInventory', input)).rejects.toMatchObject({ name: 'AlreadyCompensatedError' });

    expect(await stock(keyboard)).toBe(10);
  });

  it.concurrent('refuses a charge that arrives after the refund already ran', async () => {
    const input = await reservedOrder('late-charge', [{ productId: 'keyboard', quantity: 1, price: 49.99 }]);
    await invoke('refundPayment', { orderId: input.orderId });

    await expect(invoke('processPayment', input)).rejects.toMatchObject({ name: 'AlreadyCompensatedError' });

    expect((await payment(input.orderId))?.status).toBe('VOIDED');
  });
});

describe('Steps 1–4 together · two attempts at once still act once (both read before either writes)', () => {
  // Step Functions retries a step whose first attempt is still running (a
  // timeout), and a compensation can run while a delayed step is in flight.
  // runWithStaleReads makes every copy read before any copy writes, on every
  // run: only the conditions on the writes can keep the outcome right.
  const reserve = (input: SagaInput) => () => invoke('reserveInventory', input);
  const charge = (input: SagaInput) => () => invoke('processPayment', input);
  const refund = (input: SagaInput) => () => invoke('refundPayment', { orderId: input.orderId });
  const release = (input: SagaInput) => () => invoke('releaseInventory', { orderId: input.orderId });

  it.concurrent("takes stock once when two ReserveInventory attempts run at once: the second finds the first one's reservation", async () => {
    const keyboard = await product('keyboard', 10);
    const input = await newOrder('race-reserve', [{ productId: keyboard, quantity: 2, price: 49.99 }]);

    const answers = await runWithStaleReads([reserve(input), reserve(input)]);

    expect(answers).toEqual(['RESERVED', 'ALREADY_RESERVED']);
    expect(await stock(keyboard)).toBe(8);
    expect(await statuses(input.orderId)).toEqual(['PENDING', 'INVENTORY_RESERVED']);
  });

  it.concurrent('charges once when two ProcessPayment attempts run at once: the second returns the same charge', async () => {
    const input = await reservedOrder('race-charge', [{ productId: 'keyboard', quantity: 1, price: 49.99 }]);

    const answers = await runWithStaleReads([charge(input), charge(input)]);

    expect(answers).toEqual(['CHARGED', 'ALREADY_CHARGED']);
    expect(await payment(input.orderId)).toMatchObject({ status: 'CHARGED', amountCents: 4999, chargeId: `charge-${input.orderId}` });
    expect(await statuses(input.orderId)).toEqual(['PENDING', 'INVENTORY_RESERVED', 'PAYMENT_PROCESSED']);
  });

  it.concurrent('refunds once when two RefundPayment attempts run at once: only a payment still CHARGED may be refunded', async () => {
    const input = await reservedOrder('race-refund', [{ productId: 'keyboard', quantity: 1, price: 49.99 }]);
    await invoke('processPayment', input);

    const answers = await runWithStaleReads([refund(input), refund(input)]);

    expect(answers).toEqual(['REFUNDED', 'ALREADY_REFUNDED']);
    expect(await payment(input.orderId)).toMatchObject({ status: 'REFUNDED', amountCents: 4999 });
  });

  it.concurrent('puts stock back once when two ReleaseInventory attempts run at once: only a reservation still RESERVED may be released', async () => {
    const keyboard = await product('keyboard', 10);
    const input = await newOrder('race-release', [{ productId: keyboard, quantity: 3, price: 49.99 }]);
    await invoke('reserveInventory', input);

    const answers = await runWithStaleReads([release(input), release(input)]);

    expect(answers).toEqual(['RELEASED', 'ALREADY_RELEASED']);
    expect(await stock(keyboard)).toBe(10);
  });

  it.concurrent(`refuses a reservation when the release's tombstone is written first, although both read "nothing reserved"`, async () => {
    const keyboard = await product('keyboard', 10);
    const input = await newOrder('race-tombstone-first', [{ productId: keyboard, quantity: 1, price: 49.99 }]);

    const answers = await runWithStaleReads([reserve(input), release(input)], [1, 0]);

    expect(answers).toEqual(['AlreadyCompensatedError', 'NOTHING_RESERVED']);
    expect(await stock(keyboard)).toBe(10);
    expect(await get('InventoryTable', { productId: `reservation#${input.orderId}` })).toMatchObject({ state: 'RELEASED' });
  });

  it.concurrent("releases a reservation written just before the release's tombstone: no stock is lost", async () => {
    const keyboard = await product('keyboard', 10);
    const input = await newOrder('race-reserve-first', [{ productId: keyboard, quantity: 1, price: 49.99 }]);

    const answers = await runWithStaleReads([reserve(input), release(input)], [0, 1]);

    expect(answers).toEqual(['RESERVED', 'RELEASED']);
    expect(await stock(keyboard)).toBe(10);
    expect(await get('InventoryTable', { productId: `reservation#${input.orderId}` })).toMatchObject({ state: 'RELEASED' });
  });

  it.concurrent(`refuses a charge when the refund's VOIDED record is written first, although both read "no payment"`, async () => {
    const input = await reservedOrder('race-void-first', [{ productId: 'keyboard', quantity: 1, price: 49.99 }]);

    const answers = await runWithStaleReads([charge(input), refund(input)], [1, 0]);

    expect(answers).toEqual(['AlreadyCompensatedError', 'NOTHING_TO_REFUND']);
    expect(await payment(input.orderId)).toMatchObject({ status: 'VOIDED', amountCents: 0 });
    expect((await order(input.orderId))?.status).toBe('INVENTORY_RESERVED');
  });

  it.concurrent("refunds a charge written just before the refund's VOIDED record: a customer is never charged without a refund", async () => {
    const input = await reservedOrder('race-charge-first', [{ productId: 'keyboard', quantity: 1, price: 49.99 }]);

    const answers = await runWithStaleReads([charge(input), refund(input)], [0, 1]);

    expect(answers).toEqual(['CHARGED', 'REFUNDED']);
    expect(await payment(input.orderId)).toMatchObject({ status: 'REFUNDED', amountCents: 4999 });
  });
});

describe('Steps 1–4 together · the saga completes, or compensates in reverse order', () => {
  it.concurrent('completes an order: reserves, charges once, notifies, and publishes OrderCompleted', async () => {
    const laptop = await product('laptop', 10);
    const input = await newOrder('saga-happy', [{ productId: laptop, quantity: 2, price: 1299.99 }]);

    const execution = await runSaga(input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([
      'ReserveInventory',
      'ProcessPayment',
      'SendNotification',
      'CompleteOrder',
      'PublishOrderCompleted',
      'OrderCompleted',
    ]);
    expect(await stock(laptop)).toBe(8);
    expect(await payment(input.orderId)).toMatchObject({ status: 'CHARGED', amountCents: 259998 });
    expect(await statuses(input.orderId)).toEqual(['PENDING', 'INVENTORY_RESERVED', 'PAYMENT_PROCESSED', 'COMPLETED']);
    expect(cloud.stepFunctions.publishedEvents).toContainEqual(
      expect.objectContaining({ DetailType: 'OrderCompleted', Detail: expect.objectContaining({ orderId: input.orderId }) }),
    );
  });

  it.concurrent('fails an out-of-stock order without retrying, charging or touching any stock', async () => {
    const [laptop, soldOut] = [await product('laptop', 10), await product('sold-out-item', 0)];
    const input = await newOrder('saga-sold-out', [
      { productId: laptop, quantity: 1, price: 1299.99 },
      { productId: soldOut, quantity: 1, price: 10 },
    ]);

    const execution = await runSaga(input);

    // A business outcome, not a broken execution: it succeeds with a FAILED result.
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output as string).outcome).toMatchObject({ status: 'FAILED' });
    expect(retriesOf(execution, 'ReserveInventory')).toBe(0); // a business error is never retried
    expect(await stock(laptop)).toBe(10);
    expect((await payment(input.orderId))?.status).not.toBe('CHARGED');
    expect(await order(input.orderId)).toMatchObject({ status: 'FAILED', failureReason: expect.stringContaining(`Out of stock: ${soldOut}`) });
    expect(await statuses(input.orderId)).toEqual(['PENDING', 'COMPENSATING', 'FAILED']);
  });

  it.concurrent('releases the reserved stock when the payment is declined, and records why', async () => {
    const monitor = await product('monitor', 30);
    const input = await newOrder('saga-declined', [{ productId: monitor, quantity: 20, price: 349.99 }]);

    const execution = await runSaga(input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([
      'ReserveInventory',
      'ProcessPayment',
      'BeginCompensation',
      'RefundPayment',
      'ReleaseInventory',
      'MarkOrderFailed',
      'PublishOrderFailed',
      'OrderFailed',
    ]);
    expect(retriesOf(execution, 'ProcessPayment')).toBe(0);
    expect(await stock(monitor)).toBe(30);
    expect(await payment(input.orderId)).toMatchObject({ status: 'DECLINED' });
    const stored = await order(input.orderId);
    expect(stored).toMatchObject({ status: 'FAILED', failureReason: 'Payment declined: 6999.80 is above the 5000.00 limit' });
    expect(await statuses(input.orderId)).toEqual(['PENDING', 'INVENTORY_RESERVED', 'COMPENSATING', 'FAILED']);
    expect(cloud.stepFunctions.publishedEvents).toContainEqual(
      expect.objectContaining({ DetailType: 'OrderFailed', Detail: expect.objectContaining({ orderId: input.orderId, reason: stored?.failureReason }) }),
    );
  });

  it('retries a transient payment error, then completes the order, charging once', async () => {
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
    const mouse = await product('mouse', 10);
    const input = await newOrder('saga-exhausted', [{ productId: mouse, quantity: 1, price: 19.99 }]);

    const execution = await runSaga(input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(retriesOf(execution, 'ReserveInventory')).toBe(4); // MaxAttempts counts retries after the first try
    expect(await stock(mouse)).toBe(10);
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

  it.concurrent('never moves a failed order forward: completing it afterwards is refused', async () => {
    const soldOut = await product('sold-out-item', 0);
    const input = await newOrder('saga-backwards', [{ productId: soldOut, quantity: 1, price: 1 }]);
    await runSaga(input);

    await expect(invoke('completeOrder', { orderId: input.orderId })).rejects.toMatchObject({ name: 'IllegalTransitionError' });

    expect((await order(input.orderId))?.status).toBe('FAILED');
  });
});
