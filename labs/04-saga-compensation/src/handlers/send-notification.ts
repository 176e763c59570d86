import { systemClock } from '../lib/clock';
import { logger } from '../lib/logger';
import { getOrderOrThrow } from '../lib/orders';
import { parseSagaInput } from '../lib/saga-input';
import { sagaStep } from '../lib/saga-step';

/**
 * Saga step 3. A stand-in for an email or SMS provider: it logs the message.
 * It runs after the pivot, so the state machine retries it and, if it still
 * fails, completes the order anyway: a lost email must not refund a payment.
 */
export const handler = sagaStep('sendNotification', parseSagaInput, async (input) => {
  const order = await getOrderOrThrow(input.orderId);
  const message = `Order ${order.orderId} is confirmed: ${order.items.length} item(s), total ${(order.totalCents / 100).toFixed(2)}`;
  logger.info('notification sent', { recipient: order.customerId, message });
  return { channel: 'email' as const, recipient: order.customerId, sentAt: systemClock.now().toISOString() };
});
