import fs from 'node:fs';
import path from 'node:path';
import { SOLUTION_SRC, applyEdits } from './code-root';
import { MUTANTS } from './mutants';

/**
 * `npm run test:mutants` runs for minutes, so npm test does not run it; but
 * a mutant whose search text left the solution (a refactor, the formatter)
 * can no longer be made, and the labs' guard against wrong implementations
 * would quietly shrink. This keeps every mutant applicable, in a second.
 */
describe('the mutants of npm run test:mutants', () => {
  it.each(MUTANTS.map((mutant) => [`${mutant.id} (lab ${mutant.lab}, ${mutant.file})`, mutant] as const))(
    '%s still applies to solution/src: each search text is found exactly once and the edit changes the file',
    (_, mutant) => {
      const original = fs.readFileSync(path.join(SOLUTION_SRC, mutant.file), 'utf8');

      const mutated = applyEdits(mutant.id, mutant.file, original, mutant.edits);

      expect(mutated).not.toBe(original);
    },
  );

  it('has unique ids', () => {
    const ids = MUTANTS.map((mutant) => mutant.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
