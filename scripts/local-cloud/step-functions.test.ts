import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  paginateListExecutions,
} from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SagaInput } from '@app/lib/order-model';
import { createOrderWithOutboxEvent } from '@app/lib/orders';
import { validateOrderRequest } from '@app/lib/order-request';
import { startTestCloud, type TestCloud } from '../test-support/cloud';
import { type ExecutionRecord, FileExecutionStore, MemoryExecutionStore } from './execution-store';
import { pollUntil } from './poll';
import { LocalStepFunctions } from './step-functions';
import { startStepFunctionsServer } from './step-functions-server';

/**
 * The local Step Functions as the relay, an operator and the reconciler use
 * it: through @aws-sdk/client-sfn, on the real state machine from
 * serverless.yml and DynamoDB Local, with executions kept on disk the way
 * `npm start -- --persist` keeps them.
 */
let cloud: TestCloud;
let dir: string;
let store: FileExecutionStore;
let sfn: SFNClient;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sdp-sfn-'));
  store = new FileExecutionStore(dir);
  cloud = await startTestCloud({ sfnEndpoint: true, executionStore: store });
  sfn = new SFNClient({ endpoint: cloud.sfnEndpoint, region: cloud.config.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  sfn?.destroy();
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function newOrder(customerId: string): Promise<SagaInput> {
  const parsed = validateOrderRequest({ customerId, items: [{ productId: 'mouse', quantity: 1, price: 10 }] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const order = await createOrderWithOutboxEvent(parsed.order);
  return { eventId: `event-${order.orderId}`, orderId: order.orderId, customerId, items: order.items, totalCents: order.totalCents };
}

const orderStatus = async (orderId: string) =>
  (await cloud.documents.send(new GetCommand({ TableName: cloud.table('OrdersTable'), Key: { orderId }, ConsistentRead: true }))).Item?.status;

function record(index: number, status: ExecutionRecord['status'] = 'SUCCEEDED'): ExecutionRecord {
  const name = `fake-${String(index).padStart(5, '0')}`;
  return {
    executionArn: `${cloud.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
    stateMachineArn: cloud.stateMachineArn,
    name,
    input: '{}',
    startDate: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
    status,
    redriveCount: 0,
  };
}

describe('listings are paged like the Step Functions API', () => {
  it('returns maxResults per page with a nextToken, and every execution once over all pages (no 1,000 cap)', async () => {
    const memory = new MemoryExecutionStore();
    const service = new LocalStepFunctions(cloud.config, cloud.runtime, { store: memory });
    for (let i = 0; i < 1205; i++) memory.put(record(i));
    const server = await startStepFunctionsServer(service);
    const client = new SFNClient({ endpoint: server.endpoint, region: cloud.config.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const first = await client.send(new ListExecutionsCommand({ stateMachineArn: cloud.stateMachineArn, maxResults: 2 }));
      expect(first.executions?.map((e) => e.name)).toEqual(['fake-01204', 'fake-01203']);
      expect(first.nextToken).toBeDefined();
      const names: string[] = [];
      for await (const page of paginateListExecutions({ client, pageSize: 1000 }, { stateMachineArn: cloud.stateMachineArn })) {
        names.push(...(page.executions ?? []).map((e) => e.name as string));
      }
      expect(names).toHaveLength(1205);
      expect(new Set(names).size).toBe(1205);
      await expect(client.send(new ListExecutionsCommand({ stateMachineArn: cloud.stateMachineArn, nextToken: 'bm90LWEtdG9rZW4' }))).rejects.toMatchObject({
        name: 'InvalidToken',
      });
    } finally {
      client.destroy();
      await server.close();
    }
  });
});

describe('executions survive a restart with --persist', () => {
  it('lists the executions of the previous run after a restart, with their histories, and keeps STANDARD name semantics', async () => {
    const input = await newOrder('customer-persist');
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn, name: input.eventId, input: JSON.stringify(input) }),
    );
    await cloud.stepFunctions.idle();

    // A second process on the same folder: what `npm start -- --persist` does after a stop.
    const restarted = new LocalStepFunctions(cloud.config, cloud.runtime, { store: new FileExecutionStore(dir) });
    const listed = restarted.listExecutions(cloud.stateMachineArn).items.map((e) => e.executionArn);
    expect(listed).toContain(executionArn);
    expect(restarted.describeExecution(executionArn as string).status).toBe('SUCCEEDED');
    expect(restarted.getExecutionHistory(executionArn as string, { maxResults: 1000 }).items.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(() => restarted.startExecution({ stateMachineArn: cloud.stateMachineArn, name: input.eventId, input: '{"other":true}' })).toThrow(
      expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
    );
  });

  it('re-drives from the start, at the next start, an execution a crash left RUNNING, and the order reaches a terminal status', async () => {
    const input = await newOrder('customer-crash');
    // Exactly what kill -9 leaves on disk: the execution acknowledged and RUNNING, no end in its history.
    const crashed = { ...record(0, 'RUNNING'), name: input.eventId, input: JSON.stringify(input) };
    const arn = crashed.executionArn.replace(/fake-00000$/, input.eventId);
    store.put({ ...crashed, executionArn: arn });

    const restarted = new LocalStepFunctions(cloud.config, cloud.runtime, { store: new FileExecutionStore(dir), retryIntervalMs: 0 });
    const resumed = restarted.resumeInterrupted();
    expect(resumed.map((e) => e.executionArn)).toEqual([arn]);
    await restarted.idle();
    const after = restarted.describeExecution(arn);
    expect(after).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(after.history[0].type).toBe('ExecutionRedriven');
    expect(await orderStatus(input.orderId)).toBe('COMPLETED');
  });
});

describe('what re-driving needs, through the SDK', () => {
  it('stops a running execution (ABORTED), re-drives it (RUNNING again, redriveCount 1) and names its state machine', async () => {
    const service = new LocalStepFunctions(cloud.config, cloud.runtime, { store: new MemoryExecutionStore(), retryIntervalMs: 60_000 });
    const server = await startStepFunctionsServer(service);
    const client = new SFNClient({ endpoint: server.endpoint, region: cloud.config.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const input = await newOrder('customer-stop');
      // The first ReserveInventory attempt fails, and the 60 s retry wait holds the execution RUNNING for the test.
      process.env.FAULT_INJECTION = '{"reserveInventory":{"firstAttempts":1}}';
      const { executionArn } = await client.send(
        new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn, name: input.eventId, input: JSON.stringify(input) }),
      );
      await pollUntil(() => service.describeExecution(executionArn as string).history.some((e) => e.type === 'TaskFailed'), {
        description: 'the first attempt to fail',
      });
      const stopped = await client.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'test' }));
      expect(stopped.stopDate).toBeInstanceOf(Date);
      expect(await client.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'ABORTED', redriveStatus: 'REDRIVABLE' });
      await expect(
        client.send(new StartExecutionCommand({ stateMachineArn: cloud.stateMachineArn, name: input.eventId, input: JSON.stringify(input) })),
      ).rejects.toMatchObject({
        name: 'ExecutionAlreadyExists',
      });

      const redriven = await client.send(new RedriveExecutionCommand({ executionArn }));
      expect(redriven.redriveDate).toBeInstanceOf(Date);
      await pollUntil(async () => (await client.send(new DescribeExecutionCommand({ executionArn }))).status === 'SUCCEEDED', {
        description: 'the re-driven execution to succeed',
      });
      expect(await client.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE' });
      await expect(client.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });

      const machine = await client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
      expect(machine.stateMachineArn).toBe(cloud.stateMachineArn);
      expect(JSON.parse(machine.definition as string).States).toHaveProperty('ReserveInventory');

      const history = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 3 }));
      expect(history.events).toHaveLength(3);
      expect(history.nextToken).toBeDefined();
      expect(history.events?.[0].type).toBe('ExecutionStarted');
    } finally {
      process.env.FAULT_INJECTION = '';
      client.destroy();
      await server.close();
    }
  });

  it('drains at a stop: running executions finish, new ones are refused with a retryable error', async () => {
    const service = new LocalStepFunctions(cloud.config, cloud.runtime, { store: new MemoryExecutionStore(), retryIntervalMs: 0 });
    const input = await newOrder('customer-drain');
    const execution = service.startExecution({ stateMachineArn: cloud.stateMachineArn, name: input.eventId, input: JSON.stringify(input) });
    const drained = await service.drain(30_000);
    expect(drained).toEqual({ finished: 1, interrupted: 0 });
    expect(execution.status).toBe('SUCCEEDED');
    expect(() => service.startExecution({ stateMachineArn: cloud.stateMachineArn, name: 'after-stop', input: '{}' })).toThrow(
      expect.objectContaining({ name: 'ServiceUnavailable' }),
    );
  });
});
