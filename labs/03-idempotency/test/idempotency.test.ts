import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { handler as createOrder } from '@app/handlers/create-order';
import { dynamo } from '@app/lib/dynamodb';
import { IdempotencyKeyConflictError } from '@app/lib/errors';
import { KEY_CLAIM_PREFIX, createOrderOnce } from '@app/lib/order-key-claim';
import { parseOrderRequest, type ValidOrderRequest } from '@app/lib/order-request';
import { startTestCloud, type TestCloud } from '../../../scripts/test-support/cloud';
import { apiEvent, parseBody, testContext } from '../../../scripts/test-support/events';
import { lambdaContext } from '../../../scripts/local-cloud/lambda-runtime';

/**
 * Lab 3 · Idempotent API.
 *
 * POST /orders with Powertools idempotency, its records persisted in the
 * Idempotency table on DynamoDB Local: a retried request with the same
 * x-idempotency-key returns the first answer and creates nothing new, and
 * the order's own transaction claims the key as a second line of defence.
 * Each `describe` is one step of labs/03-idempotency/README.md.
 *
 * Two requests "at the same time" are made deterministic by holding the
 * first one inside its order transaction (holdNextOrderTransaction): the
 * real DynamoDB Local still does every write, the test only decides when
 * the first request may go on.
 */
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  jest.useRealTimers();
  await cloud?.stop();
});

async function post(body: unknown, headers: Record<string, string>, context: Context = testContext('createOrder')): Promise<APIGatewayProxyResult> {
  return createOrder(apiEvent({ body, headers }), context);
}

async function itemsFor(logicalId: 'OrdersTable' | 'OutboxTable', customerId: string) {
  const items = (await cloud.documents.send(new ScanCommand({ TableName: cloud.table(logicalId), ConsistentRead: true }))).Items ?? [];
  return items.filter((item) => (item.customerId ?? item.payload?.customerId) === customerId);
}

function order(customerId: string, quantity = 2) {
  return { customerId, items: [{ productId: 'monitor', quantity, price: 349.99 }] };
}

function validOrder(customerId: string, quantity = 2): ValidOrderRequest {
  const parsed = parseOrderRequest(JSON.stringify(order(customerId, quantity)));
  if (!parsed.ok) throw new Error('the test order must be valid');
  return parsed.order;
}

/** Fakes only the clock (Date), not timers: the SDK's own timers keep working. */
function fakeClock(at: string) {
  jest.useFakeTimers({
    doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'],
  });
  jest.setSystemTime(new Date(at));
}

/** Deletes the Powertools records (not the order's key claims): as if the lock had been lost. */
async function losePowertoolsRecords() {
  const items = (await cloud.documents.send(new ScanCommand({ TableName: cloud.table('IdempotencyTable'), ConsistentRead: true }))).Items ?? [];
  for (const item of items.filter((i) => !String(i.id).startsWith(KEY_CLAIM_PREFIX))) {
    await cloud.documents.send(new DeleteCommand({ TableName: cloud.table('IdempotencyTable'), Key: { id: item.id } }));
  }
}

let holds = 0;

/**
 * Holds the next order transaction (TransactWriteItems through the handlers'
 * DynamoDB client) until release(): its request then stays "in progress" for
 * as long as the test needs. `reached` resolves once it is held, so the
 * Powertools in-progress record exists by then.
 */
