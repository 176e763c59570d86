import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { pollUntil } from '../local-cloud/poll';
import { loadServiceConfig } from '../local-cloud/serverless-config';
import { type OrderOutcome, bodyFor, keysFor, placeOrder, runLoad } from './client';
import { type CloudProcess, type CloudProcessOptions, startCloudProcess } from './cloud-process';
import { type Check, checkInvariants, figures, snapshot, waitTerminal } from './invariants';
import { replayChangedNothing, replayEffects } from './replay-checks';
import { sagaEffects } from './saga-effects';

/**
 * The failures issue 8 lists, each run against `npm start` as a separate
 * process on its own --persist folder and ephemeral ports, under keyed load
 * from clients that retry as told; each ends with the invariant checks.
 */
export interface ScenarioResult {
  readonly name: string;
  readonly seed: number;
  readonly figures: string;
  readonly checks: readonly Check[];
  readonly notes: readonly string[];
}

export interface ScenarioOptions {
  readonly seed: number;
  readonly orders: number;
  readonly concurrency: number;
  /** How long orders get to become terminal after the last restart. */
  readonly terminalBoundMs: number;
  readonly log?: (line: string) => void;
}

const SAGA_STEPS = [
  'reserveInventory',
  'processPayment',
  'sendNotification',
  'completeOrder',
  'beginCompensation',
  'refundPayment',
  'releaseInventory',
  'markOrderFailed',
];

/** Sagas that take a while: the first two attempts of two steps fail, and each retry waits. */
const SLOW_SAGAS = { FAULT_INJECTION: JSON.stringify({ processPayment: { firstAttempts: 2 }, sendNotification: { firstAttempts: 2 } }) };

