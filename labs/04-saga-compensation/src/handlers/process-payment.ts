import { integerEnv } from '../lib/config';
import { chargeOrder } from '../lib/payments';
import { parseSagaInput } from '../lib/saga-input';
import { sagaStep } from '../lib/saga-step';

/** Default decline limit: orders above 5,000.00 are declined (PAYMENT_DECLINE_ABOVE_CENTS). */
export const DEFAULT_DECLINE_ABOVE_CENTS = 500_000;

/** Saga step 2, the pivot: once it succeeds the saga only moves forward. */
export const handler = sagaStep('processPayment', parseSagaInput, (input) =>
  chargeOrder(input.orderId, input.totalCents, integerEnv('PAYMENT_DECLINE_ABOVE_CENTS', DEFAULT_DECLINE_ABOVE_CENTS)),
);