function holdNextOrderTransaction() {
  const name = `lab3-hold-${++holds}`;
  let markReached!: () => void;
  let unblock!: () => void;
  const reached = new Promise<void>((resolve) => (markReached = resolve));
  const released = new Promise<void>((resolve) => (unblock = resolve));
  let held = false;
  dynamo().middlewareStack.add(
    (next) => async (args) => {
      const input = (args as { input?: { TransactItems?: unknown } }).input;
      if (!held && input?.TransactItems) {
        held = true;
        markReached();
        await released;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  const release = () => {
    dynamo().middlewareStack.remove(name);
    unblock();
  };
  return {
    reached,
    release,
    /**
     * Waits until `request` is held in its order transaction. A request that
     * answers first never wrote its order (e.g. an unfinished TODO): the
     * test then fails at once, saying so, instead of waiting for its timeout.
     */
    async holding(request: Promise<APIGatewayProxyResult>): Promise<void> {
      const answered = await Promise.race([reached.then(() => undefined), request]);
      if (answered !== undefined) {
        release();
        throw new Error(`the first request answered ${answered.statusCode} (${answered.body}) before it wrote its order, so it never held its key in progress`);
      }
    },
  };
}

describe('Step 1 · the order transaction claims the key', () => {
  it('writes one order for a key used twice, and answers the second call with that order', async () => {
    const first = await createOrderOnce(validOrder('claim-twice'), 'claim-key');
    const second = await createOrderOnce(validOrder('claim-twice'), 'claim-key');

    expect(first.replayed).toBe(false);
    expect(second.replayed).toBe(true);
    expect(second.order.orderId).toBe(first.order.orderId);
    expect(await itemsFor('OrdersTable', 'claim-twice')).toHaveLength(1);
    expect(await itemsFor('OutboxTable', 'claim-twice')).toHaveLength(1);
  });

  it('refuses a key claimed for another body with IdempotencyKeyConflictError, and writes nothing', async () => {
    await createOrderOnce(validOrder('claim-other-body'), 'claim-key');

    await expect(createOrderOnce(validOrder('claim-other-body', 3), 'claim-key')).rejects.toBeInstanceOf(IdempotencyKeyConflictError);
    expect(await itemsFor('OrdersTable', 'claim-other-body')).toHaveLength(1);
  });

  it('frees the key once its 10-minute window has passed, even before DynamoDB TTL deletes the claim', async () => {
    const at = (iso: string) => ({ now: () => new Date(iso) });
    const first = await createOrderOnce(validOrder('claim-window'), 'claim-key', at('2030-01-01T10:00:00Z'));
    const within = await createOrderOnce(validOrder('claim-window'), 'claim-key', at('2030-01-01T10:09:50Z'));
    const after = await createOrderOnce(validOrder('claim-window'), 'claim-key', at('2030-01-01T10:10:05Z'));

    expect(within.order.orderId).toBe(first.order.orderId);
    expect(after.replayed).toBe(false);
    expect(after.order.orderId).not.toBe(first.order.orderId);
    expect(await itemsFor('OrdersTable', 'claim-window')).toHaveLength(2);
  });
});

describe('Step 2 · the key is read from the header in any letter case', () => {
  it('refuses a malformed x-idempotency-key with 400 naming the header, whatever the letter case of its name', async () => {
    const response = await post(order('idem-malformed'), { 'X-Idempotency-Key': 'has spaces in it' });

    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(parseBody(response))).toContain('headers.x-idempotency-key');
    expect(await itemsFor('OrdersTable', 'idem-malformed')).toHaveLength(0);
  });
});

describe('Step 3 · a retried POST /orders returns the first answer', () => {
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
    fakeClock('2030-01-01T10:00:00Z');
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

  it('does not remember a failure: after a server error, a retry with the same key creates the order', async () => {
    // Point the handler at a missing Orders table: the transaction fails with
    // a server-side error. That failure must not be stored as the key's answer.
    const realTable = process.env.ORDERS_TABLE;
    process.env.ORDERS_TABLE = 'no-such-table';
    const failed = await post(order('idem-error'), { 'x-idempotency-key': 'error-key' });
    process.env.ORDERS_TABLE = realTable;
    const retried = await post(order('idem-error'), { 'x-idempotency-key': 'error-key' });

    expect(failed.statusCode).toBe(500);
    expect(parseBody(failed)).toMatchObject({ error: 'InternalError', message: expect.stringMatching(/Retry with the same x-idempotency-key/) });
    expect(retried.statusCode).toBe(201);
    expect(await itemsFor('OrdersTable', 'idem-error')).toHaveLength(1);
    expect(await itemsFor('OrdersTable', 'idem-error')).toEqual([expect.objectContaining({ orderId: parseBody(retried).orderId })]);
  });

  it('does not block the key of a request that timed out: a retry after its deadline creates the order, once', async () => {
    // The first invocation has 200 ms left and is held inside its order
    // transaction, as if frozen; the clock then moves 5 s on, past its deadline.
    fakeClock('2030-02-01T10:00:00Z');
    const hold = holdNextOrderTransaction();
    const timedOut = post(order('idem-timeout'), { 'x-idempotency-key': 'timeout-key' }, lambdaContext('createOrder', Date.now() + 200));
    await hold.holding(timedOut);
    jest.setSystemTime(new Date('2030-02-01T10:00:05Z'));

    const retried = await post(order('idem-timeout'), { 'x-idempotency-key': 'timeout-key' });
    hold.release();
    const late = await timedOut;
    jest.useRealTimers();

    expect(retried.statusCode).toBe(201);
    // The frozen first attempt finishes late: the key's claim gives it the same order.
    expect(late.statusCode).toBe(201);
    expect(parseBody(late).orderId).toBe(parseBody(retried).orderId);
    expect(await itemsFor('OrdersTable', 'idem-timeout')).toHaveLength(1);
    expect(await itemsFor('OutboxTable', 'idem-timeout')).toHaveLength(1);
  });

  it('answers a retry with the first order even when the idempotency record was lost', async () => {
    const first = await post(order('idem-lost-lock'), { 'x-idempotency-key': 'lost-lock-key' });
    await losePowertoolsRecords();

    const retried = await post(order('idem-lost-lock'), { 'x-idempotency-key': 'lost-lock-key' });

    expect(first.statusCode).toBe(201);
    expect(retried.statusCode).toBe(201);
    expect(parseBody(retried).orderId).toBe(parseBody(first).orderId);
    expect(await itemsFor('OrdersTable', 'idem-lost-lock')).toHaveLength(1);
    expect(await itemsFor('OutboxTable', 'idem-lost-lock')).toHaveLength(1);
  });
});

describe('Step 4 · conflicting retries are refused with 409 and 422', () => {
  it('answers 422 when the same key comes back with a different body, and creates nothing', async () => {
    await post(order('idem-mismatch'), { 'x-idempotency-key': 'reused-key' });
    const different = { customerId: 'idem-mismatch', items: [{ productId: 'monitor', quantity: 3, price: 349.99 }] };

    const response = await post(different, { 'x-idempotency-key': 'reused-key' });

    expect(response.statusCode).toBe(422);
    expect(parseBody(response)).toMatchObject({ error: 'IdempotencyKeyReused' });
    expect(await itemsFor('OrdersTable', 'idem-mismatch')).toHaveLength(1);
  });

  it('answers 422 when the key comes back with a different body after the idempotency record was lost', async () => {
    await post(order('idem-lost-mismatch'), { 'x-idempotency-key': 'lost-reused-key' });
    await losePowertoolsRecords();

    const response = await post(order('idem-lost-mismatch', 3), { 'x-idempotency-key': 'lost-reused-key' });

    expect(response.statusCode).toBe(422);
    expect(parseBody(response)).toMatchObject({ error: 'IdempotencyKeyReused' });
    expect(await itemsFor('OrdersTable', 'idem-lost-mismatch')).toHaveLength(1);
  });

  it('answers 409 with Retry-After while the first request with the key is still running, then the first one completes', async () => {
    const hold = holdNextOrderTransaction();
    const first = post(order('idem-in-progress'), { 'x-idempotency-key': 'in-progress-key' });
    await hold.holding(first);

    const second = await post(order('idem-in-progress'), { 'x-idempotency-key': 'in-progress-key' });
    hold.release();
    const firstAnswer = await first;

    expect(second.statusCode).toBe(409);
    expect(second.headers?.['retry-after']).toBe('1');
    expect(parseBody(second)).toMatchObject({ error: 'RequestInProgress' });
    expect(firstAnswer.statusCode).toBe(201);
    expect(await itemsFor('OrdersTable', 'idem-in-progress')).toHaveLength(1);
  });

  it('lets 20 concurrent requests with one key create exactly one order; the others get it back or a 409 with Retry-After', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(order('idem-concurrent'), { 'x-idempotency-key': 'concurrent-key' })));

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
