import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Has a learner started a lab? `npm test` (through verify:labs) proves the
 * labs as shipped, each starter unfinished; once a learner works on a lab
 * that proof fails, with messages meant for maintainers. This module finds
 * the learner's edits so `npm test` can say, in learner words, that
 * `npm run check:lab N` is their command.
 *
 * Edits are found with git (files under a lab's folder that differ from the
 * last commit); without git, a file labs.json lists as holding TODOs that
 * holds none has been worked on.
 */
const ROOT = path.resolve(__dirname, '../..');

interface LabEntry {
  readonly id: number;
  readonly folder: string;
  readonly edit: readonly string[];
}

export interface LabEdits {
  readonly lab: number;
  readonly files: readonly string[];
}

function readLabs(root: string): LabEntry[] {
  return (JSON.parse(readFileSync(path.join(root, 'labs', 'labs.json'), 'utf8')) as { labs: LabEntry[] }).labs;
}

/** Changed paths under labs/ according to git, or undefined when this is not a git checkout. */
function gitChanges(root: string): string[] | undefined {
  const result = spawnSync('git', ['status', '--porcelain', '--untracked-files=all', '--', 'labs'], { cwd: root, encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) =>
      line
        .slice(3)
        .replace(/^.* -> /, '')
        .trim(),
    );
}

/** The labs a learner has worked on, in lab order, each with the files that show it. */
export function labEdits(root = ROOT, changes: string[] | undefined = gitChanges(root)): LabEdits[] {
  const labs = readLabs(root);
  return labs
    .map((lab) => {
      const files =
        changes !== undefined
          ? changes.filter((file) => file.startsWith(`${lab.folder}/`) && !file.endsWith('README.md')).map((file) => file.slice(lab.folder.length + 1))
          : lab.edit.filter((file) => {
              const full = path.join(root, lab.folder, file);
              return existsSync(full) && !/\bTODO\b/.test(readFileSync(full, 'utf8'));
            });
      return { lab: lab.id, files };
    })
    .filter((edits) => edits.files.length > 0);
}

/** What `npm test` says to a learner who has started a lab (undefined when nobody has). */
export function learnerNote(edits: readonly LabEdits[]): string | undefined {
  if (edits.length === 0) return undefined;
  const current = edits[edits.length - 1];
  const shown = current.files.slice(0, 3).join(', ') + (current.files.length > 3 ? ', …' : '');
  return [
    `You have started lab ${current.lab} (${shown}).`,
    '`npm test` checks the repository as it is shipped, with every lab unfinished, so part of it',
    'fails as soon as you work on a lab: that is expected, and nothing is broken.',
    `Your command is:  npm run check:lab ${current.lab}`,
    '(your progress in every lab: npm run check:lab all; is this laptop fine? npm run doctor)',
  ].join('\n');
}

if (require.main === module) {
  const note = learnerNote(labEdits());
  if (note) console.error(`\n${note}`);
}
