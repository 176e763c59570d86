import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './carry-command';
import { writeVariant } from './lab-tree';
import { REPO_ROOT, loadLabs } from './manifest';

/**
 * npm run labs:carry: a learner's finished lab files move on to the next lab.
 * Runs on a temporary copy of labs/ (the repository is never edited); lab 1
 * "finished" is its starter with every TODO solved, as verify:labs writes it.
 */
describe('npm run labs:carry', () => {
  let root: string;
  let output: string[];
  const labs = loadLabs();
  const [lab1, lab2] = labs;
  const run = (...argv: string[]) => main(argv, (line) => output.push(line), root);

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'sdp-carry-'));
    cpSync(path.join(REPO_ROOT, 'labs'), path.join(root, 'labs'), { recursive: true });
    output = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('refuses to carry a lab whose TODOs are unfinished, naming the file and the check to run', () => {
    expect(run('1')).toBe(1);
    expect(output.join('\n')).toContain(`${lab1.folder}/src/lib/money.ts still has 1 unfinished TODO(s): finish lab 1 first (npm run check:lab 1)`);
    expect(existsSync(path.join(root, lab2.folder, 'src/lib/money.ts'))).toBe(false);
  });

  it("copies a finished lab's files into the next lab at the same paths, and says where they now run", () => {
    writeVariant(lab1, new Set([1, 2, 3]), path.join(root, lab1.folder));
    expect(run('1')).toBe(0);
    for (const file of lab1.edit) {
      expect(readFileSync(path.join(root, lab2.folder, file), 'utf8')).toBe(readFileSync(path.join(root, lab1.folder, file), 'utf8'));
    }
    expect(output.join('\n')).toContain('run instead of solution/src');
  });

  it('refuses to overwrite a file carried before unless --force is given', () => {
    writeVariant(lab1, new Set([1, 2, 3]), path.join(root, lab1.folder));
    expect(run('1')).toBe(0);
    writeFileSync(path.join(root, lab2.folder, 'src/lib/money.ts'), '// my later edit\n');
    expect(run('1')).toBe(1);
    expect(output.join('\n')).toContain(`${lab2.folder}/src/lib/money.ts already exists (carried before?): add --force`);
    expect(readFileSync(path.join(root, lab2.folder, 'src/lib/money.ts'), 'utf8')).toBe('// my later edit\n');
    expect(run('1', '--force')).toBe(0);
    expect(readFileSync(path.join(root, lab2.folder, 'src/lib/money.ts'), 'utf8')).toBe(readFileSync(path.join(root, lab1.folder, 'src/lib/money.ts'), 'utf8'));
  });

  it('has nowhere to carry the last lab, and explains a bad argument', () => {
    expect(run(String(labs.length))).toBe(1);
    expect(output.join('\n')).toContain('is the last lab');
    expect(run('9')).toBe(2);
    expect(run()).toBe(2);
  });
});
