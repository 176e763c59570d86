import { systemClock } from '../lib/clock';
import { transitionOrder } from '../lib/orders';
import { describeCaughtError, parseCaughtError, parseOrderId } from '../lib/saga-input';
import { sagaStep } from '../lib/saga-step';

/** First compensation step: record why the order is failing and mark it COMPENSATING. */
export const handler = sagaStep(
  'beginCompensation',
  (event) => ({ orderId: parseOrderId(event), reason: describeCaughtError(parseCaughtError(event)) }),
  async ({ orderId, reason }) => {
    const order = await transitionOrder(orderId, 'COMPENSATING', systemClock, reason);
    return { status: order.status, reason: order.failureReason ?? reason };
  },
);
