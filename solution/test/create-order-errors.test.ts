import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createOrder } from '@app/handlers/create-order';
import { startTestCloud, type TestCloud } from '../../scripts/test-support/cloud';
import { apiEvent, laptopOrder, parseBody, testContext } from '../../scripts/test-support/events';

/**
 * How POST /orders answers when its own infrastructure fails. The failures
 * are real: handlers are pointed at tables that do not exist in DynamoDB Local.
 */
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud?.stop();
});

async function ordersOf(customerId: string) {
  const items = (await cloud.documents.send(new ScanCommand({ TableName: cloud.table('OrdersTable'), ConsistentRead: true }))).Items ?? [];
  return items.filter((item) => item.customerId === customerId);
}

async function withEnv<T>(name: string, value: string, work: () => Promise<T>): Promise<T> {
  const saved = process.env[name];
  process.env[name] = value;
  try {
    return await work();
  } finally {
    process.env[name] = saved;
  }
}

describe('POST /orders when a store fails', () => {
  it('answers 503 without claiming nothing happened when the idempotency store is unreachable', async () => {
    const response = await withEnv('IDEMPOTENCY_TABLE', 'no-such-idempotency-table', () =>
      createOrder(apiEvent({ body: { ...laptopOrder, customerId: 'store-down' }, headers: { 'x-idempotency-key': 'store-down-1' } }), testContext()),
    );

    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('5');
    expect(parseBody(response)).toMatchObject({ error: 'IdempotencyStoreUnavailable', message: expect.stringMatching(/may have been created/) });
    // Powertools could not even record the request as in progress, so it never ran the order write.
    expect(await ordersOf('store-down')).toHaveLength(0);
  });

  it('answers a JSON 500 (not a stack trace) when the order write itself fails, with or without a key', async () => {
    const withoutKey = await withEnv('ORDERS_TABLE', 'no-such-orders-table', () =>
      createOrder(apiEvent({ body: { ...laptopOrder, customerId: 'orders-down' } }), testContext()),
    );

    expect(withoutKey.statusCode).toBe(500);
    expect(withoutKey.headers?.['content-type']).toBe('application/json');
    expect(parseBody(withoutKey)).toEqual({ error: 'InternalError', message: expect.stringMatching(/server error/) });
    expect(await ordersOf('orders-down')).toHaveLength(0);
  });
});
