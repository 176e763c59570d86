import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labEdits, learnerNote } from './lab-edits';

/** A repository with two labs, each file holding a TODO as shipped. */
function repository(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sdp-lab-edits-'));
  const labs = [
    { id: 1, folder: 'labs/01-a', edit: ['src/lib/money.ts'] },
    { id: 2, folder: 'labs/02-b', edit: ['src/lib/outbox.ts'] },
  ];
  mkdirSync(path.join(root, 'labs'), { recursive: true });
  writeFileSync(path.join(root, 'labs', 'labs.json'), JSON.stringify({ labs }));
  for (const lab of labs) {
    mkdirSync(path.join(root, lab.folder, 'src', 'lib'), { recursive: true });
    writeFileSync(path.join(root, lab.folder, lab.edit[0]), '// TODO(lab): step 1\n');
  }
  return root;
}

describe('telling a learner who has started a lab that check:lab is their command', () => {
  let root: string;
  beforeEach(() => (root = repository()));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('says nothing when no lab has been touched', () => {
    expect(labEdits(root, [])).toEqual([]);
    expect(learnerNote(labEdits(root, []))).toBeUndefined();
  });

  it('names the lab the learner works on (the latest one edited) and its check:lab command', () => {
    const edits = labEdits(root, ['labs/01-a/src/lib/money.ts', 'labs/02-b/src/lib/outbox.ts', 'labs/02-b/README.md', 'solution/x.ts']);
    expect(edits).toEqual([
      { lab: 1, files: ['src/lib/money.ts'] },
      { lab: 2, files: ['src/lib/outbox.ts'] },
    ]);
    const note = learnerNote(edits) as string;
    expect(note).toContain('You have started lab 2 (src/lib/outbox.ts).');
    expect(note).toContain('Your command is:  npm run check:lab 2');
    expect(note).toMatch(/that is expected, and nothing is broken/);
    expect(note).not.toMatch(/labs\.json|TODO/);
  });

  it('without git, sees a lab file whose TODOs are gone', () => {
    writeFileSync(path.join(root, 'labs/01-a/src/lib/money.ts'), 'export const cents = 1;\n');
    expect(labEdits(root, undefined)).toEqual([{ lab: 1, files: ['src/lib/money.ts'] }]);
  });
});
