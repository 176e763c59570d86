import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { backgroundEngineStatus, stopBackgroundEngine } from '../../labs/background-engine';
import { loadLabs } from '../../labs/manifest';
import type { Section } from '../context';
import { lastLines, spawnGroup, stopGroup } from '../processes';
import { STARTER_LAB } from './check-lab';

/**
 * The line check:lab --watch prints when a check has finished and it waits
 * for the next save. Counting these lines counts finished checks; if the
 * wording changes, this is the one place to follow it.
 */
export const CHECK_FINISHED = /save a file to check again/g;

const countFinished = (output: string) => output.match(CHECK_FINISHED)?.length ?? 0;

/**
 * `check:lab N --watch` on the starter: time from a save of the lab's first
 * file to edit to the end of the re-check. The save rewrites the file with
 * its own content, so the learner's code never changes; the first save is a
 * warm-up (skipped with --quick), the first check (engine start) is not counted.
 */
export const measureWatch: Section = async (context, figures) => {
  const lab = loadLabs().find((l) => l.id === STARTER_LAB);
  if (!lab) throw new Error(`labs/labs.json has no lab ${STARTER_LAB}`);
  const file = path.join(context.root, lab.folder, lab.edit[0]);
  const content = readFileSync(file);
  const hadEngine = backgroundEngineStatus()?.running ?? false;
  const child = spawnGroup('npm', ['run', '--silent', 'check:lab', '--', String(lab.id), '--watch'], { cwd: context.root });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const waitForFinished = async (count: number, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (countFinished(output) < count) {
      if (exited) throw new Error(`check:lab --watch exited while waiting for ${what}:\n${lastLines(output, 15)}`);
      if (Date.now() > deadline) throw new Error(`no "${CHECK_FINISHED.source}" line within ${timeoutMs} ms of ${what}:\n${lastLines(output, 15)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  try {
    context.progress(`check:lab ${lab.id} --watch, first check`);
    await waitForFinished(1, 180_000, 'the first check');
    const warmUps = context.quick ? 0 : 1;
    for (let save = 1 - warmUps; save <= context.runs; save++) {
      // Let the watcher settle, so the save below is one burst of events, not part of the last one.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = countFinished(output);
      context.progress(`check:lab ${lab.id} --watch, ${save < 1 ? 'warm-up save' : `save ${save}/${context.runs}`}`);
      const saved = process.hrtime.bigint();
      writeFileSync(file, content);
      await waitForFinished(before + 1, 120_000, `saving ${path.relative(context.root, file)}`);
      if (save >= 1) figures.add(`check:lab ${lab.id} --watch, save to result`, 's', Number(process.hrtime.bigint() - saved) / 1e9);
    }
  } finally {
    await stopGroup(child);
    if (!hadEngine) await stopBackgroundEngine(); // check:lab's background engine: leave none that was not there before
  }
};
