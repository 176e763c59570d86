import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createOrder } from '@app/handlers/create-order';
import { KEY_CLAIM_PREFIX } from '@app/lib/order-key-claim';
import { startTestCloud, type TestCloud } from '../../scripts/test-support/cloud';
import { apiEvent, parseBody, testContext } from '../../scripts/test-support/events';

/**
 * The second line of defence: the order's own transaction claims the
 * x-idempotency-key, so DynamoDB refuses a second order for the key even when
 * the Powertools lock is gone (its COMPLETED record never written, lost, or
 * its in-progress lock expired). Real DynamoDB Local; the lost record is
 * simulated by deleting it, and time by a fake clock (Date only).
 */
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterEach(() => {
  jest.useRealTimers();
});
afterAll(async () => {
  await cloud?.stop();
});

const post = (body: unknown, key: string) => createOrder(apiEvent({ body, headers: { 'x-idempotency-key': key } }), testContext('createOrder'));

async function scan(logicalId: 'OrdersTable' | 'OutboxTable' | 'IdempotencyTable') {
  return (await cloud.documents.send(new ScanCommand({ TableName: cloud.table(logicalId), ConsistentRead: true }))).Items ?? [];
}
const ordersOf = async (customerId: string) => (await scan('OrdersTable')).filter((item) => item.customerId === customerId);
const eventsOf = async (customerId: string) => (await scan('OutboxTable')).filter((item) => item.payload?.customerId === customerId);

/** Deletes the Powertools records (not the claims): what a lost COMPLETED write or an expired lock leaves behind. */
async function loseTheLock(): Promise<number> {
  const records = (await scan('IdempotencyTable')).filter((item) => !String(item.id).startsWith(KEY_CLAIM_PREFIX));
  for (const record of records) await cloud.documents.send(new DeleteCommand({ TableName: cloud.table('IdempotencyTable'), Key: { id: record.id } }));
  return records.length;
}

const order = (customerId: string, quantity = 1) => ({ customerId, items: [{ productId: 'keyboard', quantity, price: 49.99 }] });

function fakeClockAt(iso: string) {
  jest.useFakeTimers({
    doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'],
  });
  jest.setSystemTime(new Date(iso));
}

describe('one idempotency key, one order, even without the lock', () => {
  it('answers a retry with the original order when the lock record was lost: one order, one outbox event', async () => {
    const first = await post(order('lost-record'), 'lost-1');
    expect(await loseTheLock()).toBeGreaterThan(0);

    const retry = await post(order('lost-record'), 'lost-1');

    expect(retry.statusCode).toBe(201);
    expect(parseBody(retry)).toEqual(parseBody(first));
    expect(await ordersOf('lost-record')).toHaveLength(1);
    expect(await eventsOf('lost-record')).toHaveLength(1);
  });

  it('still refuses a second order after the in-progress lock expired, within the 10-minute window', async () => {
    fakeClockAt('2031-03-01T12:00:00Z');
    const first = await post(order('expired-lock'), 'expired-1');
    await loseTheLock();

    fakeClockAt('2031-03-01T12:09:00Z');
    const retry = await post(order('expired-lock'), 'expired-1');

    expect(parseBody(retry).orderId).toBe(parseBody(first).orderId);
    expect(await ordersOf('expired-lock')).toHaveLength(1);
  });

  it('makes a new order with the same key once the window has passed, even though the expired claim is still stored', async () => {
    fakeClockAt('2031-03-02T12:00:00Z');
    const first = await post(order('after-window'), 'window-1');
    await loseTheLock();

    fakeClockAt('2031-03-02T12:10:01Z');
    const later = await post(order('after-window'), 'window-1');

    expect(later.statusCode).toBe(201);
    expect(parseBody(later).orderId).not.toBe(parseBody(first).orderId);
    expect(await ordersOf('after-window')).toHaveLength(2);
  });

  it('answers 422 when the key comes back with another body after the lock was lost, and creates nothing', async () => {
    await post(order('lost-mismatch', 1), 'mismatch-1');
    await loseTheLock();

    const different = await post(order('lost-mismatch', 2), 'mismatch-1');

    expect(different.statusCode).toBe(422);
    expect(parseBody(different)).toMatchObject({ error: 'IdempotencyKeyReused' });
    expect(await ordersOf('lost-mismatch')).toHaveLength(1);
  });

  it("never lets one customer's key reach another customer's order: the same key makes each customer their own order", async () => {
    const alice = await post(order('alice'), 'shared-key');
    const bob = await post(order('bob'), 'shared-key');

    expect(alice.statusCode).toBe(201);
    expect(bob.statusCode).toBe(201);
    expect(parseBody(bob).orderId).not.toBe(parseBody(alice).orderId);
    expect(await ordersOf('bob')).toHaveLength(1);
  });

  it('keeps the claim in the same transaction as the order: a failed order write claims nothing, and the retry creates the order', async () => {
    const realTable = process.env.OUTBOX_TABLE;
    process.env.OUTBOX_TABLE = 'no-such-outbox-table';
    const failed = await post(order('claim-atomic'), 'atomic-1');
    process.env.OUTBOX_TABLE = realTable;

    expect(failed.statusCode).toBe(500);
    expect(parseBody(failed).message).toMatch(/Retry with the same x-idempotency-key: that is safe/);
    expect((await scan('IdempotencyTable')).filter((item) => String(item.id).includes('claim-atomic'))).toHaveLength(0);

    const retried = await post(order('claim-atomic'), 'atomic-1');
    expect(retried.statusCode).toBe(201);
    expect(await ordersOf('claim-atomic')).toHaveLength(1);
  });
});
