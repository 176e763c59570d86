import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { seedInventory } from '../../local-cloud/tables';
import { loadServiceConfig } from '../../local-cloud/serverless-config';
import { type RunningCloud, startCloud } from '../cloud';
import type { Section } from '../context';
import { type FigureSet, rateName } from '../figures';
import { keepAliveAgent, request } from '../http';
import { ratePerSecond, runLoad } from '../load';
import { BENCH_ORDER, BENCH_PRODUCT, BENCH_STOCK, CONCURRENCIES, loadPlan } from '../plan';
import { processTreeRssMB } from '../processes';
import { median, percentile } from '../stats';

const TERMINAL = new Set(['COMPLETED', 'FAILED']);

interface StatusChange {
  readonly status: string;
  readonly at: string;
}

/**
 * Milliseconds from an order's creation to its terminal status, read from
 * the order's own statusHistory once it has one. Reading the server's
 * timestamps after the load, instead of polling during it, keeps the
 * measurement from competing with the load for the same two cores.
 */
async function timeToTerminal(cloud: RunningCloud, orderId: string, deadline: number): Promise<{ ms: number; status: string }> {
  for (;;) {
    const answer = await request(`${cloud.apiUrl}/orders/${orderId}`);
    if (answer.status === 200) {
      const order = JSON.parse(answer.body) as { createdAt: string; status: string; statusHistory: StatusChange[] };
      if (TERMINAL.has(order.status)) {
        const end = order.statusHistory.find((change) => TERMINAL.has(change.status));
        return { ms: Date.parse(end?.at ?? '') - Date.parse(order.createdAt), status: order.status };
      }
    }
    if (Date.now() > deadline) throw new Error(`order ${orderId} did not reach COMPLETED or FAILED within the deadline (last answer ${answer.status})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function oneRun(context: Parameters<Section>[0], figures: FigureSet): Promise<void> {
  const plan = loadPlan(context.quick);
  const cloud = await startCloud(context);
  try {
    const client = new DynamoDBClient({
      endpoint: cloud.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await seedInventory(client, loadServiceConfig(), [{ productId: BENCH_PRODUCT, available: BENCH_STOCK }]);
    } finally {
      client.destroy();
    }
    const agent = keepAliveAgent(64);
    let refusal: string | undefined;
    const post = async (created?: string[]) => {
      const answer = await request(`${cloud.apiUrl}/orders`, { method: 'POST', body: BENCH_ORDER, agent });
      if (answer.status !== 201) {
        refusal ??= `POST /orders answered ${answer.status}: ${answer.body.slice(0, 200)}`;
        return false;
      }
      created?.push((JSON.parse(answer.body) as { orderId: string }).orderId);
      return true;
    };
    await runLoad({ concurrency: 8, count: plan.warmUp, maxMs: plan.maxMs, send: () => post() });
    const pid = cloud.child.pid as number;
    const rssBefore = processTreeRssMB(pid);
    let orders = 0;
    for (const concurrency of CONCURRENCIES) {
      context.progress(`throughput at concurrency ${concurrency}`);
      const created: string[] = [];
      const result = await runLoad({ concurrency, count: plan.count[concurrency], maxMs: plan.maxMs, send: () => post(created) });
      if (result.succeeded === 0) throw new Error(`no order was accepted at concurrency ${concurrency}: ${refusal ?? result.firstError ?? 'no answer'}`);
      orders += result.succeeded;
      figures.add(rateName(concurrency), 'orders/s', ratePerSecond(result));
      for (const p of [50, 95, 99]) figures.add(`POST /orders p${p} at concurrency ${concurrency}`, 'ms', percentile(result.latenciesMs, p));
      figures.add(`failed POSTs at concurrency ${concurrency}`, 'count', result.failed);
      // Evenly spread samples; waiting for them also lets this level's sagas drain before the next level starts.
      const step = Math.max(1, Math.floor(created.length / plan.sampled));
      const sample = created.filter((_, i) => i % step === 0).slice(0, plan.sampled);
      const deadline = Date.now() + 180_000;
      const ends = [];
      for (const orderId of sample) ends.push(await timeToTerminal(cloud, orderId, deadline));
      figures.add(`201 to terminal status p50 at concurrency ${concurrency}`, 'ms', median(ends.map((e) => e.ms)));
      figures.add(
        `201 to terminal status p95 at concurrency ${concurrency}`,
        'ms',
        percentile(
          ends.map((e) => e.ms),
          95,
        ),
      );
      figures.add(`sampled orders that ended FAILED at concurrency ${concurrency}`, 'count', ends.filter((e) => e.status === 'FAILED').length);
    }
    const rssAfter = processTreeRssMB(pid);
    figures.add('npm start RSS after warm-up', 'MB', rssBefore);
    figures.add('npm start RSS after the measured orders', 'MB', rssAfter);
    figures.add('RSS growth per 1,000 orders', 'MB', ((rssAfter - rssBefore) * 1000) / orders);
    agent.destroy();
  } finally {
    await cloud.stop();
  }
}

/**
 * Orders per second through the whole local cloud (API, create-order
 * handler, DynamoDB Local, stream poller, Step Functions, saga handlers),
 * with POST latency percentiles, time to a terminal status and memory. A
 * fresh `npm start` per run, so runs do not inherit each other's data.
 */
export const measureThroughput: Section = async (context, figures) => {
  for (let run = 1; run <= context.runs; run++) {
    context.progress(`throughput, run ${run}/${context.runs}`);
    await oneRun(context, figures);
  }
};
