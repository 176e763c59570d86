import { InvalidInputError } from './errors';
import type { Cents } from './money';
import type { OrderLine, SagaInput } from './order-model';
import { Problems, checkIdentifier, describeType, isPlainObject, isUuid } from './validate';

/**
 * Every saga step checks its input before acting: the state machine passes
 * JSON, and a step that trusted a malformed input could write half an answer.
 */
export function parseSagaInput(input: unknown): SagaInput {
  const problems = new Problems();
  if (!isPlainObject(input)) throw new InvalidInputError('step input', [{ field: '$', message: `must be an object, got ${describeType(input)}` }]);
  if (!isUuid(input.orderId)) problems.add('orderId', 'must be a UUID');
  checkIdentifier(input.eventId, 'eventId', 80, problems);
  checkIdentifier(input.customerId, 'customerId', 128, problems);
  if (!isNonNegativeInteger(input.totalCents)) problems.add('totalCents', 'must be a non-negative integer');
  const items = input.items;
  if (!Array.isArray(items) || items.length === 0) problems.add('items', 'must be a non-empty array');
  else
    items.forEach((item: unknown, i) => {
      if (!isPlainObject(item)) {
        problems.add(`items[${i}]`, 'must be an object');
        return;
      }
      checkIdentifier(item.productId, `items[${i}].productId`, 64, problems);
      if (!isNonNegativeInteger(item.quantity) || item.quantity === 0) problems.add(`items[${i}].quantity`, 'must be a positive integer');
      if (!isNonNegativeInteger(item.unitPriceCents)) problems.add(`items[${i}].unitPriceCents`, 'must be a non-negative integer');
    });
  if (problems.any) throw new InvalidInputError('step input', problems.all);
  return {
    orderId: input.orderId as string,
    eventId: input.eventId as string,
    customerId: input.customerId as string,
    totalCents: input.totalCents as Cents,
    items: (items as OrderLine[]).map(({ productId, quantity, unitPriceCents }) => ({ productId, quantity, unitPriceCents })),
  };
}

/** Compensation steps only need the order id (and, for the first, the caught error). */
export function parseOrderId(input: unknown): string {
  if (!isPlainObject(input) || !isUuid(input.orderId)) {
    throw new InvalidInputError('step input', [{ field: 'orderId', message: 'must be a UUID' }]);
  }
  return input.orderId;
}

/** The error Step Functions put at `$.error` when a Catch fired. */
export interface CaughtError {
  readonly Error: string;
  readonly Cause?: string;
}

export function parseCaughtError(input: unknown): CaughtError {
  const error = isPlainObject(input) ? input.error : undefined;
  if (!isPlainObject(error) || typeof error.Error !== 'string') {
    throw new InvalidInputError('step input', [{ field: 'error.Error', message: 'must be the error caught by the state machine' }]);
  }
  return { Error: error.Error, Cause: typeof error.Cause === 'string' ? error.Cause : undefined };
}

/**
 * A human-readable reason from a caught error. In AWS, `Cause` is the Lambda
 * runtime's JSON (`{"errorType","errorMessage",...}`); locally it may be the
 * plain message. Both read the same to the customer.
 */
export function describeCaughtError(error: CaughtError): string {
  if (!error.Cause) return error.Error;
  try {
    const parsed: unknown = JSON.parse(error.Cause);
    if (isPlainObject(parsed) && typeof parsed.errorMessage === 'string' && parsed.errorMessage) return parsed.errorMessage;
  } catch {
    // not JSON: the plain message
  }
  return error.Cause;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
