import { GetCommand, ScanCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createOrder } from '@app/handlers/create-order';
import { startTestCloud, type TestCloud } from '../../scripts/test-support/cloud';
import { apiEvent, laptopOrder, parseBody, testContext } from '../../scripts/test-support/events';

/**
 * The transactional outbox, on DynamoDB Local: POST /orders writes the order
 * and its ORDER_CREATED event together, or writes nothing.
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

async function post(body: unknown, headers: Record<string, string> = {}) {
  return createOrder(apiEvent({ body, headers }), testContext());
}

describe('POST /orders (transactional outbox)', () => {
  it('responds 201 with the order id, PENDING status and the total, as the original README shows', async () => {
    const response = await post(laptopOrder);
    expect(response.statusCode).toBe(201);
    expect(parseBody(response)).toEqual({
      orderId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'PENDING',
      totalAmount: 1299.99,
      message: 'Order created successfully',
    });
  });

  it('writes the order and its ORDER_CREATED event in one transaction', async () => {
    const { orderId } = parseBody(await post({ customerId: 'customer-456', items: [{ productId: 'monitor', quantity: 2, price: 349.99 }] }));

    const order = (await cloud.documents.send(new GetCommand({ TableName: cloud.table('OrdersTable'), Key: { orderId } }))).Item;
    expect(order).toMatchObject({
      orderId,
      customerId: 'customer-456',
      status: 'PENDING',
      totalCents: 69998,
      items: [{ productId: 'monitor', quantity: 2, unitPriceCents: 34999 }],
      statusHistory: [{ status: 'PENDING', at: expect.any(String) }],
    });
    const events = (await scan('OutboxTable')).filter((event) => event.aggregateId === orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: 'ORDER_CREATED',
      payload: { orderId, customerId: 'customer-456', totalCents: 69998, items: order?.items },
    });
  });

  it('writes neither the order nor the event when the transaction is cancelled', async () => {
    // Make the outbox Put fail its condition: an event with the id the
    // handler will generate already exists. The order Put in the same
    // transaction must then be rolled back too.
    const clashingEventId = '00000000-0000-4000-8000-000000000001';
    await cloud.documents.send(new PutCommand({ TableName: cloud.table('OutboxTable'), Item: { eventId: clashingEventId, eventType: 'PLACEHOLDER' } }));
    const ordersBefore = await scan('OrdersTable');
    const { createOrderWithOutboxEvent } = await import('@app/lib/orders');
    const { validateOrderRequest } = await import('@app/lib/order-request');
    const parsed = validateOrderRequest(laptopOrder);
    if (!parsed.ok) throw new Error('example order should be valid');
    const fixedOrderId = '00000000-0000-4000-8000-0000000000aa';

    await expect(
      createOrderWithOutboxEvent(parsed.order, undefined, { orderId: () => fixedOrderId, eventId: () => clashingEventId }),
    ).rejects.toMatchObject({ name: 'TransactionCanceledException' });

    const order = await cloud.documents.send(new GetCommand({ TableName: cloud.table('OrdersTable'), Key: { orderId: fixedOrderId } }));
    expect(order.Item).toBeUndefined();
    expect(await scan('OrdersTable')).toHaveLength(ordersBefore.length);
    const events = (await scan('OutboxTable')).filter((event) => event.aggregateId === fixedOrderId);
    expect(events).toHaveLength(0);
  });

  it('totals money exactly in cents: 0.1 + 0.2 is 0.30', async () => {
    const response = await post({
      customerId: 'customer-cents',
      items: [
        { productId: 'keyboard', quantity: 1, price: 0.1 },
        { productId: 'mouse', quantity: 1, price: 0.2 },
      ],
    });
    expect(parseBody(response).totalAmount).toBe(0.3);
    const { orderId } = parseBody(response);
    const order = (await cloud.documents.send(new GetCommand({ TableName: cloud.table('OrdersTable'), Key: { orderId } }))).Item;
    expect(order?.totalCents).toBe(30);
  });

  it('multiplies quantity by the unit price in cents without drift', async () => {
    const response = await post({ customerId: 'c-1', items: [{ productId: 'keyboard', quantity: 3, price: 19.99 }] });
    expect(parseBody(response).totalAmount).toBe(59.97);
  });
});

describe('POST /orders rejects bad input with a 400 naming the field, and writes nothing', () => {
  const valid = laptopOrder;
  const item = valid.items[0];
  const cases: Array<[string, { body?: unknown; rawBody?: string }, string, RegExp]> = [
    ['a missing body', { rawBody: '' }, 'body', /required/],
    ['malformed JSON', { rawBody: '{"customerId": "c-1", "items": [' }, 'body', /not valid JSON/],
    ['a JSON array instead of an object', { body: [valid] }, 'body', /must be a JSON object/],
    ['a missing customerId', { body: { items: valid.items } }, 'customerId', /required/],
    ['a customerId of the wrong type', { body: { ...valid, customerId: 42 } }, 'customerId', /must be a string/],
    ['an empty customerId', { body: { ...valid, customerId: '' } }, 'customerId', /1 to 128/],
    ['missing items', { body: { customerId: 'c-1' } }, 'items', /required/],
    ['items that are not an array', { body: { customerId: 'c-1', items: 'laptop' } }, 'items', /must be an array/],
    ['empty items', { body: { customerId: 'c-1', items: [] } }, 'items', /at least one/],
    ['a quantity that is not a whole number', { body: { customerId: 'c-1', items: [{ ...item, quantity: 1.5 }] } }, 'items[0].quantity', /whole number/],
    ['a zero quantity', { body: { customerId: 'c-1', items: [{ ...item, quantity: 0 }] } }, 'items[0].quantity', /at least 1/],
    ['a negative quantity', { body: { customerId: 'c-1', items: [{ ...item, quantity: -2 }] } }, 'items[0].quantity', /at least 1/],
    ['a quantity given as a string', { body: { customerId: 'c-1', items: [{ ...item, quantity: '1' }] } }, 'items[0].quantity', /must be a number/],
    ['a negative price', { body: { customerId: 'c-1', items: [{ ...item, price: -1 }] } }, 'items[0].price', /negative/],
    ['a price with more than 2 decimals', { body: { customerId: 'c-1', items: [{ ...item, price: 9.999 }] } }, 'items[0].price', /2 decimal/],
    ['a missing productId', { body: { customerId: 'c-1', items: [{ quantity: 1, price: 1 }] } }, 'items[0].productId', /required/],
    ['a productId with forbidden characters', { body: { customerId: 'c-1', items: [{ ...item, productId: 'reservation#x' }] } }, 'items[0].productId', /letters, digits/],
    ['the same product twice', { body: { customerId: 'c-1', items: [item, item] } }, 'items[1].productId', /repeats items\[0\]/],
    ['an unknown top-level field', { body: { ...valid, coupon: 'FREE' } }, 'coupon', /not a known field/],
    ['an unknown item field', { body: { customerId: 'c-1', items: [{ ...item, discount: 5 }] } }, 'items[0].discount', /not a known field/],
    ['an oversize body', { body: { ...valid, customerId: 'c'.repeat(20_000) } }, 'body', /at most 16384 bytes/],
  ];

  it.each(cases)('rejects %s', async (_, request, field, message) => {
    const ordersBefore = (await scan('OrdersTable')).length;
    const eventsBefore = (await scan('OutboxTable')).length;

    const response = await createOrder(apiEvent(request), testContext());

    expect(response.statusCode).toBe(400);
    const body = parseBody(response);
    expect(body.error).toBe('ValidationError');
    expect(body.details).toEqual(expect.arrayContaining([{ field, message: expect.stringMatching(message) }]));
    expect(await scan('OrdersTable')).toHaveLength(ordersBefore);
    expect(await scan('OutboxTable')).toHaveLength(eventsBefore);
  });

  it('names every problem at once, not just the first', async () => {
    const response = await post({ customerId: 7, items: [{ productId: 'laptop', quantity: 0, price: -5 }] });
    const fields = parseBody(response).details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['customerId', 'items[0].quantity', 'items[0].price']));
  });

  it.each([
    ['empty', ''],
    ['longer than 255 characters', 'k'.repeat(256)],
    ['containing spaces', 'my key'],
  ])('rejects an idempotency key that is %s', async (_, key) => {
    const ordersBefore = (await scan('OrdersTable')).length;
    const response = await post(laptopOrder, { 'x-idempotency-key': key });
    expect(response.statusCode).toBe(400);
    expect(parseBody(response).details).toEqual([{ field: 'headers.x-idempotency-key', message: expect.stringMatching(/1 to 255/) }]);
    expect(await scan('OrdersTable')).toHaveLength(ordersBefore);
  });
});