async function withFolder<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sdp-reliability-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** After the last restart: every key sent again (a client that never got an answer retries; one that did may too). */
async function finish(
  cloud: CloudProcess,
  name: string,
  keys: string[],
  outcomes: OrderOutcome[],
  options: ScenarioOptions,
  notes: string[],
  retryKeys: readonly string[] = keys,
): Promise<ScenarioResult> {
  const config = loadServiceConfig({ stage: 'local' });
  const bodies = new Map(keys.map((key) => [key, bodyFor(key, options.seed)]));
  // Clients come back at once after a restart, but not 2,000 sockets at a time (the memory scenario): at most 64 in flight.
  const retries: OrderOutcome[] = [];
  let next = 0;
  const client = async () => {
    while (next < retryKeys.length) {
      const key = retryKeys[next++];
      retries.push(await placeOrder(cloud.apiUrl, key, bodies.get(key)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(64, retryKeys.length) }, client));
  const all = [...outcomes, ...retries];
  const dynamodb = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${cloud.ports.dynamodb}`,
    region: config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const keySet = new Set(keys);
    const terminalMs = await waitTerminal(dynamodb, config, keySet, options.terminalBoundMs);
    const data = await snapshot(dynamodb, config);
    return { name, seed: options.seed, figures: figures(data, keySet), checks: checkInvariants(data, keySet, all, terminalMs, options.terminalBoundMs), notes };
  } finally {
    dynamodb.destroy();
  }
}

type Stop = 'crash' | 'interrupt';

/** Keyed load; half-way through the cloud is killed (kill -9) or stopped (Ctrl-C); then restarted on the same folder. */
export function stopMidLoad(stop: Stop, slow: boolean) {
  const name = `${stop === 'crash' ? 'kill -9' : 'Ctrl-C'} mid-load${slow ? ' with slow sagas' : ''}, restart with --persist`;
  return (options: ScenarioOptions): Promise<ScenarioResult> =>
    withFolder(async (dir) => {
      const base: CloudProcessOptions = {
        persistDir: dir,
        environment: slow ? SLOW_SAGAS : {},
        extraArgs: ['--retry-wait-ms', slow ? '300' : '0', '--drain-ms', '3000'],
      };
      const first = await startCloudProcess(base);
      const keys = keysFor(stop, options.seed, options.orders);
      let stopping: Promise<unknown> | undefined;
      const outcomes = await runLoad({
        apiUrl: first.apiUrl,
        keys,
        seed: options.seed,
        concurrency: options.concurrency,
        maxAttempts: 3,
        onOutcome: (_, done) => {
          if (done === Math.floor(options.orders / 2)) stopping = stop === 'crash' ? first.crash() : first.interrupt();
        },
      });
      await stopping;
      const acknowledged = outcomes.filter((o) => o.orderId).length;
      const second = await startCloudProcess({ ...base, ports: first.ports });
      const resumed = second.output().match(/Resumed\s+(\d+)/)?.[1] ?? '0';
      try {
        return await finish(second, name, keys, outcomes, options, [
          `${acknowledged}/${keys.length} acknowledged before the stop`,
          `${resumed} saga(s) re-driven at restart`,
        ]);
      } finally {
        await second.interrupt();
      }
    });
}

/**
 * Every outbox record delivered again: the stream checkpoints are lost (as
 * after a crash between a saga start and a checkpoint). With
 * `forgetExecutions` the executions are lost too, so every saga really runs
 * again for an order that is already terminal: replays must change nothing,
 * send no second notification and publish no second OrderCompleted/OrderFailed.
 */
export function redeliveredRecords(forgetExecutions: boolean) {
  const name = forgetExecutions ? 'sagas replayed for finished orders (checkpoints and executions lost)' : 'stream records delivered again (checkpoints lost)';
  return (options: ScenarioOptions): Promise<ScenarioResult> =>
    withFolder(async (dir) => {
      const base: CloudProcessOptions = { persistDir: dir, extraArgs: ['--retry-wait-ms', '0'] };
      const first = await startCloudProcess(base);
      const keys = keysFor(forgetExecutions ? 'replay' : 'redelivery', options.seed, options.orders);
      const outcomes = await runLoad({ apiUrl: first.apiUrl, keys, seed: options.seed, concurrency: options.concurrency });
      const config = loadServiceConfig({ stage: 'local' });
      const endpoint = (port: number) => ({
        endpoint: `http://127.0.0.1:${port}`,
        region: config.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const before = new DynamoDBClient(endpoint(first.ports.dynamodb));
      await waitTerminal(before, config, new Set(keys), options.terminalBoundMs);
      const statusesBefore = new Map((await snapshot(before, config)).orders.map((order) => [order.orderId as string, order.status as string]));
      before.destroy();
      const firstSfn = new SFNClient(endpoint(first.ports.sfn));
      const firstRun = await sagaEffects(firstSfn);
      firstSfn.destroy();
      await first.interrupt();
      rmSync(path.join(dir, 'stream-checkpoints.json'), { force: true });
      if (forgetExecutions) rmSync(path.join(dir, 'step-functions'), { recursive: true, force: true });
      const second = await startCloudProcess({ ...base, ports: first.ports });
      const sfn = new SFNClient(endpoint(second.ports.sfn));
      try {
        const relayed = () => (second.output().match(/→ outboxRelay/g) ?? []).length;
        const machine = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines?.[0]?.stateMachineArn;
        await pollUntil(
          async () =>
            relayed() >= keys.length &&
            (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'RUNNING' }))).executions?.length === 0,
          { timeoutMs: options.terminalBoundMs, intervalMs: 200, description: 'the stream to be delivered again and the sagas to end' },
        ).catch(() => undefined);
        const secondRun = await sagaEffects(sfn);
        const result = await finish(second, name, keys, outcomes, options, [
          `${relayed()} outbox records re-delivered to the relay`,
          `${firstRun.size} saga executions before the stop, ${secondRun.size} after the restart`,
        ]);
        const after = new DynamoDBClient(endpoint(second.ports.dynamodb));
        const changed = (await snapshot(after, config)).orders.filter((order) => statusesBefore.get(order.orderId) !== order.status);
        after.destroy();
        return {
          ...result,
          checks: [...result.checks, replayChangedNothing(changed, statusesBefore), ...replayEffects(firstRun, secondRun, statusesBefore, forgetExecutions)],
        };
      } finally {
        sfn.destroy();
        await second.interrupt();
      }
    });
}

