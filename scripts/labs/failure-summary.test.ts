import { summarizeFailure } from './failure-summary';
import type { Requirement } from './jest-run';
import { REPO_ROOT, loadLabs } from './manifest';
import { checkCommand, progressBar } from './report';
import { parseCheckArgs } from './check-args';

/** What a learner reads about their first failure, built from jest's messages. */
const labs = loadLabs();
const lab1 = labs[0];

function failed(messages: string[], assertion = false): Requirement {
  return { groups: ['Step 2'], title: 'writes the order', passed: false, failure: { messages, assertion } };
}

describe('the first failure, summarised', () => {
  it('names the TODO a NotImplementedError comes from, at the line of its marker', () => {
    const summary = summarizeFailure(failed(['NotImplementedError: Not implemented: lab 1, step 2 — write the order and its ORDER_CREATED event in one transaction\n    at x (/nowhere.ts:1:1)']), lab1, lab1.folder);

    expect(summary.problem).toEqual(['Not implemented: lab 1, step 2 — write the order and its ORDER_CREATED event in one transaction']);
    expect(summary.edit?.file).toBe('labs/01-transactional-outbox/src/lib/orders.ts');
    expect(summary.edit?.line).toBeGreaterThan(1);
  });

  it('finds the step inside a Lambda error\'s JSON cause (saga steps)', () => {
    const lab4 = labs[3];
    const summary = summarizeFailure(failed(['NotImplementedError: {"errorType":"NotImplementedError","errorMessage":"Not implemented: lab 4, step 3 — refund the charge, once"}']), lab4, lab4.folder);

    expect(summary.problem).toEqual(['Not implemented: lab 4, step 3 — refund the charge, once']);
    expect(summary.edit?.file).toBe('labs/04-saga-compensation/src/lib/payments.ts');
  });

  it('shows an assertion as its expected and received lines, with the test line that checked it', () => {
    const test = `${REPO_ROOT}/${lab1.test}`;
    const summary = summarizeFailure(
      failed([`Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 201\nReceived: 500\n    at Object.toBe (${test}:128:30)`], true),
      lab1,
      'solution',
    );

    expect(summary.problem).toEqual(['expect(received).toBe(expected) // Object.is equality', 'Expected: 201', 'Received: 500']);
    expect(summary.checkedAt).toBe(`${lab1.test}:128`);
  });

  it('points at the learner\'s own code when the stack passes through it', () => {
    const file = `${REPO_ROOT}/${lab1.folder}/src/lib/money.ts`;
    const summary = summarizeFailure(failed([`TypeError: x is not a function\n    at toCents (${file}:20:5)`]), lab1, lab1.folder);

    expect(summary.edit).toEqual({ file: `${lab1.folder}/src/lib/money.ts`, line: 20 });
  });
});

describe('check:lab arguments and report pieces', () => {
  it('reads a lab number, all, and the flags', () => {
    expect(parseCheckArgs(['2', '--watch'], labs)).toMatchObject({ target: labs[1], watch: true, hint: false, solution: false });
    expect(parseCheckArgs(['all', '--', '--solution'], labs)).toMatchObject({ target: 'all', solution: true });
    expect(() => parseCheckArgs(['5'], labs)).toThrow('There is no lab "5".');
    expect(() => parseCheckArgs(['1', '2'], labs)).toThrow('One lab at a time');
  });

  it('draws the progress bar in proportion', () => {
    expect(progressBar(0, 10, 10)).toBe('[░░░░░░░░░░]');
    expect(progressBar(5, 10, 10)).toBe('[█████░░░░░]');
    expect(progressBar(10, 10, 10)).toBe('[██████████]');
    expect(checkCommand(labs[1], '--hint')).toBe('npm run check:lab 2 -- --hint');
  });
});

describe('the file to edit when nothing in the failure points at one', () => {
  it('uses the step the requirement belongs to, where its TODO marker still stands', () => {
    const lab4 = labs[3];
    const requirement: Requirement = {
      groups: ['Step 3 · RefundPayment undoes a charge, once'],
      title: 'refunds a charge',
      passed: false,
      failure: { messages: ['Error: expect(received).toEqual(expected)\n\nExpected: 1\nReceived: 2'], assertion: true },
    };

    expect(summarizeFailure(requirement, lab4, lab4.folder).edit?.file).toBe('labs/04-saga-compensation/src/lib/payments.ts');
  });
});
