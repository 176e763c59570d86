import { readableProblem } from './problem-text';

/** What went wrong, without jest's matcher boilerplate. */
describe('the problem shown for a failed requirement', () => {
  it('keeps expected and received, and drops the matcher line and the stack', () => {
    const message = 'Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 201\nReceived: 500\n    at Object.toBe (/x/test.ts:1:1)';

    expect(readableProblem(message)).toEqual(['Expected: 201', 'Received: 500']);
  });

  it('shows a negated or multi-argument matcher by its expected and received lines', () => {
    const message =
      'Error: expect(received).not.toHaveProperty(path)\n\nExpected path: not "publishedAt"\n\nReceived value: "2030-01-01"\n    at x (/x.ts:1:1)';

    expect(readableProblem(message)).toEqual(['Expected path: not "publishedAt"', 'Received value: "2030-01-01"']);
  });

  it('reduces a deep-equality diff to its changed lines', () => {
    const message = [
      'Error: expect(received).toEqual(expected) // deep equality',
      '',
      '- Expected  - 1',
      '+ Received  + 1',
      '',
      '  Object {',
      '-   "status": "PENDING",',
      '+   "status": "FAILED",',
      '    "totalCents": 100,',
      '  }',
    ].join('\n');

    expect(readableProblem(message)).toEqual(['Expected (-) and received (+) differ:', '  -   "status": "PENDING",', '  +   "status": "FAILED",']);
  });

  it('keeps an error that is not an assertion as its name and message', () => {
    expect(readableProblem('ConditionalCheckFailedException: The conditional request failed\n    at x (/x.ts:1:1)')).toEqual([
      'ConditionalCheckFailedException: The conditional request failed',
    ]);
    expect(readableProblem('Error: the saga did not finish within 5000 ms')).toEqual(['the saga did not finish within 5000 ms']);
  });

  it('caps a long problem at a few lines', () => {
    const message = `Error: expect(received).toContain(expected)\n\n${Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n')}`;

    expect(readableProblem(message)).toHaveLength(9);
    expect(readableProblem(message).at(-1)).toBe('…');
  });
});
