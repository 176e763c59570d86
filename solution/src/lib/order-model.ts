import type { Cents } from './money';
import type { OrderStatus } from './order-status';

/** One line of an order as stored: price in cents. */
export interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPriceCents: Cents;
}

export interface StatusChange {
  readonly status: OrderStatus;
  readonly at: string;
  readonly reason?: string;
}

/** The Orders table item. */
export interface OrderRecord {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly items: readonly OrderLine[];
  readonly totalCents: Cents;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly statusHistory: readonly StatusChange[];
  readonly failureReason?: string;
  /** The ORDER_CREATED event's id, which is also the saga execution's name. */
  readonly eventId?: string;
  /** Present (always 'OPEN') only while the order is not terminal: the key of the sparse open-orders index. */
  readonly openOrder?: 'OPEN';
  /** ISO time from which the reconciler looks at this order if it is still open. */
  readonly reconcileAt?: string;
  /** How many times the reconciler has driven this order on. */
  readonly reconcileAttempts?: number;
  /** What the reconciler did on its last visit (START, LEAVE_RUNNING, REDRIVE, RESTART). */
  readonly lastReconcileAction?: string;
  /** How many fresh saga executions the reconciler started after one could not be re-driven. */
  readonly sagaRestarts?: number;
  /** Set when a compensation or the reconciler gave up for now: a person should look. Cleared when the order is terminal. */
  readonly needsAttention?: boolean;
  readonly attentionReason?: string;
  readonly attentionAt?: string;
}

export const ORDER_CREATED = 'ORDER_CREATED';

/** What an ORDER_CREATED outbox event carries: everything the saga needs, so no step has to read the order first. */
export interface OrderCreatedPayload {
  readonly orderId: string;
  readonly customerId: string;
  readonly items: readonly OrderLine[];
  readonly totalCents: Cents;
}

/** The Outbox table item. */
export interface OutboxEvent {
  readonly eventId: string;
  readonly aggregateId: string;
  readonly eventType: typeof ORDER_CREATED;
  readonly payload: OrderCreatedPayload;
  readonly createdAt: string;
  readonly publishedAt?: string;
  /** Epoch seconds; DynamoDB TTL deletes the event some days after it was published. */
  readonly expiresAt?: number;
}

/** The saga's input: the event's payload plus the id of the event that started it. */
export interface SagaInput extends OrderCreatedPayload {
  readonly eventId: string;
}
