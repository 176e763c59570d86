import { HopLog } from './hop-log';
import type { LocalCloud } from './local-cloud';
import { type InProcessCloud, startInProcessCloud } from '../test-support/in-process-cloud';
import { pollUntil } from './poll';
import type { PublishedEvent } from './state-machine';

/**
 * The reconciler as `npm start` runs it: on its schedule (an injected interval
 * here), it finds an order stuck in COMPENSATING, re-drives its saga, flags it
 * and publishes OrderNeedsAttention with the real EventBridge client to the
 * local endpoint; the hop log shows that line, loud.
 *
 * The order is stuck on purpose with fault injection: reserving fails (so the
 * saga compensates) and releasing the stock fails on every attempt (so the
 * compensation never finishes). The bound is 0 s and every visit flags, so the
 * test waits seconds, not minutes; a visit while the saga is still running
 * flags the order PENDING, so the test waits for the visit that finds it stuck
 * COMPENSATING (the reconciler comes back every second with a 0 s bound).
 */
let cloud: LocalCloud;
let running: InProcessCloud | undefined;
const logLines: string[] = [];
const published: PublishedEvent[] = [];

beforeAll(async () => {
  running = await startInProcessCloud('rc', {
    scheduleIntervalMs: 250,
    environment: {
      FAULT_INJECTION: JSON.stringify({ reserveInventory: { rate: 1 }, releaseInventory: { rate: 1 } }),
      ORDER_RECONCILE_AFTER_SECONDS: '0',
      RECONCILE_ATTENTION_AFTER_VISITS: '1',
    },
    log: new HopLog({ write: (line) => logLines.push(line) }),
  });
  cloud = running.cloud;
  cloud.events.on('published', (entry) => published.push(entry));
});
afterAll(async () => {
  await running?.stop();
});

const detailOf = (entry: PublishedEvent) => (typeof entry.Detail === 'string' ? JSON.parse(entry.Detail) : entry.Detail) as Record<string, unknown>;

describe('the reconciler in npm start', () => {
  it('flags a stuck order, publishes OrderNeedsAttention to the local EventBridge endpoint, and the hop log says so loudly', async () => {
    const response = await fetch(`${cloud.apiUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-idempotency-key': 'stuck-order-1' },
      body: JSON.stringify({ customerId: 'customer-stuck', items: [{ productId: 'laptop', quantity: 1, price: 1299.99 }] }),
    });
    expect(response.status).toBe(201);
    const { orderId } = (await response.json()) as { orderId: string };

    const fromReconciler = await pollUntil(
      () =>
        published.find(
          (entry) =>
            entry.DetailType === 'OrderNeedsAttention' &&
            detailOf(entry).orderId === orderId &&
            detailOf(entry).detectedBy === 'reconciler' &&
            detailOf(entry).status === 'COMPENSATING',
        ),
      { timeoutMs: 20_000, description: "the reconciler's OrderNeedsAttention for the order stuck COMPENSATING" },
    );

    // The orders bus of serverless.yml (${self:service}-events-${sls:stage}), the saga's own bus.
    expect(fromReconciler.EventBusName).toBe(`${cloud.config.service}-events-${cloud.config.stage}`);
    expect(detailOf(fromReconciler)).toMatchObject({
      orderId,
      customerId: 'customer-stuck',
      attempts: expect.any(Number),
      reason: expect.stringContaining('still COMPENSATING'),
    });
    // The same bounded store the saga's own events:putEvents tasks write to.
    expect(cloud.stepFunctions.publishedEvents).toContainEqual(fromReconciler);
    const line = await pollUntil(
      () => logLines.find((l) => l.includes(orderId) && l.includes('‼ OrderNeedsAttention published by the reconciler') && l.includes('still COMPENSATING')),
      {
        timeoutMs: 5_000,
        description: 'the hop log line',
      },
    );
    expect(line).toMatch(/events {2}order [0-9a-f-]{36} {2}‼ OrderNeedsAttention published by the reconciler, visit \d+: still COMPENSATING/);
  }, 40_000);
});
