import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dynamoDbLocalDir, loopbackCommand, loopbackLauncher } from '../local-cloud/dynamodb-loopback';
import { listTables } from '../local-cloud/dynamodb-probe';
import { QUICK_START } from '../local-cloud/dynamodb-quick-start';
import { freePort } from '../local-cloud/ports';
import { pollUntil } from '../local-cloud/poll';

/**
 * check:lab's DynamoDB Local, kept running between checks. Starting the
 * Java engine costs about two seconds, the largest share of a check; a
 * learner checks dozens of times per lab. So the first check starts the
 * engine in the background (detached, under engine-supervisor.cjs) and the
 * next checks find it again through a small state file.
 *
 * What keeps this honest:
 * - an engine is used only if its state file is whole, its processes are
 *   ours (by command line, not just by pid, since pids are reused), its
 *   version (the engine's jar, the launcher, the start-up settings) is this
 *   checkout's, and it answers; otherwise it is stopped and a fresh one
 *   starts;
 * - it listens on 127.0.0.1 only (the launcher): a background engine is
 *   never started without it;
 * - it stops itself after `idleMs` without a check (default 30 min), and
 *   `npm run engine:stop` stops it at once; `npm run doctor` shows it;
 * - it holds only data (each test file makes its own tables and deletes
 *   them), never code: results always come from the code as saved.
 */
export interface EngineState {
  readonly supervisorPid: number;
  readonly enginePid: number;
  readonly port: number;
  readonly startedAt: string;
  readonly version: string;
  readonly idleMs: number;
  readonly logFile: string;
}

export interface EngineFiles {
  readonly dir: string;
  readonly state: string;
  readonly activity: string;
  readonly lock: string;
  readonly log: string;
}

export const DEFAULT_ENGINE_DIR = path.resolve(__dirname, '../../node_modules/.cache/sdp-background-engine');
export const DEFAULT_IDLE_MS = 30 * 60_000;
/** More tables than this are leftovers of interrupted runs: start afresh rather than grow. */
const MAX_TABLES = 100;
const SUPERVISOR = path.join(__dirname, 'engine-supervisor.cjs');

export function engineFiles(dir = DEFAULT_ENGINE_DIR): EngineFiles {
  return {
    dir,
    state: path.join(dir, 'engine.json'),
    activity: path.join(dir, 'last-check'),
    lock: path.join(dir, 'engine.lock'),
    log: path.join(dir, 'engine.log'),
  };
}

export class EngineLockTimeoutError extends Error {
  constructor(lock: string) {
    super(`Another check holds ${lock} for too long; if none is running, delete the file`);
    this.name = 'EngineLockTimeoutError';
  }
}

/** The command line of a live process, or undefined (gone, or not visible). */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    if (process.platform === 'linux') return undefined;
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout.trim() : undefined;
  }
}

const isSupervisor = (state: EngineState) => commandLineOf(state.supervisorPid)?.includes('engine-supervisor') ?? false;
const isEngine = (state: EngineState) => {
  const line = commandLineOf(state.enginePid);
  return line !== undefined && line.includes('DynamoDBLocal') && line.includes(`-port ${state.port}`);
};

export function readEngineState(files = engineFiles()): EngineState | undefined {
  try {
    const state = JSON.parse(readFileSync(files.state, 'utf8')) as Partial<EngineState>;
    const whole = [state.supervisorPid, state.enginePid, state.port, state.idleMs].every((n) => typeof n === 'number') && typeof state.version === 'string';
    return whole ? (state as EngineState) : undefined;
  } catch {
    return undefined;
  }
}

/** What an engine started now would be: a different one is never re-used. */
export function engineVersion(classDir: string): string {
  return [path.basename(dynamoDbLocalDir()), path.basename(classDir), JSON.stringify(QUICK_START), 'supervisor-1'].join('|');
}

