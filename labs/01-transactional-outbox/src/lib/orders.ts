import { randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from './clock';
import { tables } from './config';
import { dynamo } from './dynamodb';
import { IllegalTransitionError, OrderNotFoundError } from './errors';
import { ORDER_CREATED, type OrderRecord, type OutboxEvent } from './order-model';
import type { ValidOrderRequest } from './order-request';
import { OPEN_ORDER, reconcileDueAt } from './open-orders';
import { type OrderStatus, allowedPredecessors, isTerminal } from './order-status';
import { NotImplementedError } from './not-implemented'; // lab starter only

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface NewIds {
  orderId(): string;
  eventId(): string;
}

const randomIds: NewIds = { orderId: randomUUID, eventId: randomUUID };

/**
 * The transactional outbox: the order and its ORDER_CREATED event are two Puts
 * in ONE DynamoDB transaction. Either both exist or neither does, so an event
 * is never lost (order without event) or invented (event without order).
 *
 * `alsoWrite` adds items to the same transaction (after the two Puts, so
 * their positions in a cancellation start at 2): an idempotency key's claim
 * commits with the order it names, or not at all.
 */
export async function createOrderWithOutboxEvent(
  request: ValidOrderRequest,
  clock: Clock = systemClock,
  ids: NewIds = randomIds,
  alsoWrite: (order: OrderRecord) => TransactItem[] = () => [],
): Promise<OrderRecord> {
  const createdAt = clock.now();
  const now = createdAt.toISOString();
  const eventId = ids.eventId();
  const order: OrderRecord = {
    orderId: ids.orderId(),
    customerId: request.customerId,
    status: 'PENDING',
    items: request.items,
    totalCents: request.totalCents,
    createdAt: now,
    updatedAt: now,
    statusHistory: [{ status: 'PENDING', at: now }],
    // The saga's execution is named after this event: the reconciler finds it by this id.
    eventId,
    // Listed in the sparse open-orders index until the order is terminal.
    openOrder: OPEN_ORDER,
    reconcileAt: reconcileDueAt(createdAt),
  };
  // TODO lab 1, step 2: write the order and its ORDER_CREATED event in ONE transaction.
  //   - Build the event (type OutboxEvent in order-model.ts): a new eventId
  //     from ids.eventId(), aggregateId = the order id, eventType
  //     ORDER_CREATED, a payload with everything the saga needs (orderId,
  //     customerId, items, totalCents) and createdAt = now.
  //   - Send ONE TransactWriteCommand with two Puts: the order into
  //     tables.orders(), the event into tables.outbox(). Give each Put a
  //     ConditionExpression attribute_not_exists(<its key>) so an existing
  //     item is never overwritten; DynamoDB then cancels BOTH Puts.
  //   - Return the order.
  throw new NotImplementedError('lab 1, step 2 — write the order and its ORDER_CREATED event in one transaction');
  // END TODO lab 1, step 2
}

export async function findOrder(orderId: string): Promise<OrderRecord | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: tables.orders(), Key: { orderId }, ConsistentRead: true }));
  return result.Item as OrderRecord | undefined;
}

export async function getOrderOrThrow(orderId: string): Promise<OrderRecord> {
  const order = await findOrder(orderId);
  if (!order) throw new OrderNotFoundError(orderId);
  return order;
}

/**
 * A transaction item that moves an order to `to`, refused by DynamoDB unless
 * the current status is one of `to`'s allowed predecessors. Other modules put
 * it in their own transactions so the status and the step's effect commit together.
 */
export function statusTransitionItem(orderId: string, to: OrderStatus, at: Date, reason?: string): TransactItem {
  return { Update: statusUpdate(orderId, to, at, reason) };
}

function statusUpdate(orderId: string, to: OrderStatus, at: Date, reason?: string) {
  const from = allowedPredecessors(to);
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':to': to,
    ':at': at.toISOString(),
    ':change': [reason === undefined ? { status: to, at: at.toISOString() } : { status: to, at: at.toISOString(), reason }],
  };
  for (const [i, status] of from.entries()) values[`:from${i}`] = status;
  let update = 'SET #status = :to, updatedAt = :at, statusHistory = list_append(statusHistory, :change)';
  if (reason !== undefined) {
    update += ', failureReason = :reason';
    values[':reason'] = reason;
  }
  // A finished order leaves the open-orders index (sparse: no key, no entry)
  // and no longer needs a person: nothing is left for the reconciler to do.
  if (isTerminal(to)) update += ' REMOVE openOrder, reconcileAt, needsAttention';
  return {
    TableName: tables.orders(),
    Key: { orderId },
    UpdateExpression: update,
    ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * Moves an order forward on its own (no other write to bundle). Idempotent:
 * if the order is already in `to`, nothing changes and the order is returned,
 * which is what a retried step needs.
 */
export async function transitionOrder(orderId: string, to: OrderStatus, clock: Clock = systemClock, reason?: string): Promise<OrderRecord> {
  try {
    const result = await dynamo().send(new UpdateCommand({ ...statusUpdate(orderId, to, clock.now(), reason), ReturnValues: 'ALL_NEW' }));
    return result.Attributes as OrderRecord;
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
    const current = await getOrderOrThrow(orderId);
    if (current.status === to) return current;
    throw new IllegalTransitionError(orderId, current.status, to);
  }
}
