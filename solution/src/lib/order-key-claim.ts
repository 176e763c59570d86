import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, epochSeconds, systemClock } from './clock';
import { integerEnv, tables } from './config';
import { dynamo } from './dynamodb';
import { IdempotencyKeyConflictError, OrderNotFoundError } from './errors';
import type { OrderRecord } from './order-model';
import type { ValidOrderRequest } from './order-request';
import { type TransactItem, createOrderWithOutboxEvent, findOrder } from './orders';
import { failedConditionIndexes } from './transactions';

/**
 * The second line of defence behind the Powertools idempotency lock.
 *
 * The lock is a record written BEFORE the order and marked COMPLETED AFTER
 * it. Between those writes the function can die, time out or lose the
 * idempotency store; then the record is missing or expires, and a retry with
 * the same key would write a second order. So the order's own transaction
 * also claims the key: one item per (customer, key) in the Idempotency table,
 * written in the same TransactWriteItems as the order and its outbox event,
 * with a condition that refuses the write while an unexpired claim exists.
 * DynamoDB itself then refuses a second order for the key, whatever happened
 * to the lock, and the retry gets the original order back.
 *
 * The condition compares `expiration` itself: DynamoDB TTL deletes expired
 * items only eventually (often hours later), so "the item exists" is not
 * "the key is still claimed". The key is scoped by customer, so one
 * customer's key can never name another customer's order.
 */
export const KEY_CLAIM_PREFIX = 'order-key#';

export interface KeyClaim {
  readonly id: string;
  readonly orderId: string;
  readonly requestHash: string;
  readonly claimedAt: string;
  /** Epoch seconds; also the table's TTL attribute, so DynamoDB cleans up eventually. */
  readonly expiration: number;
}

export function keyClaimId(customerId: string, idempotencyKey: string): string {
  // customerId cannot contain '#' (see validate.ts), so the parts never run together.
  return `${KEY_CLAIM_PREFIX}${customerId}#${idempotencyKey}`;
}

/** A fingerprint of the validated request: the same key with another body is refused, not answered with the first order. */
export function requestHash(request: ValidOrderRequest): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

export interface CreatedOnce {
  readonly order: OrderRecord;
  /** true when the key was already claimed and this is the order it named. */
  readonly replayed: boolean;
}

/**
 * The claim as one item of the order's transaction: written only if the key
 * has no claim yet, or its claim has expired. If the condition fails, the
 * whole transaction (order and event too) is cancelled.
 */
export function keyClaimItem(claimId: string, orderId: string, hash: string, now: Date): TransactItem {
  const windowSeconds = integerEnv('IDEMPOTENCY_TTL_SECONDS', 600);
  const claim: KeyClaim = { id: claimId, orderId, requestHash: hash, claimedAt: now.toISOString(), expiration: epochSeconds(now) + windowSeconds };
  return {
    Put: {
      TableName: tables.idempotency(),
      Item: claim,
      ConditionExpression: 'attribute_not_exists(id) OR expiration <= :now',
      ExpressionAttributeValues: { ':now': epochSeconds(now) },
    },
  };
}

/** The key's claim item sits at this position in the order's transaction (after the order and the event). */
const CLAIM_INDEX = 2;

export async function createOrderOnce(request: ValidOrderRequest, idempotencyKey: string, clock: Clock = systemClock): Promise<CreatedOnce> {
  const now = clock.now();
  const claimId = keyClaimId(request.customerId, idempotencyKey);
  const hash = requestHash(request);
  try {
    const order = await createOrderWithOutboxEvent(request, clock, undefined, (newOrder) => [keyClaimItem(claimId, newOrder.orderId, hash, now)]);
    return { order, replayed: false };
  } catch (error) {
    if (!failedConditionIndexes(error)?.includes(CLAIM_INDEX)) throw error;
    const claim = await findClaim(claimId);
    // Gone between the write and this read (expired and removed): the caller's retry creates the order.
    if (!claim) throw error;
    if (claim.requestHash !== hash) throw new IdempotencyKeyConflictError(idempotencyKey);
    const original = await findOrder(claim.orderId);
    if (!original) throw new OrderNotFoundError(claim.orderId);
    return { order: original, replayed: true };
  }
}

export async function findClaim(claimId: string): Promise<KeyClaim | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: tables.idempotency(), Key: { id: claimId }, ConsistentRead: true }));
  return result.Item as KeyClaim | undefined;
}
