/**
 * An order's status only moves forward. The allowed moves live here, once;
 * every status write is a conditional update built from this table, so a late
 * or duplicated step can never drag an order backwards.
 *
 * ```text
 * PENDING -> INVENTORY_RESERVED -> PAYMENT_PROCESSED -> COMPLETED
 *    \              |                    |
 *     `-------------+--> COMPENSATING <--'  -> FAILED
 * ```
 */
export const ORDER_STATUSES = ['PENDING', 'INVENTORY_RESERVED', 'PAYMENT_PROCESSED', 'COMPLETED', 'COMPENSATING', 'FAILED'] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

const ALLOWED_PREDECESSORS: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: [],
  INVENTORY_RESERVED: ['PENDING'],
  PAYMENT_PROCESSED: ['INVENTORY_RESERVED'],
  COMPLETED: ['PAYMENT_PROCESSED'],
  // Payment is the pivot, but a payment step whose retries ran out leaves the
  // charge uncertain; compensating (an idempotent refund) is the safe way out.
  COMPENSATING: ['PENDING', 'INVENTORY_RESERVED', 'PAYMENT_PROCESSED'],
  FAILED: ['COMPENSATING'],
};

export function allowedPredecessors(to: OrderStatus): readonly OrderStatus[] {
  return ALLOWED_PREDECESSORS[to];
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ALLOWED_PREDECESSORS[to].includes(from);
}

export function isTerminal(status: OrderStatus): boolean {
  return status === 'COMPLETED' || status === 'FAILED';
}
