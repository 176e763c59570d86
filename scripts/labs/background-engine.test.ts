import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pollUntil } from '../local-cloud/poll';
import {
  type EngineFiles,
  acquireBackgroundEngine,
  backgroundEngineStatus,
  commandLineOf,
  engineFiles,
  readEngineState,
  stopBackgroundEngine,
} from './background-engine';
import { startSharedDynamoDb } from './dynamodb';

/**
 * check:lab's background DynamoDB Local, on the real engine: found again by
 * the next check, never re-used when it is not the engine this checkout
 * would start, stopped when idle or asked, its port freed. Each test keeps
 * its state in a folder of its own, apart from a learner's engine.
 */
jest.setTimeout(90_000);

let files: EngineFiles;
beforeEach(() => {
  files = engineFiles(mkdtempSync(path.join(os.tmpdir(), 'engine-test-')));
});
afterEach(async () => {
  await stopBackgroundEngine(files);
  rmSync(files.dir, { recursive: true, force: true });
});

const running = (pid: number) => commandLineOf(pid)?.includes('DynamoDBLocal') ?? false;
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

describe('the background DynamoDB Local of check:lab', () => {
  it('is found again by the next check instead of starting another', async () => {
    const first = await acquireBackgroundEngine({ files });
    await first.ready;
    const second = await acquireBackgroundEngine({ files });

    expect(first.started).toBe(true);
    expect(second.started).toBe(false);
    expect(second.endpoint).toBe(first.endpoint);
    expect(await second.ready).toBe(first.endpoint);
    expect(backgroundEngineStatus(files)).toMatchObject({ running: true, state: { port: first.state.port, enginePid: first.state.enginePid } });
  });

  it('stops itself after the idle time without checks, and frees its port', async () => {
    const engine = await acquireBackgroundEngine({ files, idleMs: 3000, checkEveryMs: 100 });
    engine.ready.catch(() => undefined); // it may well stop before it answers on a busy machine: idle is idle

    await pollUntil(() => !running(engine.state.enginePid), { timeoutMs: 30_000, intervalMs: 50, description: 'the idle engine to stop' });
    expect(readEngineState(files)).toBeUndefined();
    await pollUntil(() => portFree(engine.state.port), { timeoutMs: 5000, intervalMs: 50, description: 'its port to be free' });
  });

  it('stops at once with engine:stop, and frees its port', async () => {
    const engine = await acquireBackgroundEngine({ files });
    await engine.ready;

    expect(await stopBackgroundEngine(files)).toBe(true);

    expect(running(engine.state.enginePid)).toBe(false);
    expect(backgroundEngineStatus(files)).toBeUndefined();
    await pollUntil(() => portFree(engine.state.port), { timeoutMs: 5000, intervalMs: 50, description: 'its port to be free' });
    expect(await stopBackgroundEngine(files)).toBe(false);
  });

  it('is replaced when it is not the engine this checkout would start (another version), the old one stopped', async () => {
    const old = await acquireBackgroundEngine({ files });
    await old.ready;
    const state = JSON.parse(readFileSync(files.state, 'utf8'));
    writeFileSync(files.state, JSON.stringify({ ...state, version: 'dynamodb_local_1999-01-01|old' }));

    const fresh = await acquireBackgroundEngine({ files });
    await fresh.ready;

    expect(fresh.started).toBe(true);
    expect(fresh.state.enginePid).not.toBe(old.state.enginePid);
    expect(running(old.state.enginePid)).toBe(false);
  });

  it('is started afresh when the state file names processes that are not ours, which are left alone', async () => {
    // A pid that is certainly alive and certainly not DynamoDB Local: this very process.
    writeFileSync(
      files.state,
      JSON.stringify({
        supervisorPid: process.pid,
        enginePid: process.pid,
        port: 1,
        startedAt: new Date(0).toISOString(),
        version: 'x',
        idleMs: 1000,
        logFile: files.log,
      }),
    );

    const engine = await acquireBackgroundEngine({ files });

    expect(engine.started).toBe(true);
    expect(await engine.ready).toBe(engine.endpoint);
  });
});

describe('the Docker route (SDP_DYNAMODB_ENDPOINT)', () => {
  it('is used as it is: check:lab starts no engine of its own', async () => {
    const before = process.env.SDP_DYNAMODB_ENDPOINT;
    process.env.SDP_DYNAMODB_ENDPOINT = 'http://127.0.0.1:8000';
    try {
      const db = startSharedDynamoDb({ background: true });
      expect(await db.launched).toBe('http://127.0.0.1:8000');
      expect(await db.ready).toBe('http://127.0.0.1:8000');
      expect(await db.notice?.()).toBeUndefined();
      await db.stop();
    } finally {
      if (before === undefined) delete process.env.SDP_DYNAMODB_ENDPOINT;
      else process.env.SDP_DYNAMODB_ENDPOINT = before;
    }
  });
});
