import { releaseInventory } from '../lib/inventory';
import { parseOrderId } from '../lib/saga-input';
import { sagaStep } from '../lib/saga-step';

/** Compensation for reserveInventory: puts reserved stock back if there was a reservation. */
export const handler = sagaStep(
  'releaseInventory',
  (event) => ({ orderId: parseOrderId(event) }),
  ({ orderId }) => releaseInventory(orderId),
);
