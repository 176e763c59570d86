import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * Child processes for the bench. Everything measured is started in its own
 * process group (npm -> sh -> tsx -> node -> java), so one signal to the group
 * reaches every descendant and no DynamoDB Local outlives a measurement.
 */
export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    output: string,
  ) {
    super(`\`${command}\` ended with status ${code}${output.trim() ? `:\n${lastLines(output, 15)}` : ''}`);
    this.name = 'CommandFailedError';
  }
}

export const lastLines = (text: string, count: number) => text.trimEnd().split('\n').slice(-count).join('\n');

export interface Timed {
  readonly seconds: number;
  readonly code: number | null;
  readonly output: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** Starts a command as the leader of a new process group, stdout and stderr captured together. */
export function spawnGroup(command: string, args: readonly string[], options: RunOptions): ChildProcess {
  return spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Wall time of a whole command, from spawn to exit, with its output (for the error message when it fails). */
export function timeCommand(command: string, args: readonly string[], options: RunOptions): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawnGroup(command, args, options);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      void stopGroup(child);
      reject(new Error(`\`${[command, ...args].join(' ')}\` took longer than ${options.timeoutMs} ms; stopped it.\n${lastLines(output, 15)}`));
    }, options.timeoutMs ?? 600_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // Whatever the command left running in its group (a Java still shutting down) must not outlive the measurement.
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // nothing left
      }
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, code, output });
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Asks the whole group to stop (SIGINT, as Ctrl-C would, so npm start and
 * check:lab shut their engines down themselves), then SIGKILLs whatever is
 * still there after `graceMs`. Resolves once the group leader has exited.
 */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // the group is already gone
    }
  };
  signal('SIGINT');
  const deadline = Date.now() + graceMs;
  while (alive(-pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  signal('SIGKILL');
  await exited;
}

export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly rssKiB: number;
}

/** The parent pid from a /proc/<pid>/stat line; the command name may hold spaces and parentheses, so parse after the last ')'. */
export function parentPidOf(statLine: string): number {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]);
}

/** VmRSS from /proc/<pid>/status, in KiB (0 for a zombie, which has none). */
export function rssKiBOf(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : 0;
}

/** The root and all its descendants, found through parent pids. */
export function treeRssKiB(entries: readonly ProcEntry[], root: number): number {
  const children = new Map<number, ProcEntry[]>();
  for (const entry of entries) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
  let total = 0;
  const stack = entries.filter((entry) => entry.pid === root);
  while (stack.length > 0) {
    const entry = stack.pop() as ProcEntry;
    total += entry.rssKiB;
    stack.push(...(children.get(entry.pid) ?? []));
  }
  return total;
}

export class NoProcError extends Error {
  constructor() {
    super('memory is read from /proc, which this system does not have (Linux only)');
    this.name = 'NoProcError';
  }
}

/** Resident memory of a process and all its descendants (Node, Java...), in MB. Linux only. */
export function processTreeRssMB(root: number): number {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    throw new NoProcError();
  }
  const entries: ProcEntry[] = [];
  for (const pid of pids) {
    try {
      entries.push({ pid, ppid: parentPidOf(readFileSync(`/proc/${pid}/stat`, 'utf8')), rssKiB: rssKiBOf(readFileSync(`/proc/${pid}/status`, 'utf8')) });
    } catch {
      // the process ended while we looked
    }
  }
  return treeRssKiB(entries, root) / 1024;
}
