import { spawn } from 'node:child_process';

/**
 * Makes sure a child process (DynamoDB Local's `java`) never outlives this
 * Node process, however this process ends: Ctrl-C, SIGTERM, a crash, or a
 * SIGKILL nobody can catch (tsx, for one, SIGKILLs a child that is slow to
 * acknowledge a signal). An `exit` handler cannot cover the last two.
 *
 * A tiny detached watchdog holds the read end of a pipe from this process.
 * When this process dies, the kernel closes the pipe, the watchdog reads
 * end-of-file and kills the child. It also leaves on its own once the child
 * has exited.
 */
export const WATCHDOG_MARKER = 'sdp-orphan-guard';

const WATCHDOG = `
const target = Number(process.argv[1]);
const alive = () => { try { process.kill(target, 0); return true; } catch { return false; } };
const finish = () => { if (alive()) { try { process.kill(target, 'SIGKILL'); } catch {} } process.exit(0); };
process.stdin.on('end', finish);
process.stdin.on('error', finish);
process.stdin.resume();
setInterval(() => { if (!alive()) process.exit(0); }, 1000);
`;

export interface OrphanGuard {
  /** The child exited normally: let the watchdog go. */
  release(): void;
}

export function guardAgainstOrphan(childPid: number): OrphanGuard {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(childPid), WATCHDOG_MARKER], {
    // Its own process group: a Ctrl-C aimed at ours must not take the guard down first.
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => undefined); // no guard is better than no local cloud
  // Neither the watchdog nor its pipe may keep this process alive.
  watchdog.unref();
  const pipe = watchdog.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null;
  pipe?.on('error', () => undefined);
  pipe?.unref?.();
  return {
    release: () => {
      pipe?.end();
    },
  };
}