async function withLock<T>(files: EngineFiles, work: () => Promise<T>): Promise<T> {
  mkdirSync(files.dir, { recursive: true });
  await pollUntil(
    () => {
      try {
        writeFileSync(files.lock, String(process.pid), { flag: 'wx' });
        return true;
      } catch {
        const holder = Number(readFileSync(files.lock, { encoding: 'utf8', flag: 'a+' }));
        if (!holder || commandLineOf(holder) === undefined) rmSync(files.lock, { force: true }); // its holder died
        return false;
      }
    },
    { timeoutMs: 15_000, intervalMs: 15, description: 'the background engine lock' },
  ).catch(() => {
    throw new EngineLockTimeoutError(files.lock);
  });
  try {
    return await work();
  } finally {
    rmSync(files.lock, { force: true });
  }
}

const touch = (files: EngineFiles) => {
  const now = new Date();
  try {
    utimesSync(files.activity, now, now);
  } catch {
    writeFileSync(files.activity, now.toISOString());
  }
};

/** Answers, and is not cluttered with leftovers? One quick request. */
async function usable(endpoint: string, timeoutMs: number): Promise<boolean> {
  try {
    return !(await listTables(endpoint, { limit: MAX_TABLES, timeoutMs })).more;
  } catch {
    return false;
  }
}

/** Stops the engine the state names (only processes proven ours) and forgets it. */
async function stopNamed(state: EngineState | undefined, files: EngineFiles): Promise<boolean> {
  rmSync(files.state, { force: true });
  if (!state) return false;
  let stopped = false;
  if (isSupervisor(state)) {
    process.kill(state.supervisorPid, 'SIGTERM'); // it stops the engine and exits
    stopped = true;
  }
  if (isEngine(state)) {
    stopped = true;
    await pollUntil(() => !isEngine(state), { timeoutMs: 4000, intervalMs: 25, description: 'DynamoDB Local to stop' }).catch(() => {
      if (isEngine(state)) process.kill(state.enginePid, 'SIGKILL');
    });
  }
  return stopped;
}

export interface AcquiredEngine {
  readonly endpoint: string;
  /** Resolves once it answers (at once for an engine found again). */
  readonly ready: Promise<string>;
  /** True when this call started it (the first check, or after a stop). */
  readonly started: boolean;
  readonly state: EngineState;
}

export interface AcquireOptions {
  readonly files?: EngineFiles;
  readonly idleMs?: number;
  /** How often the supervisor looks at the idle time (default a tenth of idleMs, at most a minute). */
  readonly checkEveryMs?: number;
  readonly readyTimeoutMs?: number;
}

export class NoBackgroundEngineError extends Error {
  constructor(reason: string) {
    super(`No background DynamoDB Local: ${reason}`);
    this.name = 'NoBackgroundEngineError';
  }
}

function idleFromEnvironment(): number {
  const minutes = Number(process.env.SDP_ENGINE_IDLE_MINUTES);
  return Number.isFinite(minutes) && minutes > 0 ? minutes * 60_000 : DEFAULT_IDLE_MS;
}

/** Finds the background engine again, or starts one. Throws NoBackgroundEngineError where it must not run. */
export async function acquireBackgroundEngine(options: AcquireOptions = {}): Promise<AcquiredEngine> {
  const files = options.files ?? engineFiles();
  if (process.platform === 'win32') throw new NoBackgroundEngineError('not on Windows (use WSL 2)');
  const launcher = loopbackLauncher();
  if (!launcher.ok) throw new NoBackgroundEngineError(`the 127.0.0.1 launcher cannot be built (${launcher.reason})`);
  const version = engineVersion(launcher.classDir);
  const idleMs = options.idleMs ?? idleFromEnvironment();
  return withLock(files, async () => {
    touch(files); // under the lock: the supervisor cannot decide it is idle now
    const found = readEngineState(files);
    if (found && found.version === version && isSupervisor(found) && isEngine(found)) {
      const endpoint = `http://127.0.0.1:${found.port}`;
      // Just started by another check and still booting? Then wait for it rather than restart it.
      const booting = Date.now() - Date.parse(found.startedAt) < 30_000;
      if (booting || (await usable(endpoint, 1500))) {
        return { endpoint, ready: booted(endpoint, found, options.readyTimeoutMs), started: false, state: found };
      }
    }
    await stopNamed(found, files);
    return start(files, version, launcher.classDir, idleMs, options);
  });
}

