import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from './clock';
import { tables } from './config';
import { dynamo } from './dynamodb';
import { AlreadyCompensatedError, IllegalTransitionError, PaymentDeclinedError, TransientError } from './errors';
import type { Cents } from './money';
import { getOrderOrThrow, statusTransitionItem } from './orders';
import { failedConditionIndexes, isConditionalCheckFailed } from './transactions';

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
  const existing = await findPayment(orderId);
  if (existing) return previousOutcome(existing, declineAboveCents);

  const now = clock.now();
  if (amountCents > declineAboveCents) {
    // Record the decline so a retry gives the same answer and an audit can see it.
    const declined: PaymentRecord = { orderId, status: 'DECLINED', amountCents, declinedAt: now.toISOString() };
    try {
      await dynamo().send(new PutCommand({ TableName: tables.payments(), Item: declined, ConditionExpression: 'attribute_not_exists(orderId)' }));
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const winner = await findPayment(orderId);
      if (winner) return previousOutcome(winner, declineAboveCents);
    }
    throw new PaymentDeclinedError(orderId, amountCents, declineAboveCents);
  }

  const charge: PaymentRecord = { orderId, status: 'CHARGED', amountCents, chargeId: `charge-${orderId}`, chargedAt: now.toISOString() };
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tables.payments(), Item: charge, ConditionExpression: 'attribute_not_exists(orderId)' } },
          statusTransitionItem(orderId, 'PAYMENT_PROCESSED', now),
        ],
      }),
    );
    return { outcome: 'CHARGED', chargeId: charge.chargeId as string, amountCents };
  } catch (error) {
    const failed = failedConditionIndexes(error);
    if (!failed) throw error;
    if (failed.includes(0)) {
      const winner = await findPayment(orderId);
      if (winner) return previousOutcome(winner, declineAboveCents);
    }
    const order = await getOrderOrThrow(orderId);
    throw new IllegalTransitionError(orderId, order.status, 'PAYMENT_PROCESSED');
  }
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
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = clock.now().toISOString();
    const payment = await findPayment(orderId);
    try {
      if (!payment) {
        const voided: PaymentRecord = { orderId, status: 'VOIDED', amountCents: 0 as Cents, voidedAt: now };
        await dynamo().send(new PutCommand({ TableName: tables.payments(), Item: voided, ConditionExpression: 'attribute_not_exists(orderId)' }));
        return { outcome: 'NOTHING_TO_REFUND', amountCents: 0 as Cents };
      }
      switch (payment.status) {
        case 'REFUNDED':
          return { outcome: 'ALREADY_REFUNDED', amountCents: payment.amountCents };
        case 'DECLINED':
        case 'VOIDED':
          return { outcome: 'NOTHING_TO_REFUND', amountCents: 0 as Cents };
        case 'CHARGED':
          await dynamo().send(
            new UpdateCommand({
              TableName: tables.payments(),
              Key: { orderId },
              UpdateExpression: 'SET #status = :refunded, refundedAt = :now',
              ConditionExpression: '#status = :charged',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':charged': 'CHARGED', ':now': now },
            }),
          );
          return { outcome: 'REFUNDED', amountCents: payment.amountCents };
      }
    } catch (error) {
      if (isConditionalCheckFailed(error)) continue; // changed under us: read again
      throw error;
    }
  }
  throw new TransientError(`refundOrder for ${orderId} kept racing with another writer`);
}
