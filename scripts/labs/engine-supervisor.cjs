// @ts-check
'use strict';
/**
 * The supervisor of check:lab's background DynamoDB Local (background-engine.ts
 * starts it, detached). Plain Node.js so it starts in a few tens of ms.
 *
 * It runs the engine as its child and owns its lifetime, so the engine never
 * outlives its purpose:
 * - it writes the state file (pids, port, start time, version) once the
 *   engine is spawned, and removes it whenever the engine goes;
 * - when no check has touched the activity file for `idleMs`, it stops the
 *   engine and exits (the port is free again);
 * - SIGTERM / SIGINT / SIGHUP (`npm run engine:stop`) stop the engine too;
 * - if the engine dies, it removes the state and exits.
 * The idle decision is taken under the same lock a check takes to claim the
 * engine, so a check never gets an engine that is about to be stopped.
 *
 * argv[2]: JSON { command, args, cwd, env, port, version, stateFile,
 * activityFile, lockFile, logFile, idleMs, checkEveryMs }
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const config = JSON.parse(process.argv[2] ?? '{}');
const log = fs.openSync(config.logFile, 'a');
const engine = spawn(config.command, config.args, { cwd: config.cwd, env: { ...process.env, ...config.env }, stdio: ['ignore', log, log] });

function ownsState() {
  try {
    return JSON.parse(fs.readFileSync(config.stateFile, 'utf8')).supervisorPid === process.pid;
  } catch {
    return false;
  }
}

function removeStateIfOurs() {
  if (ownsState()) fs.rmSync(config.stateFile, { force: true });
}

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  removeStateIfOurs();
  if (engine.exitCode === null && engine.signalCode === null) {
    engine.once('exit', () => process.exit(code));
    engine.kill('SIGTERM');
    // Java may ignore SIGTERM while busy: never leave it behind.
    setTimeout(() => engine.kill('SIGKILL'), 3000).unref();
  } else process.exit(code);
}

engine.once('error', () => stop(1));
engine.once('exit', () => {
  removeStateIfOurs();
  process.exit(0);
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => stop(0));

const state = {
  supervisorPid: process.pid,
  enginePid: engine.pid,
  port: config.port,
  startedAt: new Date().toISOString(),
  version: config.version,
  idleMs: config.idleMs,
  logFile: config.logFile,
};
const scratch = `${config.stateFile}.${process.pid}`;
fs.writeFileSync(scratch, JSON.stringify(state, null, 2));
fs.renameSync(scratch, config.stateFile); // atomic: a reader sees all of it or none
fs.writeFileSync(config.activityFile, new Date().toISOString());

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/** The lock a check holds while it claims or starts the engine; stale if its holder is gone. */
function tryLock() {
  try {
    fs.writeFileSync(config.lockFile, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    try {
      const holder = Number(fs.readFileSync(config.lockFile, 'utf8'));
      if (!alive(holder)) fs.rmSync(config.lockFile, { force: true });
    } catch {
      // released meanwhile
    }
    return false;
  }
}

setInterval(() => {
  if (!ownsState()) return stop(0); // the state names another engine now (or was removed): this one is not found again
  let lastUsed;
  try {
    lastUsed = fs.statSync(config.activityFile).mtimeMs;
  } catch {
    lastUsed = 0;
  }
  if (Date.now() - lastUsed < config.idleMs) return;
  if (!tryLock()) return; // a check is claiming the engine right now: decide next time
  try {
    const again = fs.statSync(config.activityFile).mtimeMs;
    if (Date.now() - again >= config.idleMs) stop(0);
  } catch {
    stop(0);
  } finally {
    fs.rmSync(config.lockFile, { force: true });
  }
}, config.checkEveryMs);
