import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Requirement } from './jest-run';
import { type Lab, REPO_ROOT, SOLUTION_FOLDER } from './manifest';
import { readableProblem } from './problem-text';
import { type Location, stepLocations } from './step-locations';

/**
 * Turns one failed requirement into the few lines a learner needs: the step
 * at fault and the file (and line) of its TODO, what breaks in production
 * when that step is wrong, and what went wrong, instead of jest's report.
 */
export interface FailureSummary {
  readonly requirement: string;
  /** The step whose code is at fault, when known. */
  readonly step?: number;
  /** Repository-relative file the learner edits, with the line of the fault or of its TODO when known. */
  readonly edit?: Location;
  /** When no one step is known ("Steps 1–4 together"): the TODOs of the steps the requirement covers. */
  readonly candidates?: readonly (Location & { readonly step: number })[];
  /** The error was raised in code the learner does not write (solution/src, or outside their TODOs): where, so the pointer is not a mystery. */
  readonly raisedIn?: Location;
  /** A few lines: the not-implemented message, or what was expected versus received. */
  readonly problem: readonly string[];
  /** labs.json: what breaks in production when this step is wrong. */
  readonly why?: string;
  /** Where in the lab's test the requirement is checked (file:line). */
  readonly checkedAt?: string;
}

const NOT_IMPLEMENTED = /Not implemented: lab (\d+), step (\d+) — ([^"\n\\]+)/;
const STACK_FRAME = /^\s*at .*?\(?((?:\/|[A-Za-z]:\\)?[^\s():]+\.ts):(\d+):\d+\)?\s*$/;

export function summarizeFailure(requirement: Requirement, lab: Lab, codeRoot: string): FailureSummary {
  const messages = requirement.failure?.messages ?? [];
  const root = path.resolve(REPO_ROOT, codeRoot);
  const all = messages.join('\n');
  const steps = stepLocations(lab, codeRoot);
  const editFiles = new Set(lab.edit.map((file) => display(path.join(root, file))));
  const frames = framesOf(messages[0] ?? all);
  const srcFolders = [path.join(root, 'src'), path.join(REPO_ROOT, SOLUTION_FOLDER, 'src')].map(display);
  const inSrc = (file: string) => srcFolders.some((folder) => file.startsWith(`${folder}/`));

  const todo = all.match(NOT_IMPLEMENTED);
  // The learner's code is their TODO regions: the innermost frame inside one names the step at fault.
  // (Without markers, e.g. deleted by the learner, any frame in an edit file will do.)
  const regionFrame = frames.find((frame) => stepAt(steps, frame) !== undefined);
  const editFrame = regionFrame ?? frames.find((frame) => editFiles.has(frame.file));
  const groupSteps = namedStep(lab, requirement.title, stepsOfGroups(requirement.groups));
  // The step at fault: the TODO that said so, else the TODO region the stack passes through, else the test's step.
  // (A TODO of another lab: an unfinished file carried in from an earlier lab, found by its stack.)
  const ownTodo = todo !== null && Number(todo[1]) === lab.id;
  const step = ownTodo ? Number(todo[2]) : ((regionFrame && stepAt(steps, regionFrame)) ?? (todo ? undefined : singleOrNone(groupSteps)));
  const todoOfStep = step === undefined ? undefined : steps.get(step);
  const edit = ownTodo ? todoOfStep : (editFrame ?? todoOfStep ?? (todo ? frames.find((frame) => inSrc(frame.file)) : undefined));
  // Where the error was raised, when that is code the learner does not write (e.g. solution/src/lib/saga-input.ts).
  const topSrcFrame = frames.find((frame) => inSrc(frame.file));
  const raisedIn = !todo && topSrcFrame && topSrcFrame !== editFrame && stepAt(steps, topSrcFrame) === undefined ? topSrcFrame : undefined;
  // The test's own line is the last frame in the test file (earlier ones are its helpers); an error
  // with no such frame (raised in a Lambda handler the test drove) still gets the line of the test.
  const checked = frames.filter((frame) => frame.file === lab.test).at(-1) ?? testLine(lab, requirement.title);
  const candidates =
    step === undefined && groupSteps.length > 1 ? groupSteps.flatMap((s) => (steps.has(s) ? [{ ...(steps.get(s) as Location), step: s }] : [])) : [];
  const why = step === undefined ? undefined : lab.steps[step - 1]?.why;
  return {
    requirement: requirement.title,
    ...(step !== undefined ? { step } : {}),
    ...(edit ? { edit } : {}),
    ...(candidates.length > 0 ? { candidates } : {}),
    ...(raisedIn ? { raisedIn } : {}),
    problem: todo ? [`Not implemented: lab ${todo[1]}, step ${todo[2]} — ${todo[3].trim()}`] : readableProblem(messages[0]),
    ...(why ? { why } : {}),
    ...(checked ? { checkedAt: `${checked.file}:${checked.line}` } : {}),
  };
}

/** Stack frames of one message, repository-relative, innermost first. */
interface Frame {
  readonly file: string;
  readonly line: number;
}

function framesOf(text: string): Frame[] {
  const frames: Frame[] = [];
  for (const line of text.split('\n')) {
    const frame = line.match(STACK_FRAME);
    if (frame) frames.push({ file: display(path.resolve(REPO_ROOT, frame[1])), line: Number(frame[2]) });
  }
  return frames;
}

/** The line declaring the test, found by its title. */
function testLine(lab: Lab, title: string): Frame | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(REPO_ROOT, lab.test), 'utf8');
  } catch {
    return undefined;
  }
  const index = text.split('\n').findIndex((line) => /\b(?:it|test)(?:\.\w+)*\(/.test(line) && line.includes(title));
  return index >= 0 ? { file: lab.test, line: index + 1 } : undefined;
}

/** "Step 2 · ..." is step 2; "Steps 1–4 together · ..." covers steps 1 to 4. */
export function stepsOfGroups(groups: readonly string[]): number[] {
  for (const group of groups) {
    const one = group.match(/^Step (\d+)\b/);
    if (one) return [Number(one[1])];
    const range = group.match(/^Steps (\d+)\s*[–-]\s*(\d+)\b/);
    if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
  }
  return [];
}

/** A test of several steps whose title names exactly one of them by a state name ("two RefundPayment attempts"): that one. */
function namedStep(lab: Lab, title: string, steps: readonly number[]): number[] {
  if (steps.length < 2) return [...steps];
  const named = steps.filter((step) => (lab.steps[step - 1]?.names ?? []).some((name) => new RegExp(`\\b${name}\\b`).test(title)));
  return named.length === 1 ? named : [...steps];
}

const singleOrNone = (steps: readonly number[]) => (steps.length === 1 ? steps[0] : undefined);

/** The step whose TODO region holds this line of an edit file. */
function stepAt(steps: ReadonlyMap<number, Location>, frame: Frame): number | undefined {
  for (const [step, where] of steps) {
    if (where.file === frame.file && where.line !== undefined && where.endLine !== undefined && frame.line >= where.line && frame.line <= where.endLine)
      return step;
  }
  return undefined;
}

/** Repository-relative when inside the repository, absolute otherwise. */
function display(file: string): string {
  const relative = path.relative(REPO_ROOT, file);
  return relative.startsWith('..') ? file : relative.split(path.sep).join('/');
}
