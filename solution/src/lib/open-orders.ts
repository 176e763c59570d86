import { integerEnv } from './config';

/**
 * The sparse "open orders" index: only orders that have not reached a
 * terminal status carry its key (`openOrder = 'OPEN'`), so the reconciler
 * queries the orders it may have to drive on, not the whole table. Its sort
 * key `reconcileAt` says from when the reconciler should look: creation plus
 * the bound at first, then later times as it backs off.
 *
 * One partition value is a hot key at very high order rates; a real system
 * would shard it (OPEN#0..OPEN#9). A workshop does not need that.
 */
export const OPEN_ORDER = 'OPEN' as const;
export const OPEN_ORDERS_INDEX = 'openOrders';

/** How long an order may take to finish before the reconciler steps in (ORDER_RECONCILE_AFTER_SECONDS, default 5 minutes). */
export function reconcileAfterSeconds(): number {
  return integerEnv('ORDER_RECONCILE_AFTER_SECONDS', 300);
}

export function reconcileDueAt(createdAt: Date): string {
  return new Date(createdAt.getTime() + reconcileAfterSeconds() * 1000).toISOString();
}
