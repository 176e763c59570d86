import { systemClock } from '../lib/clock';
import { transitionOrder } from '../lib/orders';
import { parseOrderId } from '../lib/saga-input';
import { sagaStep } from '../lib/saga-step';

/** End of the happy path: PAYMENT_PROCESSED -> COMPLETED (a no-op if already there). */
export const handler = sagaStep(
  'completeOrder',
  (event) => ({ orderId: parseOrderId(event) }),
  async ({ orderId }) => {
    const order = await transitionOrder(orderId, 'COMPLETED', systemClock);
    return { status: order.status };
  },
);
