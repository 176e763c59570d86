import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Lab, REPO_ROOT, SOLUTION_FOLDER } from './manifest';
import { type TodoRegion, parseTodoRegions, solutionSnippets, solveSteps } from './todo-regions';

/**
 * A lab's starter src/ compared with solution/src: same files (plus the
 * labs' own lib/not-implemented.ts), identical outside the TODO regions,
 * TODOs only in the files the manifest says the learner edits. And the
 * variants the verifier tests: the starter with some steps solved.
 */
export const LAB_ONLY_FILES = ['lib/not-implemented.ts'];

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

/** The TODO steps of a lab's starter, in step order. */
export function stepsOf(lab: Lab): LabStep[] {
  const steps: LabStep[] = [];
  for (const relative of listFiles(labSrc(lab))) {
    const file = `src/${relative}`;
    for (const region of parseTodoRegions(read(path.join(labSrc(lab), relative)), `${lab.folder}/${file}`)) {
      steps.push({ step: region.step, after: region.after, title: region.title, file, line: region.startLine });
    }
  }
  return steps.sort((a, b) => a.step - b.step || a.line - b.line);
}

/** Everything wrong with a lab's starter tree, in words; empty when it is sound. */
export function checkLabTree(lab: Lab): string[] {
  const problems: string[] = [];
  const labFiles = listFiles(labSrc(lab));
  const solutionFiles = listFiles(solutionSrc());
  if (labFiles.length === 0) return [`${lab.folder}/src is missing or empty`];
  for (const file of solutionFiles) if (!labFiles.includes(file)) problems.push(`${lab.folder}/src/${file} is missing (solution/src has it: a starter mirrors solution/src)`);
  for (const file of labFiles) {
    if (!solutionFiles.includes(file) && !LAB_ONLY_FILES.includes(file)) problems.push(`${lab.folder}/src/${file} is not in solution/src`);
  }
  for (const file of LAB_ONLY_FILES) if (!labFiles.includes(file)) problems.push(`${lab.folder}/src/${file} is missing`);

  const filesWithTodos = new Set<string>();
  const regionsByStep = new Map<number, TodoRegion[]>();
  for (const relative of labFiles.filter((file) => solutionFiles.includes(file))) {
    const name = `${lab.folder}/src/${relative}`;
    try {
      const starter = read(path.join(labSrc(lab), relative));
      const regions = parseTodoRegions(starter, name);
      solutionSnippets(starter, read(path.join(solutionSrc(), relative)), name);
      if (regions.length > 0) filesWithTodos.add(`src/${relative}`);
      for (const region of regions) {
        if (region.lab !== lab.id) problems.push(`${name}:${region.startLine}: a TODO of lab ${region.lab} in lab ${lab.id} (a starter holds only its own lab's TODOs; earlier labs are finished)`);
        regionsByStep.set(region.step, [...(regionsByStep.get(region.step) ?? []), region]);
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const file of lab.edit) if (!filesWithTodos.has(file)) problems.push(`labs.json lists ${file} for lab ${lab.id}, but it holds no TODO`);
  for (const file of filesWithTodos) if (!lab.edit.includes(file)) problems.push(`${lab.folder}/${file} holds a TODO, but labs.json does not list it under "edit" for lab ${lab.id}`);

  const steps = [...regionsByStep.keys()].sort((a, b) => a - b);
  if (steps.length === 0) problems.push(`${lab.folder}/src has no TODO: the starter would pass its own tests`);
  steps.forEach((step, i) => {
    if (step !== i + 1) problems.push(`lab ${lab.id}'s steps must be numbered 1..${steps.length} without gaps, found ${steps.join(', ')}`);
    for (const region of regionsByStep.get(step) ?? []) {
      for (const earlier of region.after) {
        if (earlier >= step || !regionsByStep.has(earlier)) problems.push(`lab ${lab.id}, step ${step} says "after step ${earlier}", which is not an earlier step`);
      }
    }
  });
  return [...new Set(problems)];
}

/**
 * Writes `<dest>/src`: the lab's starter with the given steps solved (their
 * TODO regions replaced by the solution's code), as a learner would have it.
 */
export function writeVariant(lab: Lab, solved: ReadonlySet<number>, dest: string): void {
  cpSync(labSrc(lab), path.join(dest, 'src'), { recursive: true });
  for (const relative of lab.edit.map((file) => file.replace(/^src\//, ''))) {
    const name = `${lab.folder}/src/${relative}`;
    const text = solveSteps(read(path.join(labSrc(lab), relative)), read(path.join(solutionSrc(), relative)), name, solved);
    writeFileSync(path.join(dest, 'src', relative), text);
  }
}