/** Seeded transient faults on every saga step, duplicates of each key sent concurrently. */
export function faultsAndDuplicates(options: ScenarioOptions & { readonly rate?: number }): Promise<ScenarioResult> {
  return withFolder(async (dir) => {
    const rate = options.rate ?? 0.3;
    const plan = Object.fromEntries(SAGA_STEPS.map((step, i) => [step, { rate, seed: options.seed + i }]));
    const cloud = await startCloudProcess({ persistDir: dir, environment: { FAULT_INJECTION: JSON.stringify(plan) }, extraArgs: ['--retry-wait-ms', '0'] });
    try {
      const keys = keysFor('faults', options.seed, options.orders);
      // Each key three times at once: concurrent duplicates of one request.
      const outcomes = (
        await Promise.all([0, 1, 2].map(() => runLoad({ apiUrl: cloud.apiUrl, keys, seed: options.seed, concurrency: options.concurrency })))
      ).flat();
      return await finish(cloud, `seeded transient faults (rate ${rate}) on every step + concurrent duplicates`, keys, outcomes, options, [
        `FAULT_INJECTION seeds ${options.seed}..${options.seed + SAGA_STEPS.length - 1}`,
      ]);
    } finally {
      await cloud.interrupt();
    }
  });
}

/**
 * A dependency down long enough to exhaust the saga's retries: payments (so
 * every order compensates), then the stock service during compensation: its
 * first 20 calls per order fail, more than one saga run retries (7), so each
 * run ends flagged in FlagNeedsAttention with the order COMPENSATING. Only the
 * reconciler (its bound shortened to 3 s, run every second) gets the orders
 * out: it restarts their sagas until the release succeeds and they end FAILED.
 */
export const OUTAGE_PLAN = { processPayment: { rate: 1 }, releaseInventory: { firstAttempts: 20 } };
export const OUTAGE_RECONCILE = { ORDER_RECONCILE_AFTER_SECONDS: '3', scheduleIntervalMs: '1000' };

