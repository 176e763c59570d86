import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localAwsEnvironment } from '../../local-cloud/aws-env';
import { startDynamoDbLocal } from '../../local-cloud/dynamodb-local';
import { loadServiceConfig, tableNameOf } from '../../local-cloud/serverless-config';
import { createTables } from '../../local-cloud/tables';
import type { Section } from '../context';
import { rateName } from '../figures';
import { ratePerSecond, runLoad } from '../load';
import { BENCH_PRODUCT, CONCURRENCIES, loadPlan } from '../plan';
import { percentile } from '../stats';

/**
 * What the bench process's environment must say for the solution's own
 * DynamoDB client to reach this engine: the environment npm start gives its
 * handlers (aws-env.ts, X-Ray's manual mode included), plus the two tables.
 */
function environmentFor(endpoint: string, ordersTable: string, outboxTable: string): Record<string, string> {
  return { ...localAwsEnvironment({ dynamodb: endpoint }), ORDERS_TABLE: ordersTable, OUTBOX_TABLE: outboxTable };
}

/**
 * The ceiling: DynamoDB Local's own rate for the very write POST /orders
 * makes (the solution's createOrderWithOutboxEvent, one TransactWriteItems
 * with the order and its outbox event), called directly at the same
 * concurrencies and counts, with no HTTP, handler or saga around it. The
 * local cloud can never be faster than this on this machine; the table's
 * "ceiling ÷ API" ratio is what our code costs on top.
 *
 * One engine for all runs, started with the same settings npm start uses;
 * the same warm-up as the throughput section precedes each run.
 */
export const measureCeiling: Section = async (context, figures) => {
  const plan = loadPlan(context.quick);
  context.progress('ceiling: starting DynamoDB Local');
  const engine = await startDynamoDbLocal();
  const config = loadServiceConfig();
  const client = new DynamoDBClient({ endpoint: engine.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const environment = environmentFor(engine.endpoint, tableNameOf(config, 'OrdersTable'), tableNameOf(config, 'OutboxTable'));
  const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  try {
    await createTables(client, config);
    // Imported only now: the solution's client reads the endpoint from the environment when first used.
    const { createOrderWithOutboxEvent } = await import('../../../solution/src/lib/orders');
    const order = {
      customerId: 'bench-customer',
      items: [{ productId: BENCH_PRODUCT, quantity: 1, unitPriceCents: 100 }],
      totalCents: 100,
    } as unknown as Parameters<typeof createOrderWithOutboxEvent>[0];
    const write = async () => {
      await createOrderWithOutboxEvent(order);
      return true;
    };
    for (let run = 1; run <= context.runs; run++) {
      context.progress(`ceiling, run ${run}/${context.runs}`);
      await runLoad({ concurrency: 8, count: plan.warmUp, maxMs: plan.maxMs, send: write });
      for (const concurrency of CONCURRENCIES) {
        const result = await runLoad({ concurrency, count: plan.count[concurrency], maxMs: plan.maxMs, send: write });
        if (result.succeeded === 0) throw new Error(`no transaction succeeded at concurrency ${concurrency}: ${result.firstError ?? 'no answer'}`);
        figures.add(rateName(concurrency), 'orders/s', ratePerSecond(result));
        figures.add(`TransactWriteItems p99 at concurrency ${concurrency}`, 'ms', percentile(result.latenciesMs, 99));
      }
    }
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    client.destroy();
    await engine.stop();
  }
};
