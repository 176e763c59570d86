import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Edit, Mutant } from './mutants';

/**
 * A throw-away code tree for one mutant: a copy of solution/src with one file
 * changed, in the system temp folder. The repository is never edited.
 */
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const SOLUTION_SRC = path.join(REPO_ROOT, 'solution', 'src');

/** Raised when a mutant's search text is no longer in its file (the solution changed): fix the mutant. */
export class StaleMutantError extends Error {
  constructor(mutant: string, file: string, search: string, found: number) {
    super(`mutant ${mutant}: ${file} contains the search text ${found} times, not once; update scripts/mutants/mutants.ts\n  search: ${search}`);
    this.name = 'StaleMutantError';
  }
}

export interface CodeRoot {
  readonly dir: string;
  remove(): void;
}

/**
 * Copies `sourceSrc` (default solution/src) into `<temp>/src`, applies the
 * mutant's edits (if any) and links the repository's node_modules next to it,
 * so the copy's imports resolve exactly as the solution's do.
 */
export function buildCodeRoot(mutant: Mutant | undefined, sourceSrc = SOLUTION_SRC): CodeRoot {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sdp-mutant-${mutant?.id ?? 'baseline'}-`));
  fs.cpSync(sourceSrc, path.join(dir, 'src'), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  if (mutant) {
    const file = path.join(dir, 'src', mutant.file);
    try {
      fs.writeFileSync(file, applyEdits(mutant.id, mutant.file, fs.readFileSync(file, 'utf8'), mutant.edits));
    } catch (error) {
      remove();
      throw error;
    }
  }
  return { dir, remove };
}

export function applyEdits(mutant: string, file: string, text: string, edits: readonly Edit[]): string {
  let result = text;
  for (const { search, replace } of edits) {
    const found = result.split(search).length - 1;
    if (found !== 1) throw new StaleMutantError(mutant, file, search, found);
    result = result.replace(search, () => replace);
  }
  return result;
}

/**
 * How a jest run is pointed at a code tree: the ONE place that knows it.
 * Today jest.config.js maps `@app/...` to `$SDP_CODE_ROOT/src/...` and the
 * test cloud's Lambda runtime loads handlers from the same folder; if the lab
 * layout changes how a code root is chosen, only this function changes.
 */
export function codeRootEnvironment(codeRoot: string): Record<string, string> {
  return { SDP_CODE_ROOT: codeRoot };
}
