import { handler as createOrder } from '@app/handlers/create-order';
import { handler as getOrder } from '@app/handlers/get-order';
import { startTestCloud, type TestCloud } from '../../scripts/test-support/cloud';
import { apiEvent, laptopOrder, parseBody, testContext } from '../../scripts/test-support/events';

/** GET /orders/{orderId}: the route the original demo promised but never wired. */
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud?.stop();
});

const get = (orderId: string) => getOrder(apiEvent({ method: 'GET', path: `/orders/${orderId}`, pathParameters: { orderId } }), testContext());

describe('GET /orders/{orderId}', () => {
  it('returns the order with its status, items in decimal prices and status history', async () => {
    const { orderId } = parseBody(await createOrder(apiEvent({ body: laptopOrder }), testContext()));

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

  it('answers 400 naming the path parameter for a malformed id', async () => {
    const response = await get('not-a-uuid');
    expect(response.statusCode).toBe(400);
    expect(parseBody(response).details).toEqual([{ field: 'pathParameters.orderId', message: 'must be a UUID' }]);
  });
});
