import { reserveInventory } from '../lib/inventory';
import { parseSagaInput } from '../lib/saga-input';
import { ensureSagaMayProceed } from '../lib/saga-guard';
import { sagaStep } from '../lib/saga-step';

/**
 * Saga step 1. Throws OrderAlreadyFinishedError (a replay: end quietly),
 * OutOfStockError / UnknownProductError (compensate) or TransientError (retry).
 */
export const handler = sagaStep('reserveInventory', parseSagaInput, async (input) => {
  await ensureSagaMayProceed(input.orderId);
  return reserveInventory(input.orderId, input.items);
});
