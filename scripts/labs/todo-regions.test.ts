import { StarterDriftError, TodoMarkerError, parseTodoRegions, solutionSnippets, solveSteps } from './todo-regions';

/** The TODO regions are what the verifier swaps mechanically; these cases pin down their grammar. */
const solution = [
  "import { a } from './a';",
  '',
  'export function one(): number {',
  '  return a + 1;',
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
  '}',
  '',
  'export function two(): number {',
  '  // TODO lab 9, step 2 (after step 1): double it.',
  '  //   - keep it simple',
  "  throw new NotImplementedError('lab 9, step 2 — double it');",
  '  // END TODO lab 9, step 2',
  '}',
  '',
].join('\n');

describe('TODO regions', () => {
  it('reads each TODO: lab, step, the steps it comes after, its title and lines', () => {
    expect(parseTodoRegions(starter, 'x.ts')).toEqual([
      { lab: 9, step: 1, after: [], title: 'add one.', startLine: 5, endLine: 7 },
      { lab: 9, step: 2, after: [1], title: 'double it.', startLine: 11, endLine: 14 },
    ]);
  });

  it('reads "(after steps 1-3)" as steps 1, 2 and 3', () => {
    const text = "// TODO lab 1, step 4 (after steps 1-3): go\nthrow new NotImplementedError('lab 1, step 4 — go');\n// END TODO lab 1, step 4\n";
    expect(parseTodoRegions(text, 'x.ts')[0].after).toEqual([1, 2, 3]);
  });

  it("takes each region's solution from the solution file, ignoring starter-only lines", () => {
    expect(solutionSnippets(starter, solution, 'x.ts')).toEqual(['  return a + 1;\n', '  const x = a * 2;\n  return x;\n']);
  });

  it('solves only the steps asked for, keeping the other TODOs and the starter-only import', () => {
    const solved = solveSteps(starter, solution, 'x.ts', new Set([2]));
    expect(solved).toContain('// TODO lab 9, step 1');
    expect(solved).toContain('  const x = a * 2;\n  return x;\n');
    expect(solved).not.toContain('// TODO lab 9, step 2');
    expect(solved).toContain('// lab starter only');
  });

  it('reports drift: a starter that differs from the solution outside its TODOs', () => {
    const drifted = starter.replace('export function two', 'export function twice');
    expect(() => solutionSnippets(drifted, solution, 'x.ts')).toThrow(StarterDriftError);
  });

  it.each([
    ['a TODO that is never closed', "// TODO lab 1, step 1: x\nthrow new NotImplementedError('lab 1, step 1 — x');\n", /never closed/],
    [
      'an END TODO for another step',
      "// TODO lab 1, step 1: x\nthrow new NotImplementedError('lab 1, step 1 — x');\n// END TODO lab 1, step 2\n",
      /closes the TODO for lab 1, step 1/,
    ],
    [
      'a TODO that does not throw NotImplementedError',
      '// TODO lab 1, step 1: x\nreturn 1;\n// END TODO lab 1, step 1\n',
      /must throw new NotImplementedError/,
    ],
    [
      'a NotImplementedError naming another step',
      "// TODO lab 1, step 1: x\nthrow new NotImplementedError('lab 1, step 2 — x');\n// END TODO lab 1, step 1\n",
      /names lab 1, step 2/,
    ],
    ['a free-form TODO comment', '// TODO: fix this\n', /must read "\/\/ TODO lab N, step M/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseTodoRegions(text, 'x.ts')).toThrow(TodoMarkerError);
    expect(() => parseTodoRegions(text, 'x.ts')).toThrow(message);
  });
});
