/**
 * npm run typecheck (its second half): type-checks every lab folder in its
 * own resolution, i.e. with labs/<lab>/tsconfig.json, where the lab's files
 * win over solution/src's (labs/tsconfig.lab.json). Lab folders are listed
 * once, in labs.json; verify:labs runs the same check.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Lab, REPO_ROOT, loadLabs } from './manifest';

/** One message per lab that does not compile (or has no tsconfig.json); empty when all do. */
export function typecheckLabs(labs: readonly Lab[] = loadLabs()): string[] {
  const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  const problems: string[] = [];
  for (const lab of labs) {
    if (!existsSync(path.join(REPO_ROOT, lab.folder, 'tsconfig.json'))) {
      problems.push(
        `${lab.folder}/tsconfig.json is missing: it holds only { "extends": "../tsconfig.lab.json" }, so editors and tsc resolve the lab's imports`,
      );
      continue;
    }
    const result = spawnSync(tsc, ['-p', lab.folder], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (result.status !== 0) problems.push(`${lab.folder} does not compile (tsc -p ${lab.folder}):\n${(result.stdout + result.stderr).trim()}`);
  }
  return problems;
}

if (require.main === module) {
  const problems = typecheckLabs();
  for (const problem of problems) console.error(problem);
  process.exit(problems.length === 0 ? 0 : 1);
}
