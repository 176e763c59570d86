import { systemClock } from '../lib/clock';
import { InvalidInputError } from '../lib/errors';
import { transitionOrder } from '../lib/orders';
import { parseOrderId } from '../lib/saga-input';
import { sagaStep } from '../lib/saga-step';
import { isPlainObject } from '../lib/validate';

function parseReason(event: unknown): string {
  const compensation = isPlainObject(event) ? event.compensation : undefined;
  if (!isPlainObject(compensation) || typeof compensation.reason !== 'string') {
    throw new InvalidInputError('step input', [{ field: 'compensation.reason', message: 'must be the reason recorded by BeginCompensation' }]);
  }
  return compensation.reason;
}

/** Last compensation step: COMPENSATING -> FAILED, keeping the reason. */
export const handler = sagaStep(
  'markOrderFailed',
  (event) => ({ orderId: parseOrderId(event), reason: parseReason(event) }),
  async ({ orderId, reason }) => {
    const order = await transitionOrder(orderId, 'FAILED', systemClock, reason);
    return { status: order.status, reason: order.failureReason ?? reason };
  },
);
