/**
 * Tests that run side by side (it.concurrent) may load code for the first
 * time after another of them has ended, as Lab 4's tests do when a saga
 * reaches a Lambda handler nobody invoked before (scripts/labs/jest-runtime.js).
 */
let endFirst: () => void = () => undefined;
const firstEnded = new Promise<void>((resolve) => (endFirst = resolve));

describe('concurrent tests and first-time requires', () => {
  it.concurrent('ends first', async () => {
    endFirst();
  });

  it.concurrent('requires a module for the first time after the other test has ended', async () => {
    await firstEnded;
    // Two turns of the event loop: jest records the first test's end before this test goes on.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));

    expect(require('./fixtures/loaded-late')).toBe('loaded late');
  });
});
