import { StarterDriftError, parseTodoRegions, solutionSnippets } from './todo-regions';

/**
 * `npm run labs:sync`, for one file: carries an author's change to a
 * solution file into the lab file that mirrors it, keeping the lab's TODO
 * regions (and its `// lab starter only` lines) as they are.
 *
 * The old solution is gone by the time this runs, so the lab file itself says
 * where its regions sit: its text outside the regions is the old solution
 * with holes. A line diff (longest common subsequence) of that text against
 * the new solution finds the author's changes; the lines of the new solution
 * that fill a hole are that region's solution, which stays hidden behind the
 * TODO. So a line the solution gains right against a TODO region counts as
 * part of that region's solution (review with git diff). A changed or
 * removed line right next to a region is ambiguous (the starter would lose a
 * line the learner sees), so it is refused: edit that lab file by hand.
 */
export class SyncAmbiguityError extends Error {
  constructor(file: string, step: number) {
    super(`${file}: the solution changed right next to the TODO for step ${step}; edit this lab file by hand so it is the solution with that TODO region`);
    this.name = 'SyncAmbiguityError';
  }
}

const STARTER_ONLY = /\/\/ lab starter only\s*$/;

interface Hole {
  readonly hole: number;
}
type Piece = string | Hole;

const linesOf = (text: string) => text.split(/(?<=\n)/);

/** The lab file synchronised with `solution`; the same text when nothing changed. */
export function syncStarter(starter: string, solution: string, file: string): string {
  try {
    solutionSnippets(starter, solution, file);
    return starter; // already in step
  } catch (error) {
    if (!(error instanceof StarterDriftError)) throw error;
  }
  const regions = parseTodoRegions(starter, file);
  const lines = linesOf(starter);
  // A: the lab file's fixed lines, each region replaced by one hole; starter-only lines set aside.
  const a: Piece[] = [];
  const regionText: string[] = [];
  /** Starter-only lines, keyed by the index in `a` of the piece they follow (-1: the start). */
  const starterOnly = new Map<number, string[]>();
  let lineNo = 0;
  for (const region of regions) {
    for (; lineNo < region.startLine - 1; lineNo++) pushFixed(lines[lineNo]);
    regionText.push(lines.slice(region.startLine - 1, region.endLine).join(''));
    a.push({ hole: regionText.length - 1 });
    lineNo = region.endLine;
  }
  for (; lineNo < lines.length; lineNo++) pushFixed(lines[lineNo]);

  function pushFixed(line: string): void {
    if (STARTER_ONLY.test(line.replace(/\r?\n$/, ''))) starterOnly.set(a.length - 1, [...(starterOnly.get(a.length - 1) ?? []), line]);
    else a.push(line);
  }

  const b = linesOf(solution);
  const lcs = lcsTable(a, b);
  let out = (starterOnly.get(-1) ?? []).join('');
  let i = 0;
  let j = 0;
  let afterHole = false;
  // One hunk: the pieces of A deleted and the lines of B inserted between two matches.
  let deleted: Piece[] = [];
  let inserted: string[] = [];
  const flush = () => {
    const holes = deleted.filter((p): p is Hole => typeof p !== 'string');
    if (holes.length > 1 || (holes.length === 1 && deleted.length > 1)) throw new SyncAmbiguityError(file, regions[holes[0].hole].step);
    out += holes.length === 1 ? regionText[holes[0].hole] : inserted.join('');
    deleted = [];
    inserted = [];
  };
  const emitStarterOnly = (index: number) => {
    for (const line of starterOnly.get(index) ?? []) {
      if (deleted.length > 0 || inserted.length > 0) flush();
      out += line;
    }
  };
  while (i < a.length || j < b.length) {
    const matches = i < a.length && j < b.length && a[i] === b[j] && lcs[i][j] === lcs[i + 1][j + 1] + 1;
    // Just after a hole, B's lines are its solution: take as many as keep the best match.
    if (j < b.length && (afterHole || !matches) && lcs[i][j + 1] === lcs[i][j] && !(i < a.length && typeof a[i] !== 'string' && !afterHole)) {
      inserted.push(b[j++]);
    } else if (matches) {
      flush();
      afterHole = false;
      out += b[j++];
      emitStarterOnly(i++);
    } else {
      const piece = a[i];
      if (typeof piece !== 'string') {
        // Lines the author added right before a TODO could belong to its hidden solution or not.
        if (inserted.length > 0) throw new SyncAmbiguityError(file, regions[piece.hole].step);
        afterHole = true;
      }
      deleted.push(piece);
      emitStarterOnly(i++);
    }
  }
  flush();
  solutionSnippets(out, solution, file); // the result must be the solution with holes, or this throws
  return out;
}

function lcsTable(a: readonly Piece[], b: readonly string[]): number[][] {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  return table;
}
