import { execFile } from 'node:child_process';
import path from 'node:path';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { HopLog } from '../../scripts/local-cloud/hop-log';
import { type LocalCloud, REPO_ROOT } from '../../scripts/local-cloud/local-cloud';
import { type InProcessCloud, startInProcessCloud } from '../../scripts/test-support/in-process-cloud';
import { pollUntil } from '../../scripts/local-cloud/poll';

/**
 * The local cloud end to end, as `npm start` builds it from serverless.yml:
 * the API over HTTP, the transactional outbox, the stream poller, the relay,
 * and the saga on the local Step Functions endpoint, read back with the real
 * AWS SDK. It shares the test run's DynamoDB Local (its own stage, its own
 * tables); retry waits are zero so nothing sleeps.
 */
let cloud: LocalCloud;
let sfn: SFNClient;
let running: InProcessCloud | undefined;
/** The hop log `npm start` prints, captured. */
const logLines: string[] = [];

beforeAll(async () => {
  running = await startInProcessCloud('e2e', { log: new HopLog({ write: (line) => logLines.push(line) }) });
  cloud = running.cloud;
  sfn = new SFNClient({ endpoint: cloud.sfnEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  sfn?.destroy();
  await running?.stop();
});

function runTestApi(url: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // Asynchronous on purpose: this process serves the API the script calls.
    execFile(
      'bash',
      [path.join(REPO_ROOT, 'test-api.sh'), url],
      { env: { ...process.env, NO_COLOR: '1', SAGA_TIMEOUT_SECONDS: '20' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${cloud.apiUrl}/orders`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('npm start: the local cloud end to end', () => {
  // test-api.sh is a bash script: native Windows has no bash (WSL 2 has).
  const bashOnly = process.platform === 'win32' ? it.skip : it;
  bashOnly(
    'passes every check of test-api.sh over HTTP (needs bash; skipped on native Windows)',
    async () => {
      const { code, output } = await runTestApi(cloud.apiUrl);

      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('All 10 checks passed.') });
      expect(output).not.toContain('✘');
    },
    60_000,
  );

  it('answers an unknown route with 404, a wrong method with 405 and a malformed body with 400, and keeps serving', async () => {
    const unknown = await fetch(`${cloud.apiUrl}/customers/42`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'NotFound' });

    const wrongMethod = await fetch(`${cloud.apiUrl}/orders/42`, { method: 'PUT' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');

    const malformed = await post('{"customerId": "c", "items": [');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'ValidationError' });

    const created = await post(JSON.stringify({ customerId: 'still-serving', items: [{ productId: 'keyboard', quantity: 1, price: 49.99 }] }));
    expect(created.status).toBe(201);
  });
});

describe('the log of npm start', () => {
  it('prints one line per hop, each with the order id: request, outbox, relay, every saga step, terminal status', async () => {
    const response = await post(JSON.stringify({ customerId: 'customer-123', items: [{ productId: 'laptop', quantity: 1, price: 1299.99 }] }));
    const { orderId } = (await response.json()) as { orderId: string };
    const linesOf = () => logLines.filter((line) => line.includes(`order ${orderId}`));

    await pollUntil(() => linesOf().some((line) => line.includes('✔ order COMPLETED')), { timeoutMs: 15_000, description: `order ${orderId} to complete` });

    const hops = linesOf().map((line) =>
      line
        .replace(/^\S+\s+/, '')
        .replace(`order ${orderId}`, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(hops).toEqual(
      expect.arrayContaining([
        'api POST /orders → 201: order PENDING + ORDER_CREATED outbox event, written in one transaction',
        expect.stringMatching(/^stream INSERT of outbox event \S+ → outboxRelay \(batch of \d+\)$/),
        expect.stringMatching(/^relay saga started: execution \S+$/),
        'saga ReserveInventory entered',
        'saga ReserveInventory succeeded',
        'saga ProcessPayment succeeded',
        'saga SendNotification succeeded',
        'saga CompleteOrder succeeded',
        'saga ✔ order COMPLETED',
      ]),
    );
    expect(hops.findIndex((hop) => hop.startsWith('api'))).toBeLessThan(hops.findIndex((hop) => hop.startsWith('relay')));
  });
});

describe('the local Step Functions endpoint, through @aws-sdk/client-sfn', () => {
  const stateEvents = (events: HistoryEvent[]) =>
    events
      .filter((e) => e.type?.endsWith('StateEntered') || e.type?.endsWith('StateExited'))
      .map((e) => `${e.type?.endsWith('Entered') ? 'entered' : 'exited'} ${(e.stateEnteredEventDetails ?? e.stateExitedEventDetails)?.name}`);

  it('lists and describes the state machine and its executions, and shows a compensation step by step in the history', async () => {
    const response = await post(JSON.stringify({ customerId: 'history-reader', items: [{ productId: 'sold-out-item', quantity: 1, price: 5 }] }));
    const { orderId } = (await response.json()) as { orderId: string };
    const [stateMachineArn] = cloud.stateMachineArns;

    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines.map((m) => m.stateMachineArn)).toContain(stateMachineArn);
    expect(await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).toMatchObject({ type: 'STANDARD', status: 'ACTIVE' });

    // The relay names the execution after the outbox event; find it by the order in its input.
    const execution = await pollUntil(
      async () => {
        const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
        for (const summary of executions) {
          const described = await sfn.send(new DescribeExecutionCommand({ executionArn: summary.executionArn }));
          if (JSON.parse(described.input ?? '{}').orderId === orderId && described.status !== 'RUNNING') return described;
        }
        return undefined;
      },
      { timeoutMs: 15_000, description: `the saga of order ${orderId} to finish` },
    );
    // A business failure is an outcome, not a broken execution: SUCCEEDED, with a FAILED result.
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}').outcome).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/Out of stock/) });

    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn }));
    expect(events[0].type).toBe('ExecutionStarted');
    expect(events[events.length - 1].type).toBe('ExecutionSucceeded');
    expect(events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({ error: 'OutOfStockError' });
    expect(stateEvents(events)).toEqual([
      'entered ReserveInventory',
      'exited ReserveInventory',
      'entered BeginCompensation',
      'exited BeginCompensation',
      'entered RefundPayment',
      'exited RefundPayment',
      'entered ReleaseInventory',
      'exited ReleaseInventory',
      'entered MarkOrderFailed',
      'exited MarkOrderFailed',
      'entered PublishOrderFailed',
      'exited PublishOrderFailed',
      'entered OrderFailed',
      'exited OrderFailed',
    ]);
    // The hop log tells the order's real outcome, not the execution's status.
    await pollUntil(() => logLines.some((line) => line.includes(`order ${orderId}`) && line.includes('✘ order FAILED: Out of stock')), {
      timeoutMs: 5_000,
      description: 'the hop log to report the order FAILED',
    });
    expect(logLines.filter((line) => line.includes(`order ${orderId}`) && line.includes('order COMPLETED'))).toEqual([]);
  });
});
