import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createOrder } from '@app/handlers/create-order';
import { startTestCloud, type TestCloud } from '../../scripts/test-support/cloud';
import { apiEvent, laptopOrder, parseBody, testContext } from '../../scripts/test-support/events';

/**
 * Input validation of POST /orders, on DynamoDB Local: bad input is the
 * client's 400 (naming every problem), never a 500 and never a partial write.
 * Solution-only: the labs take validation as given (lab 1 builds the write
 * that follows it).
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
    // Written with too many decimals, though the double they parse to rounds to a cent:
    [
      'a price written 19.999999999',
      { rawBody: '{"customerId":"c-1","items":[{"productId":"laptop","quantity":1,"price":19.999999999}]}' },
      'items[0].price',
      /2 decimal/,
    ],
    [
      'a price written 0.30000000000000004',
      { rawBody: '{"customerId":"c-1","items":[{"productId":"laptop","quantity":1,"price":0.30000000000000004}]}' },
      'items[0].price',
      /2 decimal/,
    ],
    ['a price written 1e-9', { rawBody: '{"customerId":"c-1","items":[{"productId":"laptop","quantity":1,"price":1e-9}]}' }, 'items[0].price', /2 decimal/],
    [
      "the second line's price written 2E2",
      { rawBody: '{"customerId":"c-1","items":[{"productId":"laptop","quantity":1,"price":5},{"productId":"mouse","quantity":1,"price":2E2}]}' },
      'items[1].price',
      /2 decimal/,
    ],
    ['a missing productId', { body: { customerId: 'c-1', items: [{ quantity: 1, price: 1 }] } }, 'items[0].productId', /required/],
    [
      'a productId with forbidden characters',
      { body: { customerId: 'c-1', items: [{ ...item, productId: 'reservation#x' }] } },
      'items[0].productId',
      /letters, digits/,
    ],
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

  it('accepts prices written with zero, one or two decimals, spaces around them, and counts them in exact cents', async () => {
    const response = await createOrder(
      apiEvent({
        rawBody:
          '{ "customerId" : "written-prices", "items" : [ { "productId":"laptop","quantity":1,"price" : 1299.99 }, {"price":0.1,"productId":"mouse","quantity":1}, {"productId":"keyboard","quantity":2,"price":20} ] }',
      }),
      testContext(),
    );

    expect(response.statusCode).toBe(201);
    expect(parseBody(response).totalAmount).toBe(1340.09);
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
