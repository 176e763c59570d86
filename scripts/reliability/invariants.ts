import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { pollUntil } from '../local-cloud/poll';
import { type ServiceConfig, tableNameOf } from '../local-cloud/serverless-config';
import { readInventorySeed } from '../local-cloud/tables';
import type { OrderOutcome } from './client';

/**
 * The promises the order system makes, checked on the tables themselves
 * after a scenario: what a customer and an operator rely on, whatever failed.
 */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export const TERMINAL = ['COMPLETED', 'FAILED'];

/**
 * Done, or in a person's hands: a terminal status, or the needsAttention flag
 * the saga (FlagNeedsAttention) or the reconciler sets on an order it could
 * not finish. The flag is not a status: the order keeps its real one.
 */
export const settled = (order: Record<string, any>): boolean => TERMINAL.includes(order.status) || order.needsAttention === true;

async function scanAll(dynamodb: DynamoDBClient, tableName: string): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export interface Snapshot {
  readonly orders: Record<string, any>[];
  readonly inventory: Record<string, any>[];
  readonly payments: Record<string, any>[];
}

export async function snapshot(dynamodb: DynamoDBClient, config: ServiceConfig): Promise<Snapshot> {
  const [orders, inventory, payments] = await Promise.all(
    (['OrdersTable', 'InventoryTable', 'PaymentsTable'] as const).map((table) => scanAll(dynamodb, tableNameOf(config, table))),
  );
  return { orders, inventory, payments };
}

/** Waits until every order of these keys is terminal (or flagged), up to the bound; returns how long it took. */
export async function waitTerminal(dynamodb: DynamoDBClient, config: ServiceConfig, keys: ReadonlySet<string>, boundMs: number): Promise<number | undefined> {
  const started = Date.now();
  try {
    await pollUntil(
      async () => {
        const { orders } = await snapshot(dynamodb, config);
        return orders.filter((order) => keys.has(order.customerId)).every(settled) || undefined;
      },
      { timeoutMs: boundMs, intervalMs: 500, description: 'every order to be terminal' },
    );
    return Date.now() - started;
  } catch {
    return undefined;
  }
}

export function checkInvariants(
  data: Snapshot,
  keys: ReadonlySet<string>,
  outcomes: readonly OrderOutcome[],
  terminalMs: number | undefined,
  boundMs: number,
): Check[] {
  const orders = data.orders.filter((order) => keys.has(order.customerId));
  const byId = new Map(orders.map((order) => [order.orderId as string, order]));
  const acknowledged = outcomes.filter((outcome) => outcome.orderId);
  const missing = acknowledged.filter((outcome) => !byId.has(outcome.orderId as string));
  const perKey = new Map<string, number>();
  for (const order of orders) perKey.set(order.customerId, (perKey.get(order.customerId) ?? 0) + 1);
  const duplicated = [...perKey].filter(([, count]) => count > 1);
  const answersPerKey = new Map<string, Set<string>>();
  for (const outcome of acknowledged) answersPerKey.set(outcome.key, (answersPerKey.get(outcome.key) ?? new Set()).add(outcome.orderId as string));
  const twoAnswers = [...answersPerKey].filter(([, ids]) => ids.size > 1);
  const open = orders.filter((order) => !settled(order));
  const flagged = orders.filter((order) => !TERMINAL.includes(order.status) && order.needsAttention === true);

  const stock = new Map(
    data.inventory.filter((item) => !String(item.productId).startsWith('reservation#')).map((item) => [item.productId as string, item.available as number]),
  );
  const held = new Map<string, number>();
  const reservations = data.inventory.filter((item) => String(item.productId).startsWith('reservation#'));
  for (const reservation of reservations.filter((r) => r.state === 'RESERVED')) {
    for (const line of reservation.items ?? []) held.set(line.productId, (held.get(line.productId) ?? 0) + line.quantity);
  }
  const unbalanced = readInventorySeed()
    .filter((seed) => (stock.get(seed.productId) ?? 0) + (held.get(seed.productId) ?? 0) !== seed.available)
    .map((seed) => `${seed.productId}: ${seed.available} seeded, ${stock.get(seed.productId)} available + ${held.get(seed.productId) ?? 0} reserved`);

  const payments = new Map(data.payments.map((payment) => [payment.orderId as string, payment]));
  const reservationOf = new Map(reservations.map((r) => [r.orderId as string, r]));
  const failed = orders.filter((order) => order.status === 'FAILED');
  const charged = failed.filter((order) => payments.get(order.orderId)?.status === 'CHARGED');
  const holding = failed.filter((order) => reservationOf.get(order.orderId)?.state === 'RESERVED');

  const sample = (ids: string[]) => (ids.length === 0 ? '' : `: ${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}`);
  return [
    {
      name: 'every acknowledged order exists',
      ok: missing.length === 0,
      detail: `${acknowledged.length} acknowledged, ${missing.length} missing${sample(missing.map((m) => m.key))}`,
    },
    {
      name: 'one order per key',
      ok: duplicated.length === 0,
      detail: `${perKey.size} keys with an order, ${duplicated.length} with more than one${sample(duplicated.map(([key]) => key))}`,
    },
    {
      name: 'one answer per key',
      ok: twoAnswers.length === 0,
      detail: `${twoAnswers.length} keys answered with two order ids${sample(twoAnswers.map(([key]) => key))}`,
    },
    {
      name: `every order terminal (or flagged) within ${boundMs / 1000} s`,
      ok: open.length === 0,
      detail: `${orders.length - open.length - flagged.length}/${orders.length} terminal, ${flagged.length} flagged needsAttention${terminalMs === undefined ? '' : ` after ${(terminalMs / 1000).toFixed(1)} s`}${sample(open.map((o) => `${o.orderId} ${o.status}`))}`,
    },
    {
      name: 'stock conserved',
      ok: unbalanced.length === 0,
      detail: unbalanced.length === 0 ? 'every product: seeded = available + reserved' : unbalanced.join('; '),
    },
    {
      name: 'no FAILED order charged or holding stock',
      ok: charged.length + holding.length === 0,
      detail: `${failed.length} FAILED, ${charged.length} charged, ${holding.length} holding stock`,
    },
  ];
}

export function figures(data: Snapshot, keys: ReadonlySet<string>): string {
  const counts = new Map<string, number>();
  for (const order of data.orders.filter((o) => keys.has(o.customerId))) counts.set(order.status, (counts.get(order.status) ?? 0) + 1);
  return (
    [...counts]
      .sort()
      .map(([status, count]) => `${status} ${count}`)
      .join(', ') || 'no orders'
  );
}
