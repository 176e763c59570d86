import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from './clock';
import { tables } from './config';
import { dynamo } from './dynamodb';
import { AlreadyCompensatedError, IllegalTransitionError, OutOfStockError, TransientError, UnknownProductError } from './errors';
import type { OrderLine } from './order-model';
import { getOrderOrThrow, statusTransitionItem } from './orders';
import { failedConditionIndexes, isConditionalCheckFailed } from './transactions';
import { NotImplementedError } from './not-implemented'; // lab starter only

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
  // TODO lab 4, step 1: reserve stock for every line of the order, once.
  //   - Already a reservation for this order (findReservation)? Return
  //     alreadyReserved(it): a retry must not take stock twice, and a
  //     reservation released by compensation must refuse to come back.
  //   - Otherwise ONE TransactWriteCommand: Put the reservation (key
  //     reservationKey(orderId), state 'RESERVED', its items) unless it exists;
  //     per line, decrement `available` only if the product exists and has
  //     enough; and statusTransitionItem(orderId, 'INVENTORY_RESERVED', now).
  //   - Cancelled? failedConditionIndexes(error) says which items failed: 0 is
  //     the reservation (a concurrent retry won: return its reservation);
  //     1..n are the lines (findStock: missing -> UnknownProductError, else
  //     OutOfStockError). Anything else is an IllegalTransitionError.
  //   - Return { outcome: 'RESERVED', items }.
  throw new NotImplementedError('lab 4, step 1 — reserve stock for every line of the order, once');
  // END TODO lab 4, step 1
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
  // TODO lab 4, step 4: put the reserved stock back, once.
  //   - No reservation for this order? Put a RELEASED tombstone (no items),
  //     only if none exists, so a late reserve is refused; return
  //     NOTHING_RESERVED. A reservation already RELEASED? ALREADY_RELEASED.
  //   - Otherwise ONE TransactWriteCommand: flip the reservation's state from
  //     RESERVED to RELEASED (conditionally: only one release may win) and add
  //     each item's quantity back to its product's `available`.
  //   - Lost a race (a failed condition)? Read again and retry, at most 3
  //     times, then throw a TransientError so the state machine retries.
  //   - Return { outcome: 'RELEASED', items }.
  throw new NotImplementedError('lab 4, step 4 — put the reserved stock back, once');
  // END TODO lab 4, step 4
}
