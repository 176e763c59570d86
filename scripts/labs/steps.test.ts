import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stepsOfGroups } from './failure-summary';
import { REPO_ROOT, loadLabs } from './manifest';
import { hasLearnerEdits, stepLocations } from './step-locations';
import { parseTodoRegions } from './todo-regions';

/**
 * labs.json `steps` is the one list of each lab's steps: the file of each
 * step's TODO and why the step matters in production (check:lab shows it
 * with the step's first failure). It must match the TODOs and the tests.
 */
const labs = loadLabs();
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');

describe.each(labs.map((lab) => [lab.id, lab] as const))('lab %i: labs.json steps', (_id, lab) => {
  it('has one entry per TODO step, naming the file that holds its TODO, each with why it matters', () => {
    const files = new Map<number, string>();
    for (const file of lab.edit) {
      for (const region of parseTodoRegions(read(`${lab.folder}/${file}`), file)) if (region.lab === lab.id) files.set(region.step, file);
    }

    expect(lab.steps.map((_, i) => i + 1)).toEqual([...files.keys()].sort((a, b) => a - b));
    lab.steps.forEach((step, i) => {
      expect({ step: i + 1, file: step.file }).toEqual({ step: i + 1, file: files.get(i + 1) });
      expect(step.why).toMatch(/^[A-Z].{40,}[.!]$/); // one real sentence
    });
  });

  it('names only existing steps in its tests\' headings ("Step N · ...", "Steps 1–4 together · ...")', () => {
    const headings = [...read(lab.test).matchAll(/describe\(\s*['"`](Steps? [^'"`]+)['"`]/g)].map((m) => m[1]);

    expect(headings.length).toBeGreaterThan(0);
    for (const heading of headings) {
      const steps = stepsOfGroups([heading]);
      expect({ heading, known: steps.length > 0 && steps.every((step) => step >= 1 && step <= lab.steps.length) }).toEqual({ heading, known: true });
    }
  });

  it('locates every step in solution/src, for --solution', () => {
    for (const [step, where] of stepLocations(lab, 'solution')) {
      expect({ step, file: where.file, located: where.line !== undefined && where.endLine !== undefined && where.line <= where.endLine }).toEqual({
        step,
        file: `solution/${lab.steps[step - 1].file}`,
        located: true,
      });
    }
  });
});

describe('whether a learner has started a lab (check:lab all)', () => {
  let copy: string;
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  it("is false for the starter, and true once one step's TODO no longer throws NotImplementedError", () => {
    const lab = labs[1];
    copy = mkdtempSync(path.join(os.tmpdir(), 'lab-edits-'));
    cpSync(path.join(REPO_ROOT, lab.folder, 'src'), path.join(copy, 'src'), { recursive: true });

    expect(hasLearnerEdits(lab, copy)).toBe(false);

    const file = path.join(copy, lab.steps[1].file);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/throw new NotImplementedError\('lab 2, step 2 [^\n]*/, 'await Promise.resolve();'));
    expect(hasLearnerEdits(lab, copy)).toBe(true);
  });
});
