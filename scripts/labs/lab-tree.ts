import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Lab, REPO_ROOT, SOLUTION_FOLDER } from './manifest';
import { StarterDriftError, type TodoRegion, parseTodoRegions, solutionSnippets, solveSteps } from './todo-regions';

/**
 * A lab's src/ compared with solution/src. A lab folder holds only the files
 * its learner edits (labs.json `edit`): each is its solution/src counterpart
 * (same path) with TODO regions, identical outside them. Every other module
 * is solution/src's, found by the one resolution rule (code-overlay.js). And
 * the variants the verifier tests: the edit files with some steps solved.
 */
export interface LabStep {
  readonly step: number;
  readonly after: readonly number[];
  readonly title: string;
  /** Lab-relative, e.g. src/lib/outbox.ts. */
  readonly file: string;
  readonly line: number;
}

/** Relative paths (with /) of every file under `dir`, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

const read = (file: string) => readFileSync(file, 'utf8');
const labSrc = (lab: Lab) => path.join(REPO_ROOT, lab.folder, 'src');
const solutionSrc = () => path.join(REPO_ROOT, SOLUTION_FOLDER, 'src');

/** The command that carries solution changes into the lab files; verify:labs names it. */
export const SYNC_COMMAND = 'npm run labs:sync';

/**
 * Files under the lab's src/ that are not its edit files: a learner's own
 * code carried in from earlier labs (npm run labs:carry), lab-relative.
 */
export function carriedFiles(lab: Lab): string[] {
  return listFiles(labSrc(lab))
    .map((relative) => `src/${relative}`)
    .filter((file) => !lab.edit.includes(file));
}

/**
 * Signs that this checkout holds a learner's work, in words: files carried
 * in by labs:carry, and lab files whose TODOs are all solved. verify:labs
 * checks the labs as the workshop ships them, so it stops on these with one
 * clear message instead of a list of failed proofs.
 */
export function learnerWork(lab: Lab): string[] {
  const signs = carriedFiles(lab).map((file) => `${lab.folder}/${file} (carried in from an earlier lab)`);
  for (const file of lab.edit) {
    try {
      const text = read(path.join(REPO_ROOT, lab.folder, file));
      if (parseTodoRegions(text, file).length === 0 && !text.includes('new NotImplementedError(')) signs.push(`${lab.folder}/${file} (every TODO solved)`);
    } catch {
      // missing or malformed: checkLabTree reports it
    }
  }
  return signs;
}

/** The TODO steps of a lab's starter, in step order. */
export function stepsOf(lab: Lab): LabStep[] {
  const steps: LabStep[] = [];
  for (const file of lab.edit.filter((f) => existsSync(path.join(REPO_ROOT, lab.folder, f)))) {
    const relative = file.replace(/^src\//, '');
    for (const region of parseTodoRegions(read(path.join(labSrc(lab), relative)), `${lab.folder}/${file}`)) {
      steps.push({ step: region.step, after: region.after, title: region.title, file, line: region.startLine });
    }
  }
  return steps.sort((a, b) => a.step - b.step || a.line - b.line);
}

/** Everything wrong with a lab's starter files, in words; empty when they are sound. */
export function checkLabTree(lab: Lab): string[] {
  const problems: string[] = [];
  const solutionFiles = listFiles(solutionSrc());
  const labFiles: string[] = [];
  for (const file of lab.edit) {
    const relative = file.replace(/^src\//, '');
    if (!existsSync(path.join(REPO_ROOT, lab.folder, file)))
      problems.push(`${lab.folder}/${file} is missing (labs.json lists it under "edit" for lab ${lab.id})`);
    else if (!solutionFiles.includes(relative))
      problems.push(`${lab.folder}/${file} has no counterpart solution/${file}: a lab file is a solution file with TODOs`);
    else labFiles.push(relative);
  }
  for (const file of carriedFiles(lab)) {
    problems.push(
      `${lab.folder}/${file} is not one of lab ${lab.id}'s edit files (labs.json): delete it (solution/src/${file.replace(/^src\//, '')} is used in its place), or list it under "edit"`,
    );
  }

  const filesWithTodos = new Set<string>();
  const regionsByStep = new Map<number, TodoRegion[]>();
  for (const relative of labFiles) {
    const name = `${lab.folder}/src/${relative}`;
    try {
      const starter = read(path.join(labSrc(lab), relative));
      const regions = parseTodoRegions(starter, name);
      if (regions.length > 0) filesWithTodos.add(`src/${relative}`);
      for (const region of regions) {
        if (region.lab !== lab.id)
          problems.push(
            `${name}:${region.startLine}: a TODO of lab ${region.lab} in lab ${lab.id} (a starter holds only its own lab's TODOs; earlier labs are finished)`,
          );
        regionsByStep.set(region.step, [...(regionsByStep.get(region.step) ?? []), region]);
      }
      solutionSnippets(starter, read(path.join(solutionSrc(), relative)), name);
    } catch (error) {
      problems.push(
        error instanceof StarterDriftError ? `${error.message}\n    Carry the solution's change into the lab files: ${SYNC_COMMAND}` : (error as Error).message,
      );
    }
  }
  for (const file of lab.edit)
    if (labFiles.includes(file.replace(/^src\//, '')) && !filesWithTodos.has(file))
      problems.push(`labs.json lists ${file} for lab ${lab.id}, but it holds no TODO`);

  const steps = [...regionsByStep.keys()].sort((a, b) => a - b);
  if (steps.length === 0) problems.push(`${lab.folder}/src has no TODO: the starter would pass its own tests`);
  steps.forEach((step, i) => {
    if (step !== i + 1) problems.push(`lab ${lab.id}'s steps must be numbered 1..${steps.length} without gaps, found ${steps.join(', ')}`);
    for (const region of regionsByStep.get(step) ?? []) {
      for (const earlier of region.after) {
        if (earlier >= step || !regionsByStep.has(earlier))
          problems.push(`lab ${lab.id}, step ${step} says "after step ${earlier}", which is not an earlier step`);
      }
    }
  });
  return [...new Set(problems)];
}

/**
 * Writes `<dest>/src`: the lab's edit files with the given steps solved (their
 * TODO regions replaced by the solution's code), as a learner would have
 * them. Only those files: the rest resolves to solution/src as for the lab.
 */
export function writeVariant(lab: Lab, solved: ReadonlySet<number>, dest: string): void {
  for (const relative of lab.edit.map((file) => file.replace(/^src\//, ''))) {
    const name = `${lab.folder}/src/${relative}`;
    const text = solveSteps(read(path.join(labSrc(lab), relative)), read(path.join(solutionSrc(), relative)), name, solved);
    mkdirSync(path.dirname(path.join(dest, 'src', relative)), { recursive: true });
    writeFileSync(path.join(dest, 'src', relative), text);
  }
}
