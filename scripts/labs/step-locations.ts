import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Lab, REPO_ROOT, SOLUTION_FOLDER } from './manifest';
import { parseTodoRegions, solutionSnippets } from './todo-regions';

/** A place in a file, repository-relative; `endLine` closes a TODO region. */
export interface Location {
  readonly file: string;
  readonly line?: number;
  readonly endLine?: number;
}

/**
 * Where each step of a lab lives in the code being checked: its TODO region
 * in the learner's file (while the markers stand), or, for --solution, the
 * lines of solution/src that the starter's region stands for. labs.json names
 * each step's file, so a step still has a file when the learner deleted its
 * markers.
 */
export function stepLocations(lab: Lab, codeRoot: string): Map<number, Location> {
  const root = path.resolve(REPO_ROOT, codeRoot);
  const againstSolution = root === path.join(REPO_ROOT, SOLUTION_FOLDER);
  const regionsByFile = new Map<string, Map<number, { line: number; endLine: number }>>();
  const regionsOf = (file: string) => {
    if (!regionsByFile.has(file)) regionsByFile.set(file, againstSolution ? solutionRegions(lab, file) : learnerRegions(lab, path.join(root, file)));
    return regionsByFile.get(file) as Map<number, { line: number; endLine: number }>;
  };
  const locations = new Map<number, Location>();
  lab.steps.forEach((step, i) => {
    const file = relative(path.join(root, step.file));
    locations.set(i + 1, { file, ...(regionsOf(step.file).get(i + 1) ?? {}) });
  });
  return locations;
}

function learnerRegions(lab: Lab, file: string): Map<number, { line: number; endLine: number }> {
  const regions = new Map<number, { line: number; endLine: number }>();
  try {
    for (const region of parseTodoRegions(readFileSync(file, 'utf8'), file)) {
      if (region.lab === lab.id && !regions.has(region.step)) regions.set(region.step, { line: region.startLine, endLine: region.endLine });
    }
  } catch {
    // Markers half deleted: the step keeps its file, without a line.
  }
  return regions;
}

/** The starter's regions, located in the solution file (which has no markers): the code between the shared lines. */
function solutionRegions(lab: Lab, labRelative: string): Map<number, { line: number; endLine: number }> {
  const regions = new Map<number, { line: number; endLine: number }>();
  const starterFile = path.join(REPO_ROOT, lab.folder, labRelative);
  const solutionFile = path.join(REPO_ROOT, SOLUTION_FOLDER, labRelative);
  if (!existsSync(starterFile) || !existsSync(solutionFile)) return regions;
  try {
    const starter = readFileSync(starterFile, 'utf8');
    const solution = readFileSync(solutionFile, 'utf8');
    const todo = parseTodoRegions(starter, starterFile);
    const snippets = solutionSnippets(starter, solution, starterFile);
    // Walk the solution: each snippet starts where the starter's text before its region ends.
    const starterLines = starter.split('\n');
    const starterOnly = (from: number, to: number) => starterLines.slice(from - 1, to - 1).filter((line) => /\/\/ lab starter only\s*$/.test(line)).length;
    let starterLine = 1;
    let solutionLine = 1;
    todo.forEach((region, i) => {
      solutionLine += region.startLine - starterLine - starterOnly(starterLine, region.startLine); // the shared lines before it
      const lines = snippets[i].split('\n').length - 1;
      if (region.lab === lab.id && !regions.has(region.step)) regions.set(region.step, { line: solutionLine, endLine: solutionLine + Math.max(lines - 1, 0) });
      solutionLine += lines;
      starterLine = region.endLine + 1;
    });
  } catch {
    // The lab has drifted from the solution (verify:labs says so): the steps keep their files.
  }
  return regions;
}

function relative(file: string): string {
  const rel = path.relative(REPO_ROOT, file);
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}

/**
 * Whether the learner has started the lab: some step's TODO region is gone
 * or no longer throws the starter's NotImplementedError for that step.
 * check:lab all uses it to point at the lab a learner is working on,
 * wherever they started.
 */
export function hasLearnerEdits(lab: Lab, folder: string = lab.folder): boolean {
  const texts = new Map<string, string[]>();
  return lab.steps.some((step, i) => {
    const file = path.resolve(REPO_ROOT, folder, step.file);
    if (!existsSync(file)) return true;
    if (!texts.has(file)) texts.set(file, readFileSync(file, 'utf8').split('\n'));
    const region = learnerRegions(lab, file).get(i + 1);
    if (!region) return true;
    const code = (texts.get(file) as string[]).slice(region.line, region.endLine - 1).join('\n');
    return !code.includes(`new NotImplementedError('lab ${lab.id}, step ${i + 1} `);
  });
}
