import { refundOrder } from '../lib/payments';
import { parseOrderId } from '../lib/saga-input';
import { sagaStep } from '../lib/saga-step';

/** Compensation for processPayment: refunds a charge if there was one; otherwise does nothing. */
export const handler = sagaStep(
  'refundPayment',
  (event) => ({ orderId: parseOrderId(event) }),
  ({ orderId }) => refundOrder(orderId),
);
