import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * labs/labs.json, read and checked. It is the one place that says which labs
 * exist, their titles, minutes, files to edit, tests and hints; every script
 * and check goes through this module.
 */
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const MANIFEST_FILE = path.join(REPO_ROOT, 'labs', 'labs.json');
export const SOLUTION_FOLDER = 'solution';

export interface Lab {
  readonly id: number;
  /** Repository-relative, e.g. `labs/02-streams-relay`. */
  readonly folder: string;
  readonly title: string;
  readonly minutes: number;
  /** One sentence: what works when the lab is done. */
  readonly goal: string;
  /** Files holding the lab's TODOs, relative to the lab folder (the same paths exist under solution/). */
  readonly edit: readonly string[];
  /** Repository-relative test file. */
  readonly test: string;
  /** The lab's steps in order (steps[0] is step 1). */
  readonly steps: readonly LabStep[];
  /** Three hints, from gentle to nearly the answer. */
  readonly hints: readonly string[];
}

export interface LabStep {
  /** The edit file (lab-relative, one of `edit`) holding the step's TODO. */
  readonly file: string;
  /** One sentence: what breaks in production when the step is wrong; check:lab shows it with the step's first failure. */
  readonly why: string;
  /** Words (Step Functions state names) by which a "Steps 1–4 together" test title names this step. */
  readonly names: readonly string[];
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(`${path.relative(REPO_ROOT, MANIFEST_FILE)}: ${message}`);
    this.name = 'ManifestError';
  }
}

export const HINTS_PER_LAB = 3;

export function loadLabs(file = MANIFEST_FILE): Lab[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ManifestError(`cannot be read as JSON (${(error as Error).message})`);
  }
  const labs = (json as { labs?: unknown })?.labs;
  if (!Array.isArray(labs) || labs.length === 0) throw new ManifestError('"labs" must be a non-empty array');
  const checked = labs.map((raw, index) => checkLab(raw, index));
  checked.forEach((lab, index) => {
    if (lab.id !== index + 1) throw new ManifestError(`labs[${index}].id must be ${index + 1}: labs are numbered 1, 2, 3... in order`);
  });
  return checked;
}

function checkLab(raw: unknown, index: number): Lab {
  const at = `labs[${index}]`;
  if (typeof raw !== 'object' || raw === null) throw new ManifestError(`${at} must be an object`);
  const lab = raw as Record<string, unknown>;
  const text = (field: string): string => {
    const value = lab[field];
    if (typeof value !== 'string' || value.trim() === '') throw new ManifestError(`${at}.${field} must be a non-empty string`);
    return value;
  };
  const texts = (field: string): string[] => {
    const value = lab[field];
    if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== 'string' || item.trim() === '')) {
      throw new ManifestError(`${at}.${field} must be a non-empty array of non-empty strings`);
    }
    return value as string[];
  };
  const id = lab.id;
  const minutes = lab.minutes;
  if (!Number.isSafeInteger(id)) throw new ManifestError(`${at}.id must be an integer`);
  if (!Number.isSafeInteger(minutes) || (minutes as number) <= 0) throw new ManifestError(`${at}.minutes must be a positive integer`);
  const folder = text('folder');
  if (!/^labs\/\d{2}-[a-z0-9-]+$/.test(folder)) throw new ManifestError(`${at}.folder must look like labs/NN-name, got "${folder}"`);
  const test = text('test');
  if (!test.startsWith(`${folder}/test/`) || !test.endsWith('.test.ts')) {
    throw new ManifestError(`${at}.test must be a .test.ts file under ${folder}/test/, got "${test}"`);
  }
  const edit = texts('edit');
  for (const file of edit) {
    if (!file.startsWith('src/') || file.includes('..')) throw new ManifestError(`${at}.edit entries must be paths under src/, got "${file}"`);
  }
  const steps = checkSteps(lab.steps, at, edit);
  const hints = texts('hints');
  if (hints.length !== HINTS_PER_LAB) throw new ManifestError(`${at}.hints must hold exactly ${HINTS_PER_LAB} hints, gentle to nearly the answer`);
  return { id: id as number, folder, title: text('title'), minutes: minutes as number, goal: text('goal'), edit, test, steps, hints };
}

function checkSteps(raw: unknown, at: string, edit: readonly string[]): LabStep[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new ManifestError(`${at}.steps must be a non-empty array, one { file, why } per step, step 1 first`);
  return raw.map((step: unknown, i) => {
    const where = `${at}.steps[${i}] (step ${i + 1})`;
    const { file, why, names = [] } = (typeof step === 'object' && step !== null ? step : {}) as Record<string, unknown>;
    if (typeof file !== 'string' || !edit.includes(file))
      throw new ManifestError(`${where}.file must be one of the lab's edit files (${edit.join(', ')}), got ${JSON.stringify(file)}`);
    if (typeof why !== 'string' || why.trim() === '')
      throw new ManifestError(`${where}.why must be one sentence on what breaks in production when the step is wrong`);
    if (!Array.isArray(names) || names.some((name) => typeof name !== 'string' || !/^\w+$/.test(name)))
      throw new ManifestError(`${where}.names must be an array of single words`);
    return { file, why, names: names as string[] };
  });
}

/** The lab a command-line argument names ("2", "02"), or undefined. */
export function findLab(labs: readonly Lab[], argument: string): Lab | undefined {
  if (!/^\d{1,2}$/.test(argument)) return undefined;
  return labs.find((lab) => lab.id === Number(argument));
}

export const absolute = (repoRelative: string) => path.join(REPO_ROOT, repoRelative);
