import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttentionPublisher } from './attention-events';
import type { Clock } from './clock';
import { integerEnv, tables } from './config';
import { dynamo } from './dynamodb';
import type { OrderRecord, SagaInput } from './order-model';
import { OPEN_ORDER, OPEN_ORDERS_INDEX, reconcileAfterSeconds } from './open-orders';
import { type ReconcileAction, decideAction, executionNameFor, nextVisit } from './reconcile-decision';
import type { SagaExecutions } from './saga-executions';
import { isConditionalCheckFailed } from './transactions';

/**
 * The reconciler: the safety net under the outbox relay and the saga. Every
 * few minutes it reads the open orders whose `reconcileAt` has passed (the
 * sparse open-orders index, never a table scan) and drives each one on
 * (see reconcile-decision.ts). It never decides a business outcome itself: it
 * only makes sure a saga is running for the order. After a few visits without
 * a terminal status it flags the order and publishes OrderNeedsAttention,
 * and keeps trying, each visit further apart.
 */
export interface ReconcileSettings {
  /** How long an order may stay open before the first visit; also the first back-off. */
  readonly boundSeconds: number;
  /** From this visit on, the order is flagged and OrderNeedsAttention published. */
  readonly attentionAfterVisits: number;
  /** Orders visited per run at most: a run stays well inside the function timeout. */
  readonly maxOrdersPerRun: number;
}

export function reconcileSettingsFromEnv(): ReconcileSettings {
  return {
    boundSeconds: reconcileAfterSeconds(),
    attentionAfterVisits: Math.max(1, integerEnv('RECONCILE_ATTENTION_AFTER_VISITS', 3)),
    maxOrdersPerRun: Math.max(1, integerEnv('RECONCILE_MAX_ORDERS_PER_RUN', 100)),
  };
}

export interface ReconcilerDeps {
  readonly clock: Clock;
  readonly executions: SagaExecutions;
  readonly publisher: AttentionPublisher;
}

export interface OrderVisit {
  readonly orderId: string;
  readonly action: ReconcileAction | 'SKIPPED' | 'ERROR';
  readonly executionName?: string;
  readonly visit?: number;
  readonly flagged?: boolean;
  readonly error?: string;
}

export async function reconcileOpenOrders(deps: ReconcilerDeps, settings: ReconcileSettings): Promise<OrderVisit[]> {
  const now = deps.clock.now();
  const visits: OrderVisit[] = [];
  for (const order of await findDueOpenOrders(now, settings.maxOrdersPerRun)) {
    try {
      visits.push(await visitOrder(order, now, deps, settings));
    } catch (error) {
      // One order that cannot be driven on must not stop the others; its
      // reconcileAt has moved (or not), so a later run comes back to it.
      visits.push({ orderId: order.orderId, action: 'ERROR', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  return visits;
}

/** Open orders whose reconcileAt has passed, oldest first. The index is eventually consistent: the claim re-checks. */
export async function findDueOpenOrders(now: Date, max: number): Promise<OrderRecord[]> {
  const orders: OrderRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: tables.orders(),
        IndexName: OPEN_ORDERS_INDEX,
        KeyConditionExpression: 'openOrder = :open AND reconcileAt <= :now',
        ExpressionAttributeValues: { ':open': OPEN_ORDER, ':now': now.toISOString() },
        Limit: max - orders.length,
        ExclusiveStartKey: startKey,
      }),
    );
    orders.push(...((page.Items ?? []) as OrderRecord[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey && orders.length < max);
  return orders;
}

async function visitOrder(order: OrderRecord, now: Date, deps: ReconcilerDeps, settings: ReconcileSettings): Promise<OrderVisit> {
  const currentName = executionNameFor(order);
  const execution = await deps.executions.describe(currentName);
  const action = decideAction(order, execution);
  const visit = (order.reconcileAttempts ?? 0) + 1;
  const restarts = (order.sagaRestarts ?? 0) + (action === 'RESTART' ? 1 : 0);
  const flagged = visit >= settings.attentionAfterVisits;
  const minutesOpen = Math.round((now.getTime() - Date.parse(order.createdAt)) / 60_000);
  const reason = `still ${order.status} ${minutesOpen} min after it was created; saga execution ${currentName} is ${execution.status}${
    execution.error ? ` (${execution.error})` : ''
  }; reconciler visit ${visit}`;

  // Claim the visit first: the conditional write moves reconcileAt on, so an
  // overlapping run skips this order, and a crash after it only delays the next visit.
  const claimed = await claimVisit(order, { visit, restarts, action, flagged, reason, now, next: nextVisit(now, visit, settings.boundSeconds) });
  if (!claimed) return { orderId: order.orderId, action: 'SKIPPED' };

  const executionName = executionNameFor(order, restarts);
  if (action === 'START' || action === 'RESTART') await deps.executions.start(executionName, sagaInputOf(order));
  if (action === 'REDRIVE') await deps.executions.redrive(executionName);
  if (flagged) {
    await deps.publisher.publish({
      eventId: `${order.orderId}-needs-attention-reconcile-${visit}`,
      orderId: order.orderId,
      customerId: order.customerId,
      detectedBy: 'reconciler',
      status: order.status,
      reason,
      attempts: visit,
      executionName,
    });
  }
  return { orderId: order.orderId, action, executionName, visit, flagged };
}

interface VisitRecord {
  readonly visit: number;
  readonly restarts: number;
  readonly action: ReconcileAction;
  readonly flagged: boolean;
  readonly reason: string;
  readonly now: Date;
  readonly next: Date;
}

async function claimVisit(order: OrderRecord, record: VisitRecord): Promise<boolean> {
  const values: Record<string, unknown> = {
    ':visit': record.visit,
    ':restarts': record.restarts,
    ':action': record.action,
    ':now': record.now.toISOString(),
    ':next': record.next.toISOString(),
    ':seen': order.reconcileAt,
  };
  let update = 'SET reconcileAttempts = :visit, sagaRestarts = :restarts, lastReconcileAction = :action, lastReconciledAt = :now, reconcileAt = :next';
  if (record.flagged) {
    update += ', needsAttention = :true, attentionReason = :reason, attentionAt = :now';
    values[':true'] = true;
    values[':reason'] = record.reason;
  }
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tables.orders(),
        Key: { orderId: order.orderId },
        UpdateExpression: update,
        // Still open, and nobody visited it since we read it.
        ConditionExpression: 'attribute_exists(openOrder) AND reconcileAt = :seen',
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** The saga's input, rebuilt from the order: the same as the ORDER_CREATED event carried. */
export function sagaInputOf(order: OrderRecord): SagaInput {
  return { eventId: String(order.eventId), orderId: order.orderId, customerId: order.customerId, items: order.items, totalCents: order.totalCents };
}
