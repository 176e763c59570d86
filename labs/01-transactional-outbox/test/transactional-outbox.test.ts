import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createOrder } from '@app/handlers/create-order';
import { handler as getOrder } from '@app/handlers/get-order';
import { toCents } from '@app/lib/money';
import type { Cents } from '@app/lib/money';
import { createOrderWithOutboxEvent } from '@app/lib/orders';
import type { ValidOrderRequest } from '@app/lib/order-request';
import { startTestCloud, type TestCloud } from '../../../scripts/test-support/cloud';
import { apiEvent, laptopOrder, parseBody, testContext } from '../../../scripts/test-support/events';

/**
 * Lab 1 · Transactional outbox, on DynamoDB Local.
 *
 * POST /orders must write the order and its ORDER_CREATED event together, or
 * write nothing; GET /orders/{orderId} reads the order back. Each `describe`
 * below is one step of labs/01-transactional-outbox/README.md, and each test
 * name is a requirement `npm run check:lab 1` shows you.
 */
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud?.stop();
});

async function scan(logicalId: 'OrdersTable' | 'OutboxTable') {
  return (await cloud.documents.send(new ScanCommand({ TableName: cloud.table(logicalId), ConsistentRead: true }))).Items ?? [];
}

async function storedOrder(orderId: string) {
  return (await cloud.documents.send(new GetCommand({ TableName: cloud.table('OrdersTable'), Key: { orderId }, ConsistentRead: true }))).Item;
}

async function eventsFor(orderId: string) {
  return (await scan('OutboxTable')).filter((event) => event.aggregateId === orderId);
}

async function post(body: unknown) {
  return createOrder(apiEvent({ body }), testContext('createOrder'));
}

async function get(orderId: string) {
  return getOrder(apiEvent({ method: 'GET', path: `/orders/${orderId}`, pathParameters: { orderId } }), testContext('getOrder'));
}

/** An order that already passed validation, prices in cents: step 2 can be tested before step 1. */
function validOrder(customerId: string): ValidOrderRequest {
  return {
    customerId,
    items: [{ productId: 'monitor', quantity: 2, unitPriceCents: 34999 as Cents }],
    totalCents: 69998 as Cents,
  };
}

describe('Step 1 · money is counted in whole cents', () => {
  it('converts decimal prices to whole cents (1299.99 is 129999 cents, 0.1 is 10)', () => {
    expect(toCents(1299.99)).toBe(129999);
    expect(toCents(0.1)).toBe(10);
    expect(toCents(19.99)).toBe(1999);
    expect(toCents(0)).toBe(0);
  });

  it('answers undefined for an amount with a third decimal (9.999, 0.001, 1299.995), so validation can refuse it', () => {
    expect(toCents(9.999)).toBeUndefined();
    expect(toCents(0.001)).toBeUndefined();
    expect(toCents(1299.995)).toBeUndefined();
  });
  // Prices written with a third decimal (9.999, 19.999999999) are refused
  // before toCents sees them, by the request parser reading the JSON text
  // (solution/test/order-validation.test.ts): not this lab's TODO.
});

