import { CompensationUnderwayError, OrderAlreadyFinishedError } from './errors';
import { getOrderOrThrow } from './orders';
import { isTerminal } from './order-status';

/**
 * Runs before the saga's first step. Every step is idempotent, but "do it
 * again" is not "do nothing": a replayed saga for a COMPLETED order would
 * notify the customer and publish OrderCompleted a second time, and one for a
 * FAILED order would try to move it back to COMPENSATING. Reading the order
 * first turns a replay into a quiet no-op (and a restart of a half-done
 * compensation into its completion).
 */
export async function ensureSagaMayProceed(orderId: string): Promise<void> {
  const order = await getOrderOrThrow(orderId);
  if (isTerminal(order.status)) throw new OrderAlreadyFinishedError(orderId, order.status);
  if (order.status === 'COMPENSATING') throw new CompensationUnderwayError(orderId);
}
