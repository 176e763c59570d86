import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as getOrder } from '@app/handlers/get-order';
import type { SagaInput } from '@app/lib/order-model';
import { createOrderWithOutboxEvent, transitionOrder } from '@app/lib/orders';
import { validateOrderRequest } from '@app/lib/order-request';
import { startTestCloud, type TestCloud } from '../../scripts/test-support/cloud';
import { apiEvent, parseBody, testContext } from '../../scripts/test-support/events';

/**
 * What the saga promises beyond the happy path, on the real state machine
 * from serverless.yml (aws-local-stepfunctions) and DynamoDB Local:
 * replays change nothing, business failures are outcomes (SUCCEEDED), and a
 * compensation that runs out of retries is flagged and announced, never silent.
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

async function newOrder(customerId: string, productId: string, quantity = 1, price = 10): Promise<SagaInput> {
  const parsed = validateOrderRequest({ customerId, items: [{ productId, quantity, price }] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const order = await createOrderWithOutboxEvent(parsed.order);
  return { eventId: order.eventId as string, orderId: order.orderId, customerId, items: order.items, totalCents: order.totalCents };
}

async function runSaga(input: SagaInput, name = input.eventId) {
  const execution = cloud.stepFunctions.startExecution({ stateMachineArn: cloud.stateMachineArn, name, input: JSON.stringify(input) });
  await execution.finished;
  return execution;
}

const order = async (orderId: string) =>
  (await cloud.documents.send(new GetCommand({ TableName: cloud.table('OrdersTable'), Key: { orderId }, ConsistentRead: true }))).Item;
const stock = async (productId: string) =>
  (await cloud.documents.send(new GetCommand({ TableName: cloud.table('InventoryTable'), Key: { productId }, ConsistentRead: true }))).Item?.available;
const eventsAbout = (orderId: string, detailType: string) =>
  cloud.stepFunctions.publishedEvents.filter((e) => e.DetailType === detailType && (e.Detail as { orderId?: string }).orderId === orderId);
const statesEntered = (execution: { history: Array<{ type: string; [k: string]: any }> }) =>
  execution.history.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails.name);
const outcome = (execution: { output?: string }) => JSON.parse(execution.output ?? '{}').outcome;

describe('a replayed saga for a finished order changes nothing', () => {
  it('ends quietly for a COMPLETED order: no second reservation, charge, notification or OrderCompleted event', async () => {
    const input = await newOrder('replay-completed', 'keyboard');
    await runSaga(input);
    const before = { order: await order(input.orderId), keyboards: await stock('keyboard') };

    const replay = await runSaga(input, `${input.eventId}-replay`);

    expect(replay.status).toBe('SUCCEEDED');
    expect(outcome(replay)).toEqual({ status: 'ALREADY_FINISHED' });
    expect(statesEntered(replay)).toEqual(['ReserveInventory', 'AlreadyFinished']);
    expect(await order(input.orderId)).toEqual(before.order);
    expect(await stock('keyboard')).toBe(before.keyboards);
    expect(eventsAbout(input.orderId, 'OrderCompleted')).toHaveLength(1);
  });

  it('ends quietly for a FAILED order instead of failing on an illegal transition, with no second OrderFailed event', async () => {
    const input = await newOrder('replay-failed', 'sold-out-item');
    await runSaga(input);
    const before = await order(input.orderId);

    const replay = await runSaga(input, `${input.eventId}-replay`);

    expect(replay.status).toBe('SUCCEEDED');
    expect(outcome(replay)).toEqual({ status: 'ALREADY_FINISHED' });
    expect(await order(input.orderId)).toEqual(before);
    expect(eventsAbout(input.orderId, 'OrderFailed')).toHaveLength(1);
  });

  it('finishes the compensation, without charging, when started again for an order that was COMPENSATING', async () => {
    const input = await newOrder('replay-compensating', 'mouse');
    const mice = await stock('mouse');
    await cloud.runtime.invoke('reserveInventory', input);
    await transitionOrder(input.orderId, 'COMPENSATING', undefined, 'stopped half-way');

    const restart = await runSaga(input, `${input.eventId}-restart`);

    expect(restart.status).toBe('SUCCEEDED');
    expect(statesEntered(restart)).not.toContain('ProcessPayment');
    expect(await order(input.orderId)).toMatchObject({ status: 'FAILED', failureReason: 'stopped half-way' });
    expect(await stock('mouse')).toBe(mice);
  });
});

describe('published events carry an id consumers can de-duplicate on', () => {
  it('gives OrderCompleted and OrderFailed an eventId that is the same however often they are published', async () => {
    const completed = await newOrder('event-ids', 'keyboard');
    const failed = await newOrder('event-ids', 'sold-out-item');
    await runSaga(completed);
    await runSaga(failed);

    expect(eventsAbout(completed.orderId, 'OrderCompleted')[0]).toMatchObject({
      Source: 'orders.saga',
      Detail: { eventId: `${completed.orderId}-completed`, orderId: completed.orderId, customerId: 'event-ids' },
    });
    expect(eventsAbout(failed.orderId, 'OrderFailed')[0].Detail).toMatchObject({
      eventId: `${failed.orderId}-failed`,
      reason: expect.stringMatching(/Out of stock/),
    });
  });
});

describe('business outcomes and executions that need a person are told apart', () => {
  it('ends a compensated business failure SUCCEEDED with a FAILED result, and takes the order out of the open orders', async () => {
    const input = await newOrder('business-failure', 'sold-out-item');

    const execution = await runSaga(input);

    expect(execution.status).toBe('SUCCEEDED');
    expect(outcome(execution)).toEqual({ status: 'FAILED', reason: expect.stringMatching(/Out of stock: sold-out-item/) });
    const stored = await order(input.orderId);
    expect(stored?.status).toBe('FAILED');
    expect(stored).not.toHaveProperty('openOrder');
    expect(stored).not.toHaveProperty('reconcileAt');
  });

  it('flags the order, publishes OrderNeedsAttention and fails the execution when a compensation exhausts its retries', async () => {
    process.env.FAULT_INJECTION = JSON.stringify({ refundPayment: { rate: 1 } });
    const input = await newOrder('stuck-compensation', 'sold-out-item');

    const execution = await runSaga(input);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OrderNeedsAttention');
    expect(statesEntered(execution).slice(-4)).toEqual(['RefundPayment', 'FlagNeedsAttention', 'PublishOrderNeedsAttention', 'NeedsAttention']);
    expect(await order(input.orderId)).toMatchObject({
      status: 'COMPENSATING',
      openOrder: 'OPEN',
      needsAttention: true,
      attentionReason: expect.stringMatching(/^TransientError: Injected fault: refundPayment/),
    });
    expect(eventsAbout(input.orderId, 'OrderNeedsAttention')).toEqual([
      {
        EventBusName: expect.stringMatching(/-events-/),
        Source: 'orders.saga',
        DetailType: 'OrderNeedsAttention',
        Detail: {
          eventId: `${input.orderId}-needs-attention-${input.eventId}`,
          orderId: input.orderId,
          customerId: 'stuck-compensation',
          detectedBy: 'saga',
          executionName: input.eventId,
          error: 'TransientError',
        },
      },
    ]);
    expect(eventsAbout(input.orderId, 'OrderFailed')).toHaveLength(0);
    const view = await getOrder(apiEvent({ method: 'GET', path: `/orders/${input.orderId}`, pathParameters: { orderId: input.orderId } }), testContext());
    expect(parseBody(view)).toMatchObject({ status: 'COMPENSATING', needsAttention: true, attentionReason: expect.stringMatching(/refundPayment/) });
  });

  it('ends in a Fail state only when a person is needed: every compensation and every step after the pivot is caught into NeedsAttention', () => {
    const states: Record<string, any> = cloud.config.stateMachines[0].definition.States;
    const failStates = Object.entries(states).filter(([, state]) => state.Type === 'Fail');
    expect(failStates.map(([name, state]) => `${name}: ${state.Error}`)).toEqual(['NeedsAttention: OrderNeedsAttention']);
    for (const name of [
      'BeginCompensation',
      'RefundPayment',
      'ReleaseInventory',
      'MarkOrderFailed',
      'PublishOrderFailed',
      'CompleteOrder',
      'PublishOrderCompleted',
    ]) {
      expect({ name, catches: states[name].Catch.map((c: { Next: string }) => c.Next) }).toEqual({ name, catches: ['FlagNeedsAttention'] });
    }
  });

  it('finishes a flagged order safely when its saga runs again from the start once the fault is gone, and clears the flag', async () => {
    process.env.FAULT_INJECTION = JSON.stringify({ releaseInventory: { rate: 1 } });
    const headphones = await stock('headphones');
    // 2 x 3,000.00 is reserved, then declined (above 5,000.00); releasing the stock keeps failing.
    const input = await newOrder('stuck-then-fixed', 'headphones', 2, 3000);
    const stuck = await runSaga(input);
    expect(stuck.error).toBe('OrderNeedsAttention');
    expect(await stock('headphones')).toBe(headphones - 2);
    process.env.FAULT_INJECTION = '';

    const again = await runSaga(input, `${input.eventId}-retry-1`);

    expect(again.status).toBe('SUCCEEDED');
    expect(outcome(again)).toMatchObject({ status: 'FAILED' });
    const stored = await order(input.orderId);
    expect(stored).toMatchObject({ status: 'FAILED' });
    expect(stored).not.toHaveProperty('needsAttention');
    expect(stored).not.toHaveProperty('openOrder');
    expect(await stock('headphones')).toBe(headphones);
  });
});
