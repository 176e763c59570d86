import { reserveInventory } from '../lib/inventory';
import { parseSagaInput } from '../lib/saga-input';
import { sagaStep } from '../lib/saga-step';

/** Saga step 1. Throws OutOfStockError / UnknownProductError (compensate) or TransientError (retry). */
export const handler = sagaStep('reserveInventory', parseSagaInput, (input) => reserveInventory(input.orderId, input.items));
