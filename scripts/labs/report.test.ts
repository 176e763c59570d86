import type { Requirement } from './jest-run';
import { loadLabs } from './manifest';
import { COMPILES, type LabRow, currentLab, makeStyle, renderAllLabs, renderLabReport } from './report';
import type { TypeErrorAt } from './typecheck-lab';

/** What check:lab prints: a type error is an unmet requirement, and `all` points at the lab in progress. */
const labs = loadLabs();
const plain = makeStyle(false);
const passed = (title: string): Requirement => ({ groups: ['Step 1 · x'], title, passed: true });
const typeError: TypeErrorAt = {
  file: 'labs/01-transactional-outbox/src/lib/money.ts',
  line: 24,
  column: 9,
  code: 'TS2322',
  message: "Type 'number' is not assignable to type 'string'.",
};

describe('a lab report', () => {
  it('never says complete while the code has a type error, and shows it first with file, line and message', () => {
    const text = renderLabReport(
      { lab: labs[0], codeRoot: labs[0].folder, requirements: [passed('a'), passed('b')], hintsShown: 0, typeErrors: [typeError] },
      plain,
    );

    expect(text).not.toContain('complete');
    expect(text).toContain(`✘ ${COMPILES} (1 type error)`);
    expect(text).toContain(`Next requirement: ${COMPILES}`);
    expect(text).toContain('Edit      labs/01-transactional-outbox/src/lib/money.ts:24');
    expect(text).toContain("TS2322: Type 'number' is not assignable to type 'string'.");
    expect(text).toContain('2/3 requirements met');
    expect(text.indexOf(COMPILES)).toBeLessThan(text.indexOf('✔ a'));
  });

  it('counts compiling as a requirement met, and says complete when every requirement is met', () => {
    const text = renderLabReport({ lab: labs[0], codeRoot: labs[0].folder, requirements: [passed('a')], hintsShown: 0, typeErrors: [] }, plain);

    expect(text).toContain(`✔ ${COMPILES}`);
    expect(text).toContain('2/2 requirements met');
    expect(text).toContain('✔ Lab 1 complete.');
  });

  it("shows jest's full messages only with --verbose", () => {
    const failed: Requirement = {
      groups: [],
      title: 'c',
      passed: false,
      failure: { messages: ['Error: expect(received).toBe(expected)\n\nExpected: 1\nReceived: 2'], assertion: true },
    };
    const report = { lab: labs[0], codeRoot: labs[0].folder, requirements: [failed], hintsShown: 0, typeErrors: [] };

    expect(renderLabReport(report, plain)).not.toContain('expect(received)');
    expect(renderLabReport({ ...report, verbose: true }, plain)).toContain('expect(received).toBe(expected)');
  });
});

describe('check:lab all: the lab a learner is working on', () => {
  const row = (id: number, state: 'done' | 'started' | 'untouched' | 'type error'): LabRow => ({
    lab: labs[id - 1],
    met: state === 'done' ? 10 : 1,
    total: 10,
    typeErrors: state === 'type error' ? 1 : 0,
    edited: state !== 'untouched',
  });
  const next = (...states: Parameters<typeof row>[1][]) => currentLab(states.map((state, i) => row(i + 1, state)))?.lab.id;

  it('is the first lab for someone who has not started', () => {
    expect(next('untouched', 'untouched', 'untouched', 'untouched')).toBe(1);
  });

  it('is the lowest unfinished lab the learner has edited, even after skipping earlier ones', () => {
    expect(next('untouched', 'untouched', 'started', 'untouched')).toBe(3);
    expect(next('done', 'untouched', 'started', 'untouched')).toBe(3);
    expect(next('untouched', 'started', 'untouched', 'started')).toBe(2);
  });

  it('is the lab after the last complete one when nothing unfinished is edited', () => {
    expect(next('done', 'untouched', 'untouched', 'untouched')).toBe(2);
    expect(next('untouched', 'untouched', 'done', 'untouched')).toBe(4);
    expect(next('untouched', 'done', 'untouched', 'done')).toBe(1);
  });

  it('counts a lab whose tests pass but whose code has a type error as unfinished', () => {
    expect(next('done', 'type error', 'untouched', 'untouched')).toBe(2);
  });

  it('says so in the table, and tells a learner who skipped ahead that the earlier labs can wait', () => {
    const text = renderAllLabs([row(1, 'untouched'), row(2, 'untouched'), row(3, 'started'), row(4, 'untouched')], 'your code', plain);

    expect(text).toContain('Next: npm run check:lab 3 (Lab 3 · Idempotent API, the lab you are working on)');
    expect(text).toContain('Labs 1 and 2 are not complete yet');
    expect(text).not.toContain('check:lab 1 (');
    expect(
      renderAllLabs(
        [1, 2, 3, 4].map((id) => row(id, 'done')),
        'your code',
        plain,
      ),
    ).toContain('✔ Every lab is complete.');
  });
});
