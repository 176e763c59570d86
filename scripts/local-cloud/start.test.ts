import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../cli-args';
import { REPO_ROOT } from './local-cloud';
import { WATCHDOG_MARKER } from './orphan-guard';
import { pollUntil } from './poll';
import { freePort } from './ports';
import { parseStartArgs } from './start-args';
import { ownEngineEnvironment } from '../test-support/own-engine-env';
import { freeStartPorts, startPortArgs } from './own-ports';
import { npmScriptCommand } from '../test-support/npm-script';

/**
 * `npm start` as a learner meets it: clear messages instead of stack traces
 * when something is in the way, and Ctrl-C leaving nothing running.
 */
const START_COMMAND = npmScriptCommand('start');

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs start.ts the way npm does (through tsx), without npm's own noise. */
function runStart(args: string[], env: NodeJS.ProcessEnv = ownEngineEnvironment()): Promise<Finished> {
  return new Promise((resolve) => {
    // No dashboard: these runs are about the other ports, and 3001 may be taken by someone's npm start.
    const child = spawn(START_COMMAND.command, [...START_COMMAND.args, ...args, '--no-dashboard'], { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe('npm start arguments', () => {
  it('accepts the documented options', () => {
    expect(parseStartArgs(['--api-port', '3100', '--persist', 'data', '--verbose'])).toMatchObject({
      apiPort: 3100,
      sfnPort: 8083,
      dynamodbPort: 8000,
      persistDir: 'data',
      verbose: true,
      retryWaitMs: 200,
    });
    expect(parseStartArgs(['--real-retry-waits']).retryWaitMs).toBeUndefined();
  });

  it('refuses a bad value, an unknown option or clashing ports with a UsageError saying what is wrong', () => {
    expect(() => parseStartArgs(['--api-port', 'abc'])).toThrow(new UsageError('--api-port must be a whole number from 1 to 65535, got "abc"'));
    expect(() => parseStartArgs(['--port', '1'])).toThrow(/Unknown option --port \(known: --api-port/);
    expect(() => parseStartArgs(['--api-port', '8000'])).toThrow(/must differ/);
    expect(() => parseStartArgs(['--stage', 'Prod!'])).toThrow(UsageError);
  });

  it("--lab N runs that lab's folder over solution/src; --code-root names another folder; an unknown lab is refused", () => {
    expect(parseStartArgs(['--lab', '2'])).toMatchObject({ lab: { id: 2 }, codeRoot: 'labs/02-streams-relay' });
    expect(parseStartArgs(['--lab', '1', '--code-root', '/tmp/finished'])).toMatchObject({ lab: { id: 1 }, codeRoot: '/tmp/finished' });
    expect(parseStartArgs([]).codeRoot).toBeUndefined();
    expect(() => parseStartArgs(['--lab', '9'])).toThrow(new UsageError('--lab must be one of 1, 2, 3, 4 (labs/labs.json), got "9"'));
  });
});

describe('npm start when something is in the way', () => {
  let tempDir: string;
  let busy: net.Server;
  let alsoBusy: net.Server;
  let ports: { api: number; sfn: number; dynamodb: number; busy: number };
  let runs: Record<'usage' | 'busyPort' | 'invalidYaml' | 'noJava', Promise<Finished>>;

  beforeAll(async () => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'sdp-start-'));
    ports = { api: await freePort(), sfn: await freePort(), dynamodb: await freePort(), busy: await freePort() };
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(ports.busy, '127.0.0.1', resolve));
    // The port after the busy one is busy too, and the one after that is the same command's Step Functions port:
    // the hint must suggest neither.
    alsoBusy = net.createServer();
    await new Promise<void>((resolve, reject) => alsoBusy.once('error', reject).listen(ports.busy + 1, '127.0.0.1', resolve));
    const invalidYaml = path.join(tempDir, 'serverless.yml');
    writeFileSync(invalidYaml, 'service: broken\nfunctions: [\n  nope\n');
    const freePorts = ['--api-port', String(ports.api), '--sfn-port', String(ports.sfn), '--dynamodb-port', String(ports.dynamodb)];
    // Independent runs, started together: each is a few seconds of tsx start-up.
    runs = {
      usage: runStart(['--api-port', 'abc']),
      busyPort: runStart(['--api-port', String(ports.busy), '--sfn-port', String(ports.busy + 2), '--dynamodb-port', String(ports.dynamodb)]),
      invalidYaml: runStart([...freePorts, '--config', invalidYaml]),
      // A PATH with no java on it (node itself is run by absolute path).
      noJava: runStart(freePorts, ownEngineEnvironment(process.env, { PATH: tempDir })),
    };
  });
  afterAll(async () => {
    await Promise.all(Object.values(runs ?? {}));
    await new Promise((resolve) => busy?.close(resolve));
    await new Promise((resolve) => alsoBusy?.close(resolve));
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('explains a bad argument and exits 2', async () => {
    const { code, stderr } = await runs.usage;
    expect(code).toBe(2);
    expect(stderr).toContain('npm start: --api-port must be a whole number');
    expect(stderr).toContain('npm start -- --help');
    expect(stderr).not.toMatch(STACK_LINE);
  }, 30_000);

  it('explains a busy port and suggests one that is free and not used by the same command, exiting 1 without starting anything', async () => {
    const { code, stderr, stdout } = await runs.busyPort;
    expect(code).toBe(1);
    expect(stderr).toContain(`Port ${ports.busy} (the API) is already in use`);
    const suggested = Number(stderr.match(/npm start -- --api-port (\d+)/)?.[1]);
    expect(suggested).toBeGreaterThan(ports.busy + 2);
    expect(suggested).not.toBe(ports.dynamodb);
    expect(stderr).not.toMatch(STACK_LINE);
    expect(stdout).not.toContain('Local cloud ready');
  }, 30_000);

  it('explains an invalid serverless.yml and exits 1', async () => {
    const { code, stderr } = await runs.invalidYaml;
    expect(code).toBe(1);
    expect(stderr).toMatch(/serverless\.yml is not valid YAML/);
    expect(stderr).toContain('Fix the file and run npm start again');
    expect(stderr).not.toMatch(STACK_LINE);
  }, 30_000);

  it('explains how to install Java when it is missing, and exits 1', async () => {
    const { code, stderr } = await runs.noJava;
    expect(code).toBe(1);
    expect(stderr).toContain('DynamoDB Local needs Java 17 or newer');
    expect(stderr).toContain('openjdk-17-jdk-headless');
    expect(stderr).not.toMatch(STACK_LINE);
  }, 30_000);
});

interface ProcessInfo {
  readonly pid: number;
  readonly groupId: number;
  readonly args: string;
}

/** Every process on the machine: from /proc on Linux (slim CI images may lack `ps`), else from `ps`. */
function processes(): ProcessInfo[] {
  if (existsSync('/proc/self/stat')) {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .flatMap((pid) => {
        try {
          // stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces, so split after its ')'.
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
          return [{ pid: Number(pid), groupId: Number(fields[2]), args }];
        } catch {
          return []; // exited while we looked
        }
      });
  }
  return execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [pid, groupId, ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), groupId: Number(groupId), args: args.join(' ') };
    });
}

const processesInGroup = (groupId: number) => processes().filter((p) => p.groupId === groupId && p.args !== '');
const javaOnPort = (port: number) => processes().filter((p) => p.args.includes('DynamoDBLocal.jar') && p.args.includes(`-port ${port} `));

// Process groups, negative-pid signals and SIGINT-as-Ctrl-C are Unix; Windows has none of them (use WSL 2).
const unixOnly = process.platform === 'win32' ? describe.skip : describe;

unixOnly('npm start and Ctrl-C (Unix process groups and signals; skipped on native Windows)', () => {
  let npm: ChildProcess | undefined;

  afterAll(() => {
    // Only if the test failed half-way: never leave our own process group behind.
    if (npm?.pid && processesInGroup(npm.pid).length > 0) process.kill(-npm.pid, 'SIGKILL');
  });

  it('serves the API within 30 s, and SIGINT to the whole npm start process tree (what Ctrl-C sends) leaves no process and no java behind', async () => {
    const ports = await freeStartPorts();
    // Its own process group, like a terminal's foreground job, so the signal reaches the tree as Ctrl-C would.
    npm = spawn('npm', ['start', '--', ...startPortArgs(ports)], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: ownEngineEnvironment(process.env, { NO_COLOR: '1' }),
    });
    const groupId = npm.pid as number;
    let output = '';
    npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm?.on('exit', (code) => resolve(code)));

    await pollUntil(() => output.includes('Local cloud ready'), {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: `npm start to be ready; output so far:\n${output}`,
    });
    const response = await fetch(`http://127.0.0.1:${ports.api}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'customer-123', items: [{ productId: 'laptop', quantity: 1, price: 1299.99 }] }),
    });
    expect(response.status).toBe(201);
    const [java] = javaOnPort(ports.dynamodb);
    expect(java).toBeDefined();
    expect(output).not.toContain('NodeVersionSupportWarning');
    const guard = () => processes().filter((p) => p.args.includes(`${java.pid} ${WATCHDOG_MARKER}`));
    expect(guard()).toHaveLength(1);

    process.kill(-groupId, 'SIGINT');

    await exited;
    await pollUntil(() => processesInGroup(groupId).length === 0 && javaOnPort(ports.dynamodb).length === 0 && guard().length === 0, {
      timeoutMs: 10_000,
      description: 'every process of npm start (and the guard of its java) to exit',
    });
  }, 60_000);
});
