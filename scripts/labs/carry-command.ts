/**
 * npm run labs:carry -- N [--force]
 *
 * A learner keeps building on their own code: copies every file of lab N's
 * src/ (its edit files, and whatever was carried into it before) into lab
 * N+1's folder, at the same paths. There they run instead of solution/src's
 * finished copies: in check:lab, npm start -- --lab N+1 and the editor (the
 * labs' one resolution rule, code-overlay.js). So by Lab 4 the whole system
 * can be the learner's.
 *
 * Refuses: a file that still holds a TODO of lab N (finish it first); a file
 * already in lab N+1 (unless --force); lab N+1's own TODO files (never).
 * Exit status 0 done, 1 refused, 2 bad arguments.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, parseArgs } from '../cli-args';
import { listFiles } from './lab-tree';
import { type Lab, REPO_ROOT, findLab, loadLabs } from './manifest';
import { parseTodoRegions } from './todo-regions';

export const USAGE = 'Usage: npm run labs:carry -- <lab> [--force]   (copies your finished lab <lab> files into the next lab)';

export interface CarryPlan {
  readonly from: Lab;
  readonly to: Lab;
  /** Lab-relative (src/...) files to copy. */
  readonly files: readonly string[];
  /** Why the carry cannot go ahead; empty when it can. */
  readonly refusals: readonly string[];
}

/** `root` is the repository (tests use a temporary copy of labs/). */
export function planCarry(labs: readonly Lab[], from: Lab, force: boolean, root = REPO_ROOT): CarryPlan {
  const to = labs.find((lab) => lab.id === from.id + 1);
  if (!to) return { from, to: from, files: [], refusals: [`lab ${from.id} is the last lab: there is no next lab to carry your code into`] };
  const files = listFiles(path.join(root, from.folder, 'src')).map((file) => `src/${file}`);
  const refusals: string[] = [];
  for (const file of files) {
    const source = `${from.folder}/${file}`;
    const target = `${to.folder}/${file}`;
    let unfinished = 0;
    try {
      unfinished = parseTodoRegions(readFileSync(path.join(root, source), 'utf8'), source).length;
    } catch (error) {
      refusals.push(`${source}: ${(error as Error).message}`);
    }
    if (unfinished > 0) refusals.push(`${source} still has ${unfinished} unfinished TODO(s): finish lab ${from.id} first (npm run check:lab ${from.id})`);
    if (to.edit.includes(file)) refusals.push(`${target} is one of lab ${to.id}'s own TODO files: it is never overwritten`);
    else if (existsSync(path.join(root, target)) && !force)
      refusals.push(`${target} already exists (carried before?): add --force to replace it with your lab ${from.id} version`);
  }
  return { from, to, files, refusals };
}

export function main(argv: readonly string[], log: (line: string) => void = console.log, root = REPO_ROOT): number {
  const labs = loadLabs(path.join(root, 'labs', 'labs.json'));
  let from: Lab | undefined;
  let force: boolean;
  try {
    const args = argv.filter((arg) => arg !== '--');
    const positionals = args.filter((arg) => !arg.startsWith('--'));
    const { flags } = parseArgs(
      args.filter((arg) => arg.startsWith('--')),
      { values: [], flags: ['force'] },
    );
    if (positionals.length !== 1) throw new UsageError('name one lab, e.g. npm run labs:carry -- 1');
    from = findLab(labs, positionals[0]);
    if (!from) throw new UsageError(`no lab "${positionals[0]}" (labs: ${labs.map((l) => l.id).join(', ')})`);
    force = flags.has('force');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log(`${error.message}\n${USAGE}`);
    return 2;
  }
  const plan = planCarry(labs, from, force, root);
  if (plan.refusals.length > 0) {
    log(`Nothing carried:\n${plan.refusals.map((r) => `  - ${r}`).join('\n')}`);
    return 1;
  }
  for (const file of plan.files) {
    const target = path.join(root, plan.to.folder, file);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(root, plan.from.folder, file), target);
  }
  log(
    [
      `Carried your lab ${plan.from.id} code into ${plan.to.folder}:`,
      ...plan.files.map((file) => `  ${plan.to.folder}/${file}`),
      `From now on these run instead of solution/src's copies in npm run check:lab ${plan.to.id} and npm start -- --lab ${plan.to.id}.`,
      `To use the finished copies again, delete them. Next: read ${plan.to.folder}/README.md`,
    ].join('\n'),
  );
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
