import { SyncAmbiguityError, syncStarter } from './starter-sync';
import { solutionSnippets } from './todo-regions';

/** labs:sync carries an author's solution change into a lab file and keeps its TODOs. */
const solution = [
  "import { a } from './a';",
  '',
  'export function one(): number {',
  '  if (a > 0) {',
  '    return a + 1;',
  '  }',
  '  return 0;',
  '}',
  '',
  'export function two(): number {',
  '  const x = a * 2;',
  '  return x;',
  '}',
  '',
].join('\n');

const starter = [
  "import { a } from './a';",
  "import { NotImplementedError } from './not-implemented'; // lab starter only",
  '',
  'export function one(): number {',
  '  // TODO lab 9, step 1: add one.',
  "  throw new NotImplementedError('lab 9, step 1 — add one');",
  '  // END TODO lab 9, step 1',
  '  return 0;',
  '}',
  '',
  'export function two(): number {',
  '  // TODO lab 9, step 2: double it.',
  "  throw new NotImplementedError('lab 9, step 2 — double it');",
  '  // END TODO lab 9, step 2',
  '}',
  '',
].join('\n');

const edit = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`fixture: ${from} not found`);
  return text.replace(from, to);
};

describe('labs:sync (one lab file)', () => {
  it('leaves a lab file that is in step exactly as it is', () => {
    expect(syncStarter(starter, solution, 'x.ts')).toBe(starter);
  });

  it('carries a change outside the TODO regions and keeps each TODO and the starter-only import', () => {
    const change = (text: string) =>
      edit(
        edit(text, "import { a } from './a';", "import { a } from './a';\nimport { b } from './b';"),
        '}\n\nexport function two',
        '}\n\n/** Twice a. */\nexport function two',
      );
    const changed = change(solution);
    const synced = syncStarter(starter, changed, 'x.ts');
    // The starter-only import stays right after the line it followed.
    expect(synced).toBe(
      edit(
        change(starter),
        "import { b } from './b';\nimport { NotImplementedError } from './not-implemented'; // lab starter only",
        "import { NotImplementedError } from './not-implemented'; // lab starter only\nimport { b } from './b';",
      ),
    );
    expect(solutionSnippets(synced, changed, 'x.ts')).toEqual(['  if (a > 0) {\n    return a + 1;\n  }\n', '  const x = a * 2;\n  return x;\n']);
  });

  it('keeps a TODO whose hidden solution ends with the same line as the code after it', () => {
    const changed = `// header\n${solution}`;
    expect(syncStarter(starter, changed, 'x.ts')).toBe(`// header\n${starter}`);
  });

  it('refuses a changed line right next to a TODO region, where it could belong to the hidden solution', () => {
    const changed = edit(solution, '  return 0;', '  return -1;');
    expect(() => syncStarter(starter, changed, 'x.ts')).toThrow(SyncAmbiguityError);
  });

  it('counts a line added right against a TODO region as part of its hidden solution', () => {
    const changed = edit(solution, '  const x = a * 2;\n', '  log();\n  const x = a * 2;\n');
    const synced = syncStarter(starter, changed, 'x.ts');
    expect(synced).toBe(starter);
    expect(solutionSnippets(synced, changed, 'x.ts')[1]).toBe('  log();\n  const x = a * 2;\n  return x;\n');
  });
});