async function start(files: EngineFiles, version: string, classDir: string, idleMs: number, options: AcquireOptions): Promise<AcquiredEngine> {
  const port = await freePort();
  const { command, args, cwd } = loopbackCommand(classDir, { port });
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(QUICK_START)) if (process.env[name] === undefined) env[name] = value;
  const config = {
    command,
    args,
    cwd,
    env,
    port,
    version,
    stateFile: files.state,
    activityFile: files.activity,
    lockFile: files.lock,
    logFile: files.log,
    idleMs,
    checkEveryMs: options.checkEveryMs ?? Math.min(60_000, Math.max(50, Math.floor(idleMs / 10))),
  };
  writeFileSync(files.log, ''); // the log of the current engine only
  const supervisor = spawn(process.execPath, [SUPERVISOR, JSON.stringify(config)], { detached: true, stdio: 'ignore' });
  supervisor.on('error', () => undefined); // seen below as a supervisor that never writes its state
  supervisor.unref();
  const state = await pollUntil(
    () => {
      const written = readEngineState(files);
      if (written?.supervisorPid === supervisor.pid) return written;
      if (supervisor.exitCode !== null) throw new NoBackgroundEngineError(`its supervisor exited (${files.log})`);
      return undefined;
    },
    { timeoutMs: 10_000, intervalMs: 10, description: 'the background engine supervisor to start' },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  return { endpoint, ready: booted(endpoint, state, options.readyTimeoutMs), started: true, state };
}

/** Resolves when the engine answers; fails fast if it died. */
async function booted(endpoint: string, state: EngineState, timeoutMs = 30_000): Promise<string> {
  let outcome: 'ready' | 'exited';
  try {
    outcome = await pollUntil(async () => ((await usable(endpoint, 1000)) ? ('ready' as const) : isEngine(state) ? undefined : ('exited' as const)), {
      timeoutMs,
      intervalMs: 25,
      description: `DynamoDB Local on port ${state.port}`,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${tail(state.logFile)}`.trim());
  }
  if (outcome === 'exited') {
    throw new Error(
      `DynamoDB Local exited during start-up (is Java 17 or newer installed? \`java -version\`); its log, ${state.logFile}:\n${tail(state.logFile)}`.trim(),
    );
  }
  return endpoint;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-8).join('\n');
  } catch {
    return '';
  }
}

/** Keeps the engine from idling out while a check (e.g. --watch) is still running. */
export function markEngineUsed(files = engineFiles()): void {
  try {
    touch(files);
  } catch {
    // no engine folder: nothing to keep alive
  }
}

/** `npm run engine:stop`: true if an engine was running. */
export async function stopBackgroundEngine(files = engineFiles()): Promise<boolean> {
  mkdirSync(files.dir, { recursive: true });
  return withLock(files, () => stopNamed(readEngineState(files), files));
}

export interface EngineStatus {
  readonly state: EngineState;
  readonly running: boolean;
  readonly ageMs: number;
  readonly idleForMs: number;
}

/** For `npm run doctor`: the engine the state file names, whether it still runs. */
export function backgroundEngineStatus(files = engineFiles(), now = Date.now()): EngineStatus | undefined {
  const state = readEngineState(files);
  if (!state) return undefined;
  let lastUsed = Date.parse(state.startedAt);
  try {
    lastUsed = Math.max(lastUsed, statSync(files.activity).mtimeMs);
  } catch {
    // never touched
  }
  return { state, running: isEngine(state), ageMs: now - Date.parse(state.startedAt), idleForMs: now - lastUsed };
}
