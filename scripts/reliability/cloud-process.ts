import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../local-cloud/local-cloud';
import { pollUntil } from '../local-cloud/poll';
import { assertPortFree, freePort } from '../local-cloud/ports';
import { ownEngineEnvironment } from '../test-support/own-engine-env';
import { startPortArgs } from '../local-cloud/own-ports';

/**
 * `npm start` as a separate process, so it can be killed with SIGKILL (a
 * crash nobody can catch) or stopped with SIGINT (Ctrl-C). Node runs
 * start.ts with tsx as a loader, in one process: a SIGKILL then reaches the
 * local cloud itself, not a wrapper (DynamoDB Local's watchdog stops Java).
 */
class ExitedBeforeReadyError extends Error {
  constructor(code: number | null) {
    super(`it exited with code ${code}`);
    this.name = 'ExitedBeforeReadyError';
  }
}

export interface CloudProcess {
  readonly apiUrl: string;
  readonly ports: { readonly api: number; readonly sfn: number; readonly dynamodb: number };
  output(): string;
  /** The process's resident memory in MB (Linux /proc; undefined elsewhere). */
  rssMb(): number | undefined;
  /** kill -9, then wait until every port is free again. */
  crash(): Promise<void>;
  /** Ctrl-C, then wait for the process to exit. */
  interrupt(): Promise<number | null>;
}

export interface CloudProcessOptions {
  readonly persistDir: string;
  readonly ports?: { readonly api: number; readonly sfn: number; readonly dynamodb: number };
  readonly environment?: Record<string, string>;
  readonly extraArgs?: readonly string[];
}

export async function ephemeralPorts() {
  return { api: await freePort(), sfn: await freePort(), dynamodb: await freePort() };
}

async function portsFree(ports: CloudProcess['ports']): Promise<void> {
  await pollUntil(
    async () => {
      for (const port of [ports.api, ports.sfn, ports.dynamodb]) await assertPortFree(port, 'a port');
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 200, description: 'the local cloud ports to be free' },
  );
}

export async function startCloudProcess(options: CloudProcessOptions): Promise<CloudProcess> {
  const ports = options.ports ?? (await ephemeralPorts());
  const args = [
    '--import',
    'tsx',
    path.join(REPO_ROOT, 'scripts', 'local-cloud', 'start.ts'),
    '--persist',
    options.persistDir,
    // The dashboard runs as in a learner's npm start (the memory figure includes it), on a fresh
    // free port each start: its fixed default would make two suites, or a suite and a learner's npm start, collide.
    ...startPortArgs({ ...ports, dashboard: await freePort() }),
    ...(options.extraArgs ?? []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: ownEngineEnvironment(process.env, { NO_COLOR: '1', ...options.environment }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  try {
    // Polled with a deadline; a process that exits (a usage error, a port in use) fails at once, not after the whole wait.
    const deadline = Date.now() + 60_000;
    while (!output.includes('Local cloud ready')) {
      if (gone !== undefined) throw new ExitedBeforeReadyError(gone);
      if (Date.now() > deadline) throw new Error('not ready after 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`npm start did not get ready: ${(error as Error).message}\n${output.slice(-2000)}`);
  }
  return {
    apiUrl: `http://localhost:${ports.api}`,
    ports,
    output: () => output,
    rssMb: () => {
      try {
        const kb = readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)?.[1];
        return kb === undefined ? undefined : Number(kb) / 1024;
      } catch {
        return undefined;
      }
    },
    async crash() {
      child.kill('SIGKILL');
      await exited;
      await portsFree(ports);
    },
    async interrupt() {
      child.kill('SIGINT');
      const code = await exited;
      await portsFree(ports);
      return code;
    },
  };
}
