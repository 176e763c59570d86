/**
 * The TODO regions of a lab's starter file, and their solutions.
 *
 * A starter file is its solution/src counterpart with some whole-line regions
 * replaced by a TODO:
 *
 * ```ts
 *   // TODO lab 2, step 4 (after steps 1-3): relay one new outbox event.
 *   //   ...what the code must do...
 *   throw new NotImplementedError('lab 2, step 4 — relay one outbox event ...');
 *   // END TODO lab 2, step 4
 * ```
 *
 * plus, at most, lines ending in `// lab starter only` (the import of
 * NotImplementedError). Everything else must be byte-for-byte the solution,
 * so the solution of each region can be read off the solution file
 * mechanically. That is what lets the verifier prove each TODO is covered
 * by a test (swap in one solution, see a test turn green) and catch any
 * drift between a lab and the solution.
 */
export interface TodoRegion {
  readonly lab: number;
  readonly step: number;
  /** Steps that must be done before this one can show progress ("after steps 1-3"). */
  readonly after: readonly number[];
  readonly title: string;
  /** 1-based line numbers of the TODO and END TODO markers. */
  readonly startLine: number;
  readonly endLine: number;
}

export class TodoMarkerError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'TodoMarkerError';
  }
}

/** The starter differs from the solution outside its TODO regions. */
export class StarterDriftError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'StarterDriftError';
  }
}

const BEGIN = /^\s*\/\/ TODO lab (\d+), step (\d+)(?: \(after steps? ([^)]*)\))?: (.+?)\s*$/;
const END = /^\s*\/\/ END TODO lab (\d+), step (\d+)\s*$/;
const STARTER_ONLY = /\/\/ lab starter only\s*$/;
const NOT_IMPLEMENTED = /new NotImplementedError\('lab (\d+), step (\d+) — [^']+'\)/;

/** Splits text into lines that keep their line break, so regions can be cut and joined back exactly. */
function linesOf(text: string): string[] {
  return text.split(/(?<=\n)/);
}

