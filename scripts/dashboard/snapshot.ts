import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { readFailureQueue } from '../local-cloud/failure-queue';
import type { LocalCloud } from '../local-cloud/local-cloud';
import { tableNameOf } from '../local-cloud/serverless-config';
import type { ExecutionViews } from './executions';
import type { FaultControl } from './faults';
import { idempotencyKeys } from './idempotency';
import type { Observations } from './observations';
import type { FailureRecordView, OrderView, OutboxEventView, Snapshot } from './shared/model';

/**
 * One picture of the system, read from where the truth lives: the tables in
 * DynamoDB (so it works with --persist and whatever else wrote to them), the
 * local Step Functions' executions (kept on disk with --persist), the
 * on-failure queue files, and what the dashboard observed of the hops.
 */
const MAX_ROWS = 100;
/** Executions carry every state's input and output: the newest 50 keep each update small. */
const MAX_EXECUTIONS = 50;

async function scanAll(documents: DynamoDBDocumentClient, table: string): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const newestFirst = (a: { createdAt?: string }, b: { createdAt?: string }) => String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? ''));
const eventIdOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.eventId?.S ?? record.dynamodb?.Keys?.eventId?.S ?? '?';

export interface SnapshotSources {
  readonly cloud: LocalCloud;
  readonly documents: DynamoDBDocumentClient;
  readonly observations: Observations;
  readonly faults: FaultControl;
  readonly executions: ExecutionViews;
}

export async function takeSnapshot({ cloud, documents, observations, faults, executions: executionViews }: SnapshotSources): Promise<Snapshot> {
  const table = (id: string) => tableNameOf(cloud.config, id);
  const [orderItems, outboxItems, keyItems] = await Promise.all([
    scanAll(documents, table('OrdersTable')),
    scanAll(documents, table('OutboxTable')),
    scanAll(documents, table('IdempotencyTable')),
  ]);
  const orders: OrderView[] = orderItems
    .sort(newestFirst)
    .slice(0, MAX_ROWS)
    .map((item) => ({
      orderId: item.orderId,
      customerId: item.customerId,
      status: item.status,
      totalCents: Number(item.totalCents),
      createdAt: item.createdAt,
      statusHistory: item.statusHistory ?? [],
      failureReason: item.failureReason,
      needsAttention: item.needsAttention === true || undefined,
      attentionReason: item.attentionReason,
    }));
  const outbox: OutboxEventView[] = outboxItems
    .sort(newestFirst)
    .slice(0, MAX_ROWS)
    .map((item) => {
      const relay = observations.relayOf(item.eventId);
      return {
        eventId: item.eventId,
        orderId: item.aggregateId,
        eventType: item.eventType,
        createdAt: item.createdAt,
        publishedAt: item.publishedAt,
        relayAttempts: relay.attempts,
        lastRelayError: relay.lastError,
      };
    });
  const failures: FailureRecordView[] = cloud.failureQueues.flatMap((queue) =>
    readFailureQueue(queue.file).map((message) => ({
      queue: queue.arn.split(':').pop() as string,
      timestamp: message.timestamp,
      condition: message.requestContext.condition,
      error: message.responseContext.functionError,
      eventIds: (message.records ?? []).map(eventIdOf),
    })),
  );
  const customers = new Map(orderItems.map((item) => [String(item.orderId), String(item.customerId)]));
  const idempotency = idempotencyKeys(keyItems, observations.requestsByKey(), (orderId) => customers.get(orderId)).slice(0, MAX_ROWS);
  const executions = executionViews.newest(cloud.stateMachineArns, MAX_EXECUTIONS);
  return {
    at: new Date().toISOString(),
    orders,
    outbox,
    failures,
    idempotency,
    executions,
    faults: faults.plan(),
    faultsVersion: faults.version,
    faultSteps: faults.steps,
  };
}
