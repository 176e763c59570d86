import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from './clock';
import { tables } from './config';
import { dynamo } from './dynamodb';
import { AlreadyCompensatedError, IllegalTransitionError, PaymentDeclinedError, TransientError } from './errors';
import type { Cents } from './money';
import { getOrderOrThrow, statusTransitionItem } from './orders';
import { failedConditionIndexes, isConditionalCheckFailed } from './transactions';
import { NotImplementedError } from './not-implemented'; // lab starter only

/**
 * The Payments table has at most one item per order (key `orderId`), which is
 * what makes "charge at most once" a DynamoDB condition rather than a hope.
 * This is a simulated payment provider: declines are decided by a documented
 * amount limit, never by chance, so every path can be tested.
 */
export type PaymentStatus = 'CHARGED' | 'DECLINED' | 'REFUNDED' | 'VOIDED';

export interface PaymentRecord {
  readonly orderId: string;
  readonly status: PaymentStatus;
  readonly amountCents: Cents;
  readonly chargeId?: string;
  readonly chargedAt?: string;
  readonly declinedAt?: string;
  readonly refundedAt?: string;
  readonly voidedAt?: string;
}

export interface ChargeResult {
  readonly outcome: 'CHARGED' | 'ALREADY_CHARGED';
  readonly chargeId: string;
  readonly amountCents: Cents;
}

export interface RefundResult {
  readonly outcome: 'REFUNDED' | 'ALREADY_REFUNDED' | 'NOTHING_TO_REFUND';
  readonly amountCents: Cents;
}

export async function findPayment(orderId: string): Promise<PaymentRecord | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: tables.payments(), Key: { orderId }, ConsistentRead: true }));
  return result.Item as PaymentRecord | undefined;
}

/**
 * Charges the order once. The charge record and the order's move to
 * PAYMENT_PROCESSED commit in one transaction; a retry finds the record and
 * returns the same charge instead of charging again.
 */
export async function chargeOrder(orderId: string, amountCents: Cents, declineAboveCents: number, clock: Clock = systemClock): Promise<ChargeResult> {
  // TODO lab 4, step 2: charge the order at most once.
  //   - A payment record for this order already (findPayment)? Return
  //     previousOutcome(it, declineAboveCents): the same answer as before.
  //   - Above declineAboveCents? Put a DECLINED record (only if none exists, so
  //     a retry answers the same) and throw PaymentDeclinedError: a business
  //     error, which the state machine compensates instead of retrying.
  //   - Otherwise ONE TransactWriteCommand: Put the CHARGED record (chargeId
  //     `charge-${orderId}`) only if none exists, and
  //     statusTransitionItem(orderId, 'PAYMENT_PROCESSED', now).
  //   - Cancelled? Item 0 failed: a concurrent retry won, return its outcome.
  //     Otherwise the order was not INVENTORY_RESERVED: IllegalTransitionError.
  //   - Return { outcome: 'CHARGED', chargeId, amountCents }.
  throw new NotImplementedError('lab 4, step 2 — charge the order at most once');
  // END TODO lab 4, step 2
}

function previousOutcome(payment: PaymentRecord, declineAboveCents: number): ChargeResult {
  switch (payment.status) {
    case 'CHARGED':
      return { outcome: 'ALREADY_CHARGED', chargeId: payment.chargeId as string, amountCents: payment.amountCents };
    case 'DECLINED':
      throw new PaymentDeclinedError(payment.orderId, payment.amountCents, declineAboveCents);
    case 'REFUNDED':
    case 'VOIDED':
      throw new AlreadyCompensatedError(payment.orderId, 'ProcessPayment');
  }
}

/**
 * Compensation for chargeOrder: refunds a charge if there is one. Running it
 * again, or when nothing was charged, changes nothing; with no payment at all
 * it leaves a VOIDED tombstone so a late charge for this order is refused.
 */
export async function refundOrder(orderId: string, clock: Clock = systemClock): Promise<RefundResult> {
  // TODO lab 4, step 3: refund the charge, once.
  //   - No payment for this order? Put a VOIDED record (amountCents 0) only if
  //     none exists, so a late charge is refused; return NOTHING_TO_REFUND.
  //   - REFUNDED already: ALREADY_REFUNDED. DECLINED or VOIDED: nothing was
  //     charged, NOTHING_TO_REFUND.
  //   - CHARGED: update status to REFUNDED (with refundedAt), on condition that
  //     it is still CHARGED, and return { outcome: 'REFUNDED', amountCents }.
  //   - A failed condition means someone else changed it: read again, at most
  //     3 times, then throw a TransientError so the state machine retries.
  throw new NotImplementedError('lab 4, step 3 — refund the charge, once');
  // END TODO lab 4, step 3
}