function parseAfter(text: string | undefined, file: string, line: number): number[] {
  if (text === undefined) return [];
  const steps: number[] = [];
  for (const part of text
    .split(/,|\band\b/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const range = part.match(/^(\d+)\s*-\s*(\d+)$/);
    if (range) {
      for (let s = Number(range[1]); s <= Number(range[2]); s++) steps.push(s);
    } else if (/^\d+$/.test(part)) {
      steps.push(Number(part));
    } else {
      throw new TodoMarkerError(file, line, `"(after ${text})" must list step numbers, e.g. "(after step 1)" or "(after steps 1-3)"`);
    }
  }
  return steps;
}

export function parseTodoRegions(text: string, file: string): TodoRegion[] {
  const regions: TodoRegion[] = [];
  let open: { lab: number; step: number; after: number[]; title: string; startLine: number; throws: boolean } | undefined;
  linesOf(text).forEach((raw, index) => {
    const line = raw.replace(/\r?\n$/, '');
    const lineNo = index + 1;
    const begin = line.match(BEGIN);
    const end = line.match(END);
    if (begin) {
      if (open)
        throw new TodoMarkerError(
          file,
          lineNo,
          `TODO inside the TODO opened at line ${open.startLine}; close it first with "// END TODO lab ${open.lab}, step ${open.step}"`,
        );
      open = { lab: Number(begin[1]), step: Number(begin[2]), after: parseAfter(begin[3], file, lineNo), title: begin[4], startLine: lineNo, throws: false };
    } else if (end) {
      if (!open) throw new TodoMarkerError(file, lineNo, 'END TODO without a TODO');
      if (Number(end[1]) !== open.lab || Number(end[2]) !== open.step) {
        throw new TodoMarkerError(file, lineNo, `END TODO lab ${end[1]}, step ${end[2]} closes the TODO for lab ${open.lab}, step ${open.step}`);
      }
      if (!open.throws) {
        throw new TodoMarkerError(
          file,
          open.startLine,
          `the TODO must throw new NotImplementedError('lab ${open.lab}, step ${open.step} — ...') so it fails clearly at run time`,
        );
      }
      regions.push({ lab: open.lab, step: open.step, after: open.after, title: open.title, startLine: open.startLine, endLine: lineNo });
      open = undefined;
    } else if (open) {
      const thrown = line.match(NOT_IMPLEMENTED);
      if (thrown) {
        if (Number(thrown[1]) !== open.lab || Number(thrown[2]) !== open.step) {
          throw new TodoMarkerError(
            file,
            lineNo,
            `NotImplementedError names lab ${thrown[1]}, step ${thrown[2]} inside the TODO for lab ${open.lab}, step ${open.step}`,
          );
        }
        open.throws = true;
      }
    } else if (/\bTODO\b/.test(line) && /\/\/\s*TODO/.test(line)) {
      throw new TodoMarkerError(file, lineNo, 'a TODO comment must read "// TODO lab N, step M: what to do" and be closed by "// END TODO lab N, step M"');
    }
  });
  if (open)
    throw new TodoMarkerError(
      file,
      open.startLine,
      `TODO lab ${open.lab}, step ${open.step} is never closed by "// END TODO lab ${open.lab}, step ${open.step}"`,
    );
  return regions;
}

/** A starter file taken apart: the fixed text between regions, and the regions. */
interface Pieces {
  /** fixed[i] comes before regions[i]; fixed has one more entry than regions. Starter-only lines are left out. */
  readonly fixed: string[];
  /** The starter's own text of each region (markers included). */
  readonly regionText: string[];
  readonly regions: TodoRegion[];
}

function piecesOf(starter: string, file: string): Pieces {
  const regions = parseTodoRegions(starter, file);
  const lines = linesOf(starter);
  const fixed: string[] = [];
  const regionText: string[] = [];
  let cursor = 0;
  for (const region of regions) {
    fixed.push(withoutStarterOnly(lines.slice(cursor, region.startLine - 1)));
    regionText.push(lines.slice(region.startLine - 1, region.endLine).join(''));
    cursor = region.endLine;
  }
  fixed.push(withoutStarterOnly(lines.slice(cursor)));
  fixed.slice(1, -1).forEach((text, i) => {
    if (text.trim() === '') throw new TodoMarkerError(file, regions[i + 1].startLine, 'two TODO regions need at least one line of code between them');
  });
  return { fixed, regionText, regions };
}

function withoutStarterOnly(lines: string[]): string {
  return lines.filter((line) => !STARTER_ONLY.test(line.replace(/\r?\n$/, ''))).join('');
}

/** The solution's code for each region of the starter, in order. Throws StarterDriftError when the two files differ elsewhere. */
export function solutionSnippets(starter: string, solution: string, file: string): string[] {
  const { fixed } = piecesOf(starter, file);
  if (fixed.length === 1) {
    if (fixed[0] !== solution) throw new StarterDriftError(file, `has no TODO but differs from the solution (${firstDifference(fixed[0], solution)})`);
    return [];
  }
  if (!solution.startsWith(fixed[0]))
    throw new StarterDriftError(file, `differs from the solution before its first TODO (${firstDifference(fixed[0], solution)})`);
  const snippets: string[] = [];
  let position = fixed[0].length;
  for (let i = 1; i < fixed.length; i++) {
    const last = i === fixed.length - 1;
    const next = last ? (solution.endsWith(fixed[i]) ? solution.length - fixed[i].length : -1) : solution.indexOf(fixed[i], position);
    if (next < position) {
      throw new StarterDriftError(file, `the code after its TODO number ${i} is not in the solution (${firstDifference(fixed[i], solution.slice(position))})`);
    }
    snippets.push(solution.slice(position, next));
    position = next + fixed[i].length;
  }
  return snippets;
}

/** The starter with the regions of `solvedSteps` replaced by their solutions. */
export function solveSteps(starter: string, solution: string, file: string, solvedSteps: ReadonlySet<number>): string {
  const { regions, regionText } = piecesOf(starter, file);
  const snippets = solutionSnippets(starter, solution, file);
  const lines = linesOf(starter);
  let result = '';
  let cursor = 0;
  regions.forEach((region, i) => {
    result += lines.slice(cursor, region.startLine - 1).join('');
    result += solvedSteps.has(region.step) ? snippets[i] : regionText[i];
    cursor = region.endLine;
  });
  return result + lines.slice(cursor).join('');
}

function firstDifference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && expected[i] === actual[i]) i++;
  const line = expected.slice(0, i).split('\n').length;
  const show = (text: string) => JSON.stringify(text.slice(i, i + 40));
  return `first difference on line ${line} of that stretch: starter has ${show(expected)}, solution has ${show(actual)}`;
}