export function outage(options: ScenarioOptions): Promise<ScenarioResult> {
  return withFolder(async (dir) => {
    const cloud = await startCloudProcess({
      persistDir: dir,
      environment: { FAULT_INJECTION: JSON.stringify(OUTAGE_PLAN), ORDER_RECONCILE_AFTER_SECONDS: OUTAGE_RECONCILE.ORDER_RECONCILE_AFTER_SECONDS },
      extraArgs: ['--retry-wait-ms', '0', '--schedule-interval-ms', OUTAGE_RECONCILE.scheduleIntervalMs],
    });
    const config = loadServiceConfig({ stage: 'local' });
    try {
      const keys = keysFor('outage', options.seed, options.orders);
      const outcomes = await runLoad({ apiUrl: cloud.apiUrl, keys, seed: options.seed, concurrency: options.concurrency });
      // "Flagged" is not enough here: every order must be finished, which only the reconciler can do.
      const dynamodb = new DynamoDBClient({
        endpoint: `http://127.0.0.1:${cloud.ports.dynamodb}`,
        region: config.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      await pollUntil(
        async () => (await snapshot(dynamodb, config)).orders.filter((o) => keys.includes(o.customerId)).every((o) => o.status === 'FAILED') || undefined,
        {
          timeoutMs: options.terminalBoundMs,
          intervalMs: 500,
          description: 'every outage order to end FAILED',
        },
      ).catch(() => undefined);
      const result = await finish(cloud, "outage: payments down, then stock release failing past the saga's retries", keys, outcomes, options, [
        `FAULT_INJECTION ${JSON.stringify(OUTAGE_PLAN)}; ORDER_RECONCILE_AFTER_SECONDS=${OUTAGE_RECONCILE.ORDER_RECONCILE_AFTER_SECONDS}, --schedule-interval-ms ${OUTAGE_RECONCILE.scheduleIntervalMs}`,
      ]);
      const orders = (await snapshot(dynamodb, config)).orders.filter((o) => keys.includes(o.customerId));
      dynamodb.destroy();
      return { ...result, checks: [...result.checks, reconcilerFinished(orders, cloud.output())] };
    } finally {
      await cloud.interrupt();
    }
  });
}

/** Every outage order ends FAILED (compensated), none left open or only flagged, and the reconciler is what got them there. */
function reconcilerFinished(orders: Record<string, any>[], output: string): Check {
  const notFailed = orders.filter((o) => o.status !== 'FAILED');
  const reconciled = orders.filter((o) => (o.reconcileAttempts ?? 0) > 0);
  const flaggedOnce = orders.filter((o) => o.attentionAt !== undefined);
  const restarts = orders.reduce((total, o) => total + (o.sagaRestarts ?? 0), 0);
  const reconcilerRuns = (output.match(/reconcileOrders invoked/g) ?? []).length;
  return {
    name: 'orders stuck COMPENSATING are finished FAILED by the reconciler',
    ok: orders.length > 0 && notFailed.length === 0 && reconciled.length === orders.length,
    detail: `${orders.length - notFailed.length}/${orders.length} FAILED; ${flaggedOnce.length} flagged on the way, ${reconciled.length} visited by the reconciler (${reconcilerRuns} runs), ${restarts} saga restarts${
      notFailed.length
        ? `; not FAILED: ${notFailed
            .slice(0, 3)
            .map((o) => `${o.orderId} ${o.status}${o.needsAttention ? ' (flagged)' : ''}`)
            .join(', ')}`
        : ''
    }`,
  };
}

/** Long run: the process must not keep something per order. Growth over the second 1,000 orders, against the issue's 15 MB. */
export function memory(options: ScenarioOptions): Promise<ScenarioResult> {
  return withFolder(async (dir) => {
    const cloud = await startCloudProcess({ persistDir: dir, extraArgs: ['--retry-wait-ms', '0'] });
    const config = loadServiceConfig({ stage: 'local' });
    const dynamodb = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${cloud.ports.dynamodb}`,
      region: config.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const rss: number[] = [];
      const keys: string[] = [];
      const outcomes: OrderOutcome[] = [];
      for (const round of [1, 2]) {
        const batch = keysFor(`memory${round}`, options.seed, 1000);
        keys.push(...batch);
        outcomes.push(...(await runLoad({ apiUrl: cloud.apiUrl, keys: batch, seed: options.seed, concurrency: options.concurrency })));
        await waitTerminal(dynamodb, config, new Set(batch), options.terminalBoundMs);
        rss.push(cloud.rssMb() ?? Number.NaN);
        options.log?.(`${round * 1000} orders terminal: npm start resident memory ${rss[rss.length - 1].toFixed(1)} MB`);
      }
      // Only keys answered in the last 8 minutes are retried: the key claim lasts the 10-minute idempotency
      // window, and on a loaded machine older keys would rightly make new orders (the window keeps its meaning).
      const recent = outcomes.filter((outcome) => outcome.at > Date.now() - 8 * 60_000).map((outcome) => outcome.key);
      const result = await finish(
        cloud,
        'memory over 2,000 orders',
        keys,
        outcomes,
        options,
        [
          `resident memory after 1,000 orders ${rss[0].toFixed(1)} MB, after 2,000 ${rss[1].toFixed(1)} MB`,
          `${recent.length} keys answered within the idempotency window retried`,
        ],
        recent,
      );
      const growth = rss[1] - rss[0];
      const check: Check = {
        name: 'at most 15 MB more per further 1,000 orders',
        // Not measured is a failure, not a pass: the figure is the point of the scenario.
        ok: !Number.isNaN(growth) && growth <= 15,
        detail: Number.isNaN(growth) ? 'not measured (needs Linux /proc)' : `grew ${growth.toFixed(1)} MB`,
      };
      return { ...result, checks: [...result.checks, check] };
    } finally {
      dynamodb.destroy();
      await cloud.interrupt();
    }
  });
}
