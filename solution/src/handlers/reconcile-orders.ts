import type { Context, ScheduledEvent } from 'aws-lambda';
import { eventBridgeAttentionPublisher } from '../lib/attention-events';
import { systemClock } from '../lib/clock';
import { requireEnv } from '../lib/config';
import { logger } from '../lib/logger';
import { instrumented } from '../lib/observability';
import { type OrderVisit, type ReconcilerDeps, reconcileOpenOrders, reconcileSettingsFromEnv } from '../lib/reconciler';
import { stepFunctionsSagaExecutions } from '../lib/saga-executions';

/** Built once per container (again only if the targets change, which tests do): SDK clients are reused. */
let deps: { signature: string; value: ReconcilerDeps } | undefined;

function reconcilerDeps(): ReconcilerDeps {
  const stateMachineArn = requireEnv('STATE_MACHINE_ARN');
  const eventBusName = requireEnv('EVENT_BUS_NAME');
  const signature = `${stateMachineArn}|${eventBusName}`;
  if (deps?.signature !== signature) {
    deps = {
      signature,
      value: { clock: systemClock, executions: stepFunctionsSagaExecutions(stateMachineArn), publisher: eventBridgeAttentionPublisher(eventBusName) },
    };
  }
  return deps.value;
}

/**
 * Scheduled (serverless.yml: rate(5 minutes)): drives on every open order
 * past its bound, and flags the ones that need a person. See lib/reconciler.ts.
 */
export const handler = instrumented(
  'reconcileOrders',
  async (_event: ScheduledEvent, _context: Context): Promise<{ visited: number; byAction: Record<string, number> }> => {
    const visits = await reconcileOpenOrders(reconcilerDeps(), reconcileSettingsFromEnv());
    for (const visit of visits) logVisit(visit);
    const byAction: Record<string, number> = {};
    for (const visit of visits) byAction[visit.action] = (byAction[visit.action] ?? 0) + 1;
    logger.info('reconciler run finished', { visited: visits.length, byAction });
    return { visited: visits.length, byAction };
  },
);

function logVisit(visit: OrderVisit): void {
  if (visit.action === 'ERROR') logger.error('could not drive the order on; a later run retries', { ...visit });
  else if (visit.flagged) logger.warn('order needs attention; OrderNeedsAttention published', { ...visit });
  else logger.info('order driven on', { ...visit });
}