describe('Step 2 · the order and its ORDER_CREATED event are written in one transaction', () => {
  it('writes the order (PENDING) and its ORDER_CREATED event carrying everything the saga needs', async () => {
    const order = await createOrderWithOutboxEvent(validOrder('customer-456'));

    expect(await storedOrder(order.orderId)).toMatchObject({
      orderId: order.orderId,
      customerId: 'customer-456',
      status: 'PENDING',
      totalCents: 69998,
      items: [{ productId: 'monitor', quantity: 2, unitPriceCents: 34999 }],
      statusHistory: [{ status: 'PENDING', at: expect.any(String) }],
    });
    const events = await eventsFor(order.orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventId: expect.any(String),
      aggregateId: order.orderId,
      eventType: 'ORDER_CREATED',
      payload: { orderId: order.orderId, customerId: 'customer-456', totalCents: 69998, items: [{ productId: 'monitor', quantity: 2, unitPriceCents: 34999 }] },
      createdAt: expect.any(String),
    });
  });

  it('writes neither the order nor the event when the transaction is cancelled', async () => {
    // An event with the id the write will use already exists, so the outbox
    // Put fails its condition. The order Put in the same transaction must be
    // rolled back with it: no order without its event.
    const clashingEventId = '00000000-0000-4000-8000-000000000001';
    await cloud.documents.send(new PutCommand({ TableName: cloud.table('OutboxTable'), Item: { eventId: clashingEventId, eventType: 'PLACEHOLDER' } }));
    const orderId = '00000000-0000-4000-8000-0000000000aa';

    await expect(
      createOrderWithOutboxEvent(validOrder('customer-rollback'), undefined, { orderId: () => orderId, eventId: () => clashingEventId }),
    ).rejects.toMatchObject({ name: 'TransactionCanceledException' });

    expect(await storedOrder(orderId)).toBeUndefined();
    expect(await eventsFor(orderId)).toHaveLength(0);
  });

  it('never overwrites an existing order: a second write with the same order id is refused', async () => {
    const orderId = '00000000-0000-4000-8000-0000000000bb';
    await createOrderWithOutboxEvent(validOrder('customer-first'), undefined, { orderId: () => orderId, eventId: () => 'event-first' });

    await expect(
      createOrderWithOutboxEvent(validOrder('customer-second'), undefined, { orderId: () => orderId, eventId: () => 'event-second' }),
    ).rejects.toMatchObject({ name: 'TransactionCanceledException' });

    expect(await storedOrder(orderId)).toMatchObject({ customerId: 'customer-first' });
    expect((await eventsFor(orderId)).map((event) => event.eventId)).toEqual(['event-first']);
  });

  it('answers POST /orders with 201, the new order id, PENDING and the total, as the original README shows', async () => {
    const response = await post(laptopOrder);

    expect(response.statusCode).toBe(201);
    expect(parseBody(response)).toEqual({
      orderId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'PENDING',
      totalAmount: 1299.99,
      message: 'Order created successfully',
    });
    expect(await eventsFor(parseBody(response).orderId)).toHaveLength(1);
  });

  it('totals an order exactly: 0.1 + 0.2 is 0.30, and 3 × 19.99 is 59.97', async () => {
    const small = await post({
      customerId: 'customer-cents',
      items: [
        { productId: 'keyboard', quantity: 1, price: 0.1 },
        { productId: 'mouse', quantity: 1, price: 0.2 },
      ],
    });
    const triple = await post({ customerId: 'customer-cents', items: [{ productId: 'keyboard', quantity: 3, price: 19.99 }] });

    expect(parseBody(small).totalAmount).toBe(0.3);
    expect((await storedOrder(parseBody(small).orderId))?.totalCents).toBe(30);
    expect(parseBody(triple).totalAmount).toBe(59.97);
    expect((await storedOrder(parseBody(triple).orderId))?.totalCents).toBe(5997);
  });
});

describe('Step 3 · GET /orders/{orderId} reads the order back', () => {
  it('returns a new order with its status, items in decimal prices, total and status history', async () => {
    const { orderId } = parseBody(await post(laptopOrder));

    const response = await get(orderId);

    expect(response.statusCode).toBe(200);
    expect(parseBody(response)).toMatchObject({
      orderId,
      customerId: 'customer-123',
      status: 'PENDING',
      items: [{ productId: 'laptop', quantity: 1, price: 1299.99 }],
      totalAmount: 1299.99,
      statusHistory: [{ status: 'PENDING', at: expect.any(String) }],
    });
    expect(parseBody(response)).not.toHaveProperty('failureReason');
  });

  it('answers 404 for an order that does not exist', async () => {
    const response = await get('7d9f8a52-3c4b-4e8f-9a1b-2c3d4e5f6a7b');

    expect(response.statusCode).toBe(404);
    expect(parseBody(response)).toMatchObject({ error: 'NotFound' });
  });

  it('answers 400 naming the path parameter when the order id is not a UUID', async () => {
    const response = await get('not-a-uuid');

    expect(response.statusCode).toBe(400);
    expect(parseBody(response).details).toEqual([{ field: 'pathParameters.orderId', message: 'must be a UUID' }]);
  });
});
