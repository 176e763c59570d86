import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createOrder } from '@app/handlers/create-order';
import { startTestCloud, type TestCloud } from '../../../scripts/test-support/cloud';
import { apiEvent, parseBody, testContext } from '../../../scripts/test-support/events';

/**
 * Lab 3 · Idempotent API.
 *
 * POST /orders with Powertools idempotency, its records persisted in the
 * Idempotency table on DynamoDB Local: a retried request with the same
 * x-idempotency-key returns the first answer and creates nothing new. Each
 * `describe` is one step of labs/03-idempotency/README.md.
 */
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  jest.useRealTimers();
  await cloud?.stop();
});

async function post(body: unknown, headers: Record<string, string>) {
  return createOrder(apiEvent({ body, headers }), testContext('createOrder'));
}

async function itemsFor(logicalId: 'OrdersTable' | 'OutboxTable', customerId: string) {
  const items = (await cloud.documents.send(new ScanCommand({ TableName: cloud.table(logicalId), ConsistentRead: true }))).Items ?? [];
  return items.filter((item) => (item.customerId ?? item.payload?.customerId) === customerId);
}

function order(customerId: string) {
  return { customerId, items: [{ productId: 'monitor', quantity: 2, price: 349.99 }] };
}

describe('Step 1 · a retried POST /orders returns the first answer', () => {
  it('returns the first answer to a repeated request, and creates one order and one outbox event', async () => {
    const first = await post(order('idem-repeat'), { 'x-idempotency-key': 'customer-order-001' });
    const second = await post(order('idem-repeat'), { 'x-idempotency-key': 'customer-order-001' });

    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(parseBody(second)).toEqual(parseBody(first));
    expect(await itemsFor('OrdersTable', 'idem-repeat')).toHaveLength(1);
    expect(await itemsFor('OutboxTable', 'idem-repeat')).toHaveLength(1);
  });

  it('reads the x-idempotency-key header in any letter case', async () => {
    const first = await post(order('idem-case'), { 'x-idempotency-key': 'case-key' });
    const second = await post(order('idem-case'), { 'X-Idempotency-Key': 'case-key' });
    const third = await post(order('idem-case'), { 'X-IDEMPOTENCY-KEY': 'case-key' });

    expect(parseBody(second).orderId).toBe(parseBody(first).orderId);
    expect(parseBody(third).orderId).toBe(parseBody(first).orderId);
    expect(await itemsFor('OrdersTable', 'idem-case')).toHaveLength(1);
  });

  it('creates a new order for a new key, and for every request without a key', async () => {
    const first = await post(order('idem-new-key'), { 'x-idempotency-key': 'key-a' });
    const second = await post(order('idem-new-key'), { 'x-idempotency-key': 'key-b' });
    await post(order('idem-new-key'), {});
    await post(order('idem-new-key'), {});

    expect(second.statusCode).toBe(201);
    expect(parseBody(second).orderId).not.toBe(parseBody(first).orderId);
    expect(await itemsFor('OrdersTable', 'idem-new-key')).toHaveLength(4);
  });

  it('creates a new order with the same key once the 10-minute window has passed', async () => {
    // Fake only the clock (Date), not timers: the SDK's own timers keep working.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    jest.setSystemTime(new Date('2030-01-01T10:00:00Z'));
    const first = await post(order('idem-window'), { 'x-idempotency-key': 'window-key' });

    jest.setSystemTime(new Date('2030-01-01T10:09:50Z'));
    const withinWindow = await post(order('idem-window'), { 'x-idempotency-key': 'window-key' });

    jest.setSystemTime(new Date('2030-01-01T10:10:05Z'));
    const afterWindow = await post(order('idem-window'), { 'x-idempotency-key': 'window-key' });
    jest.useRealTimers();

    expect(parseBody(withinWindow).orderId).toBe(parseBody(first).orderId);
    expect(afterWindow.statusCode).toBe(201);
    expect(parseBody(afterWindow).orderId).not.toBe(parseBody(first).orderId);
    expect(await itemsFor('OrdersTable', 'idem-window')).toHaveLength(2);
  });

  it('does not remember a failure: the same key succeeds once the fault is gone', async () => {
    // Point the handler at a missing Orders table: the transaction fails with
    // a server-side error. That failure must not be stored as the answer.
    const realTable = process.env.ORDERS_TABLE;
    process.env.ORDERS_TABLE = 'no-such-table';
    const failed = await post(order('idem-error'), { 'x-idempotency-key': 'error-key' });
    process.env.ORDERS_TABLE = realTable;
    const retried = await post(order('idem-error'), { 'x-idempotency-key': 'error-key' });

    expect(failed.statusCode).toBe(500);
    expect(parseBody(failed)).toMatchObject({ error: 'InternalError', message: expect.stringMatching(/Retry with the same x-idempotency-key/) });
    expect(retried.statusCode).toBe(201);
    expect(await itemsFor('OrdersTable', 'idem-error')).toHaveLength(1);
  });
});

describe('Step 2 · conflicting retries are refused with 409 and 422', () => {
  it('answers 422 when the same key comes back with a different body, and creates nothing', async () => {
    await post(order('idem-mismatch'), { 'x-idempotency-key': 'reused-key' });
    const different = { customerId: 'idem-mismatch', items: [{ productId: 'monitor', quantity: 3, price: 349.99 }] };

    const response = await post(different, { 'x-idempotency-key': 'reused-key' });

    expect(response.statusCode).toBe(422);
    expect(parseBody(response)).toMatchObject({ error: 'IdempotencyKeyReused' });
    expect(await itemsFor('OrdersTable', 'idem-mismatch')).toHaveLength(1);
  });

  it('lets 20 concurrent requests with one key create exactly one order; the others get it back or a 409 with Retry-After', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(order('idem-concurrent'), { 'x-idempotency-key': 'concurrent-key' })),
    );

    const created = responses.filter((r) => r.statusCode === 201);
    const inProgress = responses.filter((r) => r.statusCode === 409);
    expect(created.length + inProgress.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => parseBody(r).orderId)).size).toBe(1);
    for (const response of inProgress) {
      expect(response.headers?.['retry-after']).toBe('1');
      expect(parseBody(response)).toMatchObject({ error: 'RequestInProgress' });
    }
    expect(await itemsFor('OrdersTable', 'idem-concurrent')).toHaveLength(1);
    expect(await itemsFor('OutboxTable', 'idem-concurrent')).toHaveLength(1);
  });
});
