import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pollUntil } from '../local-cloud/poll';
import { type TreeWatcher, isScratchFile, rerunOnSave, watchTrees } from './watch';

/**
 * `check:lab --watch` must see every save, however the editor saves, and
 * again and again for the same file (issue 9: it went deaf after the first
 * save by rename). Each save style below is done with real file operations,
 * three times in a row on the same file, and each must produce a change
 * naming that file. Waits poll with a deadline.
 */
let root: string;
let watcher: TreeWatcher | undefined;
let batches: string[][];

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'watch-test-'));
  mkdirSync(path.join(root, 'src', 'lib'), { recursive: true });
  writeFileSync(path.join(root, 'src', 'lib', 'money.ts'), 'export const one = 1;\n');
  batches = [];
});
afterEach(() => {
  watcher?.close();
  watcher = undefined;
  rmSync(root, { recursive: true, force: true });
});

const file = () => path.join(root, 'src', 'lib', 'money.ts');
const start = (roots = [path.join(root, 'src')]) => {
  watcher = watchTrees(roots, (files) => batches.push(files), { debounceMs: 30 });
};
/** Waits until a change naming `target` arrives after the first `seen` batches. */
const changeAfter = (seen: number, target: string) =>
  pollUntil(() => batches.slice(seen).some((files) => files.includes(target)), { timeoutMs: 5000, intervalMs: 10, description: `a change to ${target}` });

type Save = (target: string, content: string) => void;

const saves: Record<string, Save> = {
  'in place (most editors, echo >)': (target, content) => writeFileSync(target, content),
  'vim (backup by rename, new file written)': (target, content) => {
    const dir = path.dirname(target);
    writeFileSync(path.join(dir, '4913'), ''); // vim's writability probe
    unlinkSync(path.join(dir, '4913'));
    renameSync(target, `${target}~`);
    writeFileSync(target, content);
    unlinkSync(`${target}~`);
  },
  'JetBrains safe write': (target, content) => {
    writeFileSync(`${target}___jb_tmp___`, content);
    renameSync(target, `${target}___jb_old___`);
    renameSync(`${target}___jb_tmp___`, target);
    unlinkSync(`${target}___jb_old___`);
  },
  'atomic replace (temporary file renamed over)': (target, content) => {
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}`);
    writeFileSync(temporary, content);
    renameSync(temporary, target);
  },
  'delete and recreate': (target, content) => {
    unlinkSync(target);
    writeFileSync(target, content);
  },
};

describe('check:lab --watch sees a save', () => {
  it.each(Object.keys(saves))('%s, three times in a row for the same file', async (style) => {
    start();
    for (let round = 1; round <= 3; round++) {
      const seen = batches.length;
      saves[style](file(), `export const one = ${round};\n`);
      await changeAfter(seen, file());
    }
  });

  it('by `sed -i`, three times in a row for the same file', async () => {
    const sed = spawnSync('sed', ['--version']);
    if (sed.error) return; // no sed on this machine: the atomic replace above is what it does
    start();
    for (let round = 1; round <= 3; round++) {
      const seen = batches.length;
      const result = spawnSync('sed', ['-i', `s/= [0-9]*/= ${round + 10}/`, file()]);
      expect(result.status).toBe(0);
      await changeAfter(seen, file());
    }
  });

  it('in a folder created after watching started', async () => {
    start();
    const fresh = path.join(root, 'src', 'handlers');
    mkdirSync(fresh);
    await pollUntil(() => watcher?.folders().includes(fresh), { timeoutMs: 5000, intervalMs: 10, description: 'the new folder to be watched' });
    const seen = batches.length;
    writeFileSync(path.join(fresh, 'create-order.ts'), 'export {};\n');
    await changeAfter(seen, path.join(fresh, 'create-order.ts'));
  });

  it('in a folder deleted and recreated (a git checkout), again and again', async () => {
    start();
    const lib = path.join(root, 'src', 'lib');
    for (let round = 1; round <= 3; round++) {
      const before = batches.length;
      rmSync(lib, { recursive: true });
      mkdirSync(lib);
      writeFileSync(file(), `export const one = ${round};\n`);
      // The folder's own change is reported after the watcher re-synced: the new folder is watched by then.
      await changeAfter(before, lib);
      const seen = batches.length;
      writeFileSync(file(), `export const two = ${round};\n`);
      await changeAfter(seen, file());
    }
  });

  it('under a watched root that did not exist when watching started', async () => {
    const later = path.join(root, 'test');
    start([later]);
    mkdirSync(later);
    await pollUntil(() => watcher?.folders().includes(later), { timeoutMs: 5000, intervalMs: 10, description: 'the root to be watched once it exists' });
    const seen = batches.length;
    writeFileSync(path.join(later, 'lab.test.ts'), 'export {};\n');
    await changeAfter(seen, path.join(later, 'lab.test.ts'));
  });

  it('as one change for a burst of events (one save is several)', async () => {
    start();
    saves['JetBrains safe write'](file(), 'export const one = 9;\n');
    await changeAfter(0, file());
    // The burst's scratch names never reach the checker.
    expect(batches.flat().filter(isScratchFile)).toEqual([]);
  });
});

describe('editor scratch files are not saves', () => {
  it.each(['.money.ts.swp', 'money.ts~', '4913', 'money.ts___jb_tmp___', 'money.ts___jb_old___', 'sedAb12Cd', '.#money.ts'])('%s', (name) => {
    expect(isScratchFile(path.join(root, name))).toBe(true);
  });

  it.each(['money.ts', 'create-order.ts', 'lab.test.ts'])('but %s is', (name) => {
    expect(isScratchFile(name)).toBe(false);
  });
});

describe('check:lab --watch re-runs', () => {
  it('after each save by rename, and once more for a save made during a run, so the last result is from the last save', async () => {
    let runs = 0;
    let finished = 0;
    let release: (() => void) | undefined;
    const run = async () => {
      runs += 1;
      if (runs === 2) await new Promise<void>((resolve) => (release = resolve)); // hold run 2 open
    };
    const stop = new AbortController();
    let seen = 0;
    const loop = rerunOnSave([path.join(root, 'src')], run, {
      debounceMs: 30,
      afterRun: () => (finished += 1),
      onSave: () => (seen += 1),
      signal: stop.signal,
    });
    const until = (what: string, check: () => boolean) => pollUntil(check, { timeoutMs: 5000, intervalMs: 10, description: what });
    await until('the first run', () => finished === 1);

    saves['atomic replace (temporary file renamed over)'](file(), 'export const one = 2;\n');
    await until('a run for the save', () => runs === 2 && release !== undefined);
    const seenBefore = seen;
    saves['JetBrains safe write'](file(), 'export const one = 3;\n'); // saved while run 2 is still going
    await until('the save during run 2 to be seen', () => seen > seenBefore);
    expect(finished).toBe(1); // run 2 has not ended: the save is held for after it
    release?.();
    await until('one more run after run 2', () => finished === 3);
    expect(runs).toBe(3);

    stop.abort();
    await loop;
  });
});
