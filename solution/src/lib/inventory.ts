import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from './clock';
import { tables } from './config';
import { dynamo } from './dynamodb';
import { AlreadyCompensatedError, IllegalTransitionError, OutOfStockError, TransientError, UnknownProductError } from './errors';
import type { OrderLine } from './order-model';
import { getOrderOrThrow, statusTransitionItem } from './orders';
import { failedConditionIndexes, isConditionalCheckFailed } from './transactions';

/**
 * The Inventory table holds two kinds of item:
 * - stock: `{ productId: "laptop", available: 100 }`
 * - reservations: `{ productId: "reservation#<orderId>", state, items }`
 *
 * A reservation is keyed by its order, so reserving twice or releasing twice
 * finds the same item and changes nothing the second time. Product ids can
 * never contain `#` (see validate.ts), so the two kinds never collide.
 */
export interface StockItem {
  readonly productId: string;
  readonly available: number;
}

export type ReservationState = 'RESERVED' | 'RELEASED';

export interface Reservation {
  readonly productId: string;
  readonly orderId: string;
  readonly state: ReservationState;
  readonly items: readonly { productId: string; quantity: number }[];
  readonly reservedAt?: string;
  readonly releasedAt?: string;
}

export interface ReserveResult {
  readonly outcome: 'RESERVED' | 'ALREADY_RESERVED';
  readonly items: Reservation['items'];
}

export interface ReleaseResult {
  readonly outcome: 'RELEASED' | 'ALREADY_RELEASED' | 'NOTHING_RESERVED';
  readonly items: Reservation['items'];
}

export function reservationKey(orderId: string): string {
  return `reservation#${orderId}`;
}

export async function findReservation(orderId: string): Promise<Reservation | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: tables.inventory(), Key: { productId: reservationKey(orderId) }, ConsistentRead: true }));
  return result.Item as Reservation | undefined;
}

export async function findStock(productId: string): Promise<StockItem | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: tables.inventory(), Key: { productId }, ConsistentRead: true }));
  return result.Item as StockItem | undefined;
}

/**
 * Reserves every line of the order in one transaction: the reservation record,
 * a conditional decrement per product, and the order's move to
 * INVENTORY_RESERVED. Stock is never taken for half an order.
 */
export async function reserveInventory(orderId: string, lines: readonly OrderLine[], clock: Clock = systemClock): Promise<ReserveResult> {
  const existing = await findReservation(orderId);
  if (existing) return alreadyReserved(existing);

  const now = clock.now();
  const items = lines.map(({ productId, quantity }) => ({ productId, quantity }));
  const reservation: Reservation = { productId: reservationKey(orderId), orderId, state: 'RESERVED', items, reservedAt: now.toISOString() };
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tables.inventory(), Item: reservation, ConditionExpression: 'attribute_not_exists(productId)' } },
          ...items.map((item) => ({
            Update: {
              TableName: tables.inventory(),
              Key: { productId: item.productId },
              UpdateExpression: 'SET available = available - :quantity',
              ConditionExpression: 'attribute_exists(productId) AND available >= :quantity',
              ExpressionAttributeValues: { ':quantity': item.quantity },
            },
          })),
          statusTransitionItem(orderId, 'INVENTORY_RESERVED', now),
        ],
      }),
    );
    return { outcome: 'RESERVED', items };
  } catch (error) {
    const failed = failedConditionIndexes(error);
    if (!failed) throw error;
    if (failed.includes(0)) {
      // Another attempt of this very step won the race: its reservation stands.
      const winner = await findReservation(orderId);
      if (winner) return alreadyReserved(winner);
    }
    for (const index of failed.filter((i) => i >= 1 && i <= items.length)) {
      const item = items[index - 1];
      const stock = await findStock(item.productId);
      if (!stock) throw new UnknownProductError(item.productId);
      throw new OutOfStockError(item.productId, item.quantity, stock.available);
    }
    const order = await getOrderOrThrow(orderId);
    throw new IllegalTransitionError(orderId, order.status, 'INVENTORY_RESERVED');
  }
}

function alreadyReserved(reservation: Reservation): ReserveResult {
  if (reservation.state === 'RELEASED') throw new AlreadyCompensatedError(reservation.orderId, 'ReserveInventory');
  return { outcome: 'ALREADY_RESERVED', items: reservation.items };
}

/**
 * Compensation for reserveInventory. Safe to run any number of times, and
 * safe to run when nothing was reserved: it then leaves a RELEASED tombstone
 * so a reservation arriving late (a delayed retry) is refused instead of
 * taking stock for an order that has already failed.
 */
export async function releaseInventory(orderId: string, clock: Clock = systemClock): Promise<ReleaseResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = clock.now().toISOString();
    const reservation = await findReservation(orderId);
    if (!reservation) {
      try {
        const tombstone: Reservation = { productId: reservationKey(orderId), orderId, state: 'RELEASED', items: [], releasedAt: now };
        await dynamo().send(new PutCommand({ TableName: tables.inventory(), Item: tombstone, ConditionExpression: 'attribute_not_exists(productId)' }));
        return { outcome: 'NOTHING_RESERVED', items: [] };
      } catch (error) {
        if (isConditionalCheckFailed(error)) continue; // a reservation appeared meanwhile: release it
        throw error;
      }
    }
    if (reservation.state === 'RELEASED') return { outcome: 'ALREADY_RELEASED', items: reservation.items };
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tables.inventory(),
                Key: { productId: reservation.productId },
                UpdateExpression: 'SET #state = :released, releasedAt = :now',
                ConditionExpression: '#state = :reserved',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':released': 'RELEASED', ':reserved': 'RESERVED', ':now': now },
              },
            },
            ...reservation.items.map((item) => ({
              Update: {
                TableName: tables.inventory(),
                Key: { productId: item.productId },
                UpdateExpression: 'SET available = available + :quantity',
                ExpressionAttributeValues: { ':quantity': item.quantity },
              },
            })),
          ],
        }),
      );
      return { outcome: 'RELEASED', items: reservation.items };
    } catch (error) {
      if (failedConditionIndexes(error)?.includes(0)) continue; // released concurrently: re-read
      throw error;
    }
  }
  throw new TransientError(`releaseInventory for ${orderId} kept racing with another writer`);
}
