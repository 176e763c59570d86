import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stepsOfGroups, summarizeFailure } from './failure-summary';
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
    const summary = summarizeFailure(
      failed([
        'NotImplementedError: Not implemented: lab 1, step 2 — write the order and its ORDER_CREATED event in one transaction\n    at x (/nowhere.ts:1:1)',
      ]),
      lab1,
      lab1.folder,
    );

    expect(summary.problem).toEqual(['Not implemented: lab 1, step 2 — write the order and its ORDER_CREATED event in one transaction']);
    expect(summary.edit?.file).toBe('labs/01-transactional-outbox/src/lib/orders.ts');
    expect(summary.edit?.line).toBeGreaterThan(1);
  });

  it("finds the step inside a Lambda error's JSON cause (saga steps)", () => {
    const lab4 = labs[3];
    const summary = summarizeFailure(
      failed(['NotImplementedError: {"errorType":"NotImplementedError","errorMessage":"Not implemented: lab 4, step 3 — refund the charge, once"}']),
      lab4,
      lab4.folder,
    );

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

    expect(summary.problem).toEqual(['Expected: 201', 'Received: 500']);
    expect(summary.checkedAt).toBe(`${lab1.test}:128`);
  });

  it("points at the learner's own code when the stack passes through it", () => {
    const file = `${REPO_ROOT}/${lab1.folder}/src/lib/money.ts`;
    const summary = summarizeFailure(failed([`TypeError: x is not a function\n    at toCents (${file}:20:5)`]), lab1, lab1.folder);

    expect(summary.edit).toEqual({ file: `${lab1.folder}/src/lib/money.ts`, line: 20 });
    expect(summary.step).toBe(1); // line 20 lies in step 1's TODO region
  });
});

describe('a failure raised in a file the learner does not edit', () => {
  const lab2 = labs[1];
  const relay = `${lab2.folder}/src/handlers/outbox-relay.ts`;
  const step4Line = (): number => {
    const lines = readFileSync(path.join(REPO_ROOT, relay), 'utf8').split('\n');
    return lines.findIndex((line) => line.includes('TODO lab 2, step 4')) + 3;
  };
  const stack = (callerFile: string, callerLine: number) =>
    [
      'InvalidInputError: step input: items must be a non-empty array',
      `    at parseSagaInput (${REPO_ROOT}/solution/src/lib/saga-input.ts:27:25)`,
      `    at parseOutboxEvent (${REPO_ROOT}/solution/src/lib/outbox.ts:30:10)`,
      `    at relayRecord (${REPO_ROOT}/${callerFile}:${callerLine}:17)`,
      `    at Object.<anonymous> (${REPO_ROOT}/${lab2.test}:300:5)`,
    ].join('\n');

  it("points at the learner's calling line and its step, names where it was raised, and says why the step matters", () => {
    // The test sits in step 3's group, but the stack runs through step 4's TODO region: step 4 is at fault.
    const requirement: Requirement = {
      groups: ['Step 3 · the relay handles a batch record by record'],
      title: 'reports only the records that fail',
      passed: false,
      failure: { messages: [stack(relay, step4Line())], assertion: false },
    };

    const summary = summarizeFailure(requirement, lab2, lab2.folder);

    expect(summary.step).toBe(4);
    expect(summary.edit).toEqual({ file: relay, line: step4Line() });
    expect(summary.raisedIn).toEqual({ file: 'solution/src/lib/saga-input.ts', line: 27 });
    expect(summary.why).toBe(lab2.steps[3].why);
    expect(summary.checkedAt).toBe(`${lab2.test}:300`);
  });

  it("does the same against the solution (--solution), where the edit files are solution/src's", () => {
    const requirement: Requirement = {
      groups: ['Step 4 · the relay'],
      title: 'relays',
      passed: false,
      failure: { messages: [stack('solution/src/handlers/outbox-relay.ts', 23)], assertion: false },
    };

    const summary = summarizeFailure(requirement, lab2, 'solution');

    expect(summary.edit).toEqual({ file: 'solution/src/handlers/outbox-relay.ts', line: 23 });
    expect(summary.step).toBe(4);
    expect(summary.raisedIn?.file).toBe('solution/src/lib/saga-input.ts');
  });

  it("with no frame in the learner's files, maps the failure to the TODO of the test's step", () => {
    const messages = ['InvalidInputError: bad\n' + `    at parseSagaInput (${REPO_ROOT}/solution/src/lib/saga-input.ts:27:25)`];
    const requirement: Requirement = { groups: ['Step 4 · the relay'], title: 'relays', passed: false, failure: { messages, assertion: false } };

    const summary = summarizeFailure(requirement, lab2, lab2.folder);

    expect(summary.step).toBe(4);
    expect(summary.edit).toMatchObject({ file: relay, line: step4Line() - 2 });
    expect(summary.raisedIn?.file).toBe('solution/src/lib/saga-input.ts');
  });

  it('gives the test line even when the stack never reaches the test (an error raised inside a Lambda handler)', () => {
    const title = 'starts one saga per new outbox event, named by its event id';
    const requirement: Requirement = { groups: ['Step 4 · the relay'], title, passed: false, failure: { messages: ['Error: boom'], assertion: false } };
    const line =
      readFileSync(path.join(REPO_ROOT, lab2.test), 'utf8')
        .split('\n')
        .findIndex((text) => text.includes(title)) + 1;

    expect(line).toBeGreaterThan(0);
    expect(summarizeFailure(requirement, lab2, lab2.folder).checkedAt).toBe(`${lab2.test}:${line}`);
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

    const summary = summarizeFailure(requirement, lab4, lab4.folder);

    expect(summary.edit?.file).toBe('labs/04-saga-compensation/src/lib/payments.ts');
    expect(summary.step).toBe(3);
    expect(summary.why).toBe(lab4.steps[2].why);
  });

  it('lists the TODO of every step a "Steps 1–4 together" requirement covers', () => {
    const lab4 = labs[3];
    const requirement: Requirement = {
      groups: ['Steps 1–4 together · two attempts at once still act once'],
      title: 'refunds once',
      passed: false,
      failure: { messages: ['Error: expect(received).toBe(expected)\n\nExpected: 1\nReceived: 2'], assertion: true },
    };

    const summary = summarizeFailure(requirement, lab4, lab4.folder);

    expect(summary.step).toBeUndefined();
    expect(summary.candidates?.map((c) => c.step)).toEqual([1, 2, 3, 4]);
    expect(summary.candidates?.[2].file).toBe('labs/04-saga-compensation/src/lib/payments.ts');
    expect(stepsOfGroups(['Step 2 · x'])).toEqual([2]);
    // A title that names one step's state (labs.json names) points at that step.
    const named = summarizeFailure({ ...requirement, title: 'refunds once when two RefundPayment attempts run at once' }, lab4, lab4.folder);
    expect(named.step).toBe(3);
    expect(named.edit?.file).toBe('labs/04-saga-compensation/src/lib/payments.ts');
    expect(named.why).toBe(lab4.steps[2].why);
    expect(stepsOfGroups(['Steps 1-3 together'])).toEqual([1, 2, 3]);
  });
});
