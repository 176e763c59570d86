import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeVariant } from '../labs/lab-tree';
import { loadLabs } from '../labs/manifest';
import { REPO_ROOT } from './local-cloud';
import { pollUntil } from './poll';
import { ownEngineEnvironment } from '../test-support/own-engine-env';
import { freeStartPorts, startPortArgs } from './own-ports';
import { npmScriptCommand } from '../test-support/npm-script';

/**
 * `npm start -- --lab N` runs the learner's lab files over solution/src in
 * the whole local cloud: unfinished, it says which TODO is missing; finished,
 * it is the whole working system and ./test-api.sh passes against it.
 * Real processes end to end (tsx, DynamoDB Local, the HTTP API), as a
 * learner runs them; the finished lab is lab 1's files with every TODO solved
 * the way verify:labs solves them, written to a temporary folder (the
 * repository is never edited).
 */
const START_COMMAND = npmScriptCommand('start');
const lab1 = loadLabs()[0];
const ORDER = { customerId: 'customer-123', items: [{ productId: 'laptop', quantity: 1, price: 1299.99 }] };

interface Running {
  readonly child: ChildProcess;
  readonly api: string;
  output(): string;
}

async function start(args: string[]): Promise<Running> {
  const ports = await freeStartPorts();
  const child = spawn(START_COMMAND.command, [...START_COMMAND.args, ...args, ...startPortArgs(ports)], {
    cwd: REPO_ROOT,
    env: ownEngineEnvironment(process.env, { NO_COLOR: '1' }),
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await pollUntil(() => output.includes('Local cloud ready') || child.exitCode !== null, {
    timeoutMs: 45_000,
    intervalMs: 100,
    description: 'npm start to be ready',
  });
  if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
  return { child, api: `http://127.0.0.1:${ports.api}`, output: () => output };
}

/** SIGINT, as Ctrl-C: start.ts stops DynamoDB Local with itself. */
async function stop(running: Running | undefined): Promise<void> {
  if (!running || running.child.exitCode !== null) return;
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGINT');
  await exited;
}

const postOrder = (api: string) =>
  fetch(`${api}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-idempotency-key': 'lab-mode-test' },
    body: JSON.stringify(ORDER),
  });

describe('npm start -- --lab N', () => {
  let running: Running | undefined;
  let workDir: string | undefined;

  afterEach(async () => {
    await stop(running);
    running = undefined;
  });
  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("runs lab 1's unfinished starter: the banner names the lab's files, and POST /orders answers 501 naming lab 1's TODO", async () => {
    running = await start(['--lab', '1']);
    expect(running.output()).toContain('Code: YOUR lab 1 (Transactional outbox)');
    for (const file of lab1.edit) expect(running.output()).toContain(`${lab1.folder}/${file}`);

    const response = await postOrder(running.api);
    expect(response.status).toBe(501);
    expect(await response.json()).toEqual({ error: 'NotImplemented', message: expect.stringMatching(/^Not implemented: lab 1, step \d+ — /) });
    await pollUntil(() => /POST \/orders → 501 NotImplemented: Not implemented: lab 1, step/.test(running?.output() ?? ''), {
      timeoutMs: 5_000,
      description: 'the hop log to show the 501',
    });
  }, 90_000);

  it("runs lab 4's unfinished starter: the saga step that reaches a TODO fails naming it, and the order records that failure, never COMPLETED", async () => {
    running = await start(['--lab', '4']);
    const created = await postOrder(running.api);
    expect(created.status).toBe(201);
    const { orderId } = (await created.json()) as { orderId: string };
    let order: { status?: string; failureReason?: string } = {};
    await pollUntil(
      async () => {
        order = (await (await fetch(`${running?.api}/orders/${orderId}`)).json()) as typeof order;
        return order.failureReason !== undefined || order.status === 'COMPLETED';
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'the saga to fail' },
    );
    // The compensations are lab 4 TODOs too (steps 3 and 4), so the order stays COMPENSATING.
    expect(order).toMatchObject({ status: 'COMPENSATING', failureReason: expect.stringContaining('Not implemented: lab 4, step 1') });
    expect(running.output()).toMatch(/ReserveInventory failed: NotImplementedError: Not implemented: lab 4, step 1/);
  }, 90_000);

  it("runs lab 1's files once finished over the rest of the solution: ./test-api.sh passes, orders complete end to end", async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'sdp-lab-mode-'));
    const finished = path.join(workDir, 'lab-1-finished');
    writeVariant(lab1, new Set([1, 2, 3]), finished);
    // The finished files live outside the repository; this link lets their imports find the packages.
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(finished, 'node_modules'), 'dir');
    running = await start(['--lab', '1', '--code-root', finished]);
    expect(running.output()).toContain(path.join(finished, 'src', 'lib', 'orders.ts'));

    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(path.join(REPO_ROOT, 'test-api.sh'), [running?.api ?? ''], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
    expect({ code: result.code, failed: result.stdout.split('\n').filter((line) => line.includes('✘')) }).toEqual({ code: 0, failed: [] });
    expect(running.output()).not.toContain('Not implemented');
  }, 150_000);
});
