/**
 * Named errors. Step Functions matches `Retry` and `Catch` on an error's
 * `name`, so each class sets `name` to its own class name: the state machine
 * in serverless.yml can then tell a business outcome (compensate) from a
 * transient fault (retry).
 */

/** A fault that may go away if the same step runs again (throttling, a timeout). Retried by the saga. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** A business outcome that no retry can change. The saga compensates instead. */
export abstract class BusinessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class OutOfStockError extends BusinessError {
  constructor(
    readonly productId: string,
    readonly requested: number,
    readonly available: number,
  ) {
    super(`Out of stock: ${productId} (requested ${requested}, available ${available})`);
  }
}

export class UnknownProductError extends BusinessError {
  constructor(readonly productId: string) {
    super(`Unknown product: ${productId}`);
  }
}

export class PaymentDeclinedError extends BusinessError {
  constructor(
    readonly orderId: string,
    readonly amountCents: number,
    readonly limitCents: number,
  ) {
    super(`Payment declined: ${formatCentsForMessage(amountCents)} is above the ${formatCentsForMessage(limitCents)} limit`);
  }
}

/** The order does not exist (a step received an id nobody wrote). */
export class OrderNotFoundError extends Error {
  constructor(readonly orderId: string) {
    super(`Order not found: ${orderId}`);
    this.name = 'OrderNotFoundError';
  }
}

/** A conditional update refused a status change that would move an order backwards. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly orderId: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`Order ${orderId} cannot move from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** A step, stream record or CLI argument did not have the shape it must have. */
export class InvalidInputError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(`Invalid ${source}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'InvalidInputError';
  }
}

/** One validation failure: the path of the field (`items[0].quantity`) and what is wrong with it. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** A required setting is missing or malformed: a deployment mistake, reported by name. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

function formatCentsForMessage(cents: number): string {
  return (cents / 100).toFixed(2);
}

/**
 * A forward step arrived after its compensation already ran for this order
 * (a late duplicate). The compensation left a tombstone so the step cannot
 * take effect now.
 */
export class AlreadyCompensatedError extends BusinessError {
  constructor(
    readonly orderId: string,
    readonly step: string,
  ) {
    super(`${step} refused: order ${orderId} was already compensated`);
  }
}

/** An x-idempotency-key came back with a different request body: answering with the first order would be a lie. */
export class IdempotencyKeyConflictError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`The idempotency key ${idempotencyKey} was already used with a different request`);
    this.name = 'IdempotencyKeyConflictError';
  }
}

/**
 * A saga was started for an order that is already COMPLETED or FAILED (a
 * replayed event, a restarted execution). The state machine catches it and
 * ends quietly: nothing is reserved, charged, notified or published again.
 */
export class OrderAlreadyFinishedError extends Error {
  constructor(
    readonly orderId: string,
    readonly status: string,
  ) {
    super(`Order ${orderId} is already ${status}; this saga run changes nothing`);
    this.name = 'OrderAlreadyFinishedError';
  }
}

/**
 * A saga was started for an order whose compensation already began: going
 * forward now would charge an order that is being undone. The state machine
 * catches it like any failure of the first step, so the run finishes the
 * compensation instead (every compensation is idempotent).
 */
export class CompensationUnderwayError extends Error {
  constructor(readonly orderId: string) {
    super(`Order ${orderId} is already being compensated; finishing the compensation`);
    this.name = 'CompensationUnderwayError';
  }
}
