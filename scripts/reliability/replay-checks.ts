import type { Check } from './invariants';
import { type Effect, type ExecutionEffects, effectsPerOrder } from './saga-effects';

/** The checks of the redelivery and replay scenarios: a replay for a finished order changes nothing a customer or consumer sees. */
export function replayChangedNothing(changed: Record<string, any>[], statusesBefore: ReadonlyMap<string, string>): Check {
  return {
    name: 'a replay changes no order',
    ok: changed.length === 0,
    detail: `${changed.length} orders changed status${
      changed.length
        ? `: ${changed
            .slice(0, 3)
            .map((o) => `${statusesBefore.get(o.orderId)}→${o.status}`)
            .join(', ')}`
        : ''
    }`,
  };
}

/**
 * Over the executions of both runs: at most one notification, one
 * OrderCompleted and one OrderFailed per order. Execution names are the
 * outbox event ids, so an execution the store kept has the same ARN in both
 * runs and counts once; with the executions lost, every execution after the
 * restart is a replay (same name, new run) and counts on top of the first
 * run's. The replays must then really have run (one per order), or the check
 * would hold for nothing.
 */
export function replayEffects(
  firstRun: Map<string, ExecutionEffects>,
  secondRun: Map<string, ExecutionEffects>,
  statusesBefore: ReadonlyMap<string, string>,
  forgetExecutions: boolean,
): Check[] {
  const executions = forgetExecutions ? [...firstRun.values(), ...secondRun.values()] : [...new Map([...firstRun, ...secondRun]).values()];
  const perOrder = effectsPerOrder(executions);
  const twice = [...perOrder].filter(([, counts]) => counts.notifications > 1 || counts.orderCompleted > 1 || counts.orderFailed > 1);
  const sum = (effect: Effect) => [...perOrder.values()].reduce((total, counts) => total + counts[effect], 0);
  const checks: Check[] = [
    {
      name: 'no second notification, OrderCompleted or OrderFailed for an order',
      ok: twice.length === 0,
      detail: `${perOrder.size} orders, ${executions.length} executions: ${sum('notifications')} notifications, ${sum('orderCompleted')} OrderCompleted, ${sum('orderFailed')} OrderFailed in all; ${twice.length} orders with one twice${
        twice.length
          ? `: ${twice
              .slice(0, 3)
              .map(([id]) => id)
              .join(', ')}`
          : ''
      }`,
    },
  ];
  if (forgetExecutions) {
    const replayed = new Set([...secondRun.values()].map((execution) => execution.orderId));
    const finished = [...statusesBefore].filter(([, status]) => status === 'COMPLETED' || status === 'FAILED').map(([orderId]) => orderId);
    const notReplayed = finished.filter((orderId) => !replayed.has(orderId));
    checks.push({
      name: 'every finished order was really replayed',
      ok: finished.length > 0 && notReplayed.length === 0,
      detail: `${finished.length - notReplayed.length}/${finished.length} finished orders ran a saga again (${secondRun.size} executions after the restart)${notReplayed.length ? `; not replayed: ${notReplayed.slice(0, 3).join(', ')}` : ''}`,
    });
  }
  return checks;
}
