/**
 * npm run labs:sync: after an author changes solution/src, carries the change
 * into every lab file that mirrors a changed solution file (labs.json
 * `edit`), keeping the lab's TODO regions. Prints each file it rewrites;
 * review with git diff. verify:labs names this command when they differ.
 *
 * Exit status 0 when every lab file is in step afterwards, 1 when a file
 * needs a hand edit (the message says which and why).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, SOLUTION_FOLDER, loadLabs } from './manifest';
import { syncStarter } from './starter-sync';

export function syncLabs(log: (line: string) => void = console.log): boolean {
  let ok = true;
  let changed = 0;
  for (const lab of loadLabs()) {
    for (const file of lab.edit) {
      const name = `${lab.folder}/${file}`;
      try {
        const starter = readFileSync(path.join(REPO_ROOT, name), 'utf8');
        const synced = syncStarter(starter, readFileSync(path.join(REPO_ROOT, SOLUTION_FOLDER, file), 'utf8'), name);
        if (synced === starter) continue;
        writeFileSync(path.join(REPO_ROOT, name), synced);
        changed++;
        log(`updated ${name} from ${SOLUTION_FOLDER}/${file}`);
      } catch (error) {
        ok = false;
        log(`NOT updated: ${(error as Error).message}`);
      }
    }
  }
  log(
    ok
      ? changed === 0
        ? 'Every lab file is in step with solution/src.'
        : `${changed} lab file(s) updated: review them with git diff.`
      : 'Some lab files need a hand edit (see above).',
  );
  return ok;
}

if (require.main === module) process.exit(syncLabs() ? 0 : 1);
