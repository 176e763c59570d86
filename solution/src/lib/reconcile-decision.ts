import type { OrderRecord } from './order-model';
import type { ExecutionState } from './saga-executions';

/**
 * What the reconciler does with one open order that is past its bound, given
 * the state of its current saga execution. Pure, so every case is a test.
 *
 * - NONE: the event was relayed but no execution exists (lost in a crash):
 *   start it, under the name the relay uses, so a late relay cannot start a second.
 * - RUNNING: leave it; Step Functions is still driving it.
 * - FAILED / ABORTED / TIMED_OUT: re-drive it from the step that did not
 *   succeed. If a re-drive was already tried (or the execution ended in the
 *   saga's own NeedsAttention Fail state, which a re-drive would only repeat),
 *   start a fresh run from the start instead.
 * - SUCCEEDED, yet the order is open: something outside the saga interfered;
 *   a fresh run from the start finishes or compensates it.
 *
 * A fresh run from the start is safe because every step and compensation is
 * idempotent, and the saga's first step routes a COMPENSATING order straight
 * to its compensation and ends quietly for a finished one.
 */
export type ReconcileAction = 'START' | 'LEAVE_RUNNING' | 'REDRIVE' | 'RESTART';

export function decideAction(order: Pick<OrderRecord, 'lastReconcileAction'>, execution: ExecutionState): ReconcileAction {
  switch (execution.status) {
    case 'NONE':
      return 'START';
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return 'LEAVE_RUNNING';
    case 'SUCCEEDED':
      return 'RESTART';
    default:
      if (execution.error === 'OrderNeedsAttention') return 'RESTART';
      return order.lastReconcileAction === 'REDRIVE' ? 'RESTART' : 'REDRIVE';
  }
}

/** The saga execution the reconciler looks at for an order: the relay's, or its own latest fresh run. */
export function executionNameFor(order: Pick<OrderRecord, 'eventId' | 'sagaRestarts'>, restarts = order.sagaRestarts ?? 0): string {
  return restarts === 0 ? String(order.eventId) : `${order.eventId}-retry-${restarts}`;
}

/** Waits between visits double from the bound (5, 10, 20 ... minutes by default), capped at six hours. */
export const MAX_BACKOFF_SECONDS = 6 * 60 * 60;

export function nextVisit(now: Date, attempts: number, boundSeconds: number): Date {
  const seconds = Math.min(boundSeconds * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_SECONDS);
  return new Date(now.getTime() + Math.max(seconds, 1) * 1000);
}
