// @ts-check
/**
 * Jest's module runtime, aware that tests may run side by side.
 *
 * Jest refuses a `require` made "between tests" (after a test or hook has
 * ended and before the next starts): that catches a test's leftover async
 * work loading code after its test is over. It tracks this with one switch
 * that every test turns on when it starts and off when it ends, so with
 * `it.concurrent` the first test to finish turns it off while the others
 * are still running, and their next first-time `require` (a Lambda handler
 * the local runtime loads on its first invocation, a module the AWS SDK
 * loads on its first request) fails with "You are trying to `require` a file
 * outside of the scope of the test code". Lab 4's tests run side by side;
 * counting the tests and hooks in progress keeps the check exactly as strict
 * for serial tests and correct for concurrent ones.
 *
 * Plain JavaScript: jest loads its runtime without its transform. Named in
 * jest.config.js (`runtime`), so plain `jest` and check:lab both use it.
 */
const Runtime = require('jest-runtime').default;

class ConcurrencyAwareRuntime extends Runtime {
  /** Tests and hooks running now. */
  #inTestCode = 0;

  enterTestCode() {
    this.#inTestCode += 1;
    super.enterTestCode();
  }

  leaveTestCode() {
    this.#inTestCode = Math.max(0, this.#inTestCode - 1);
    if (this.#inTestCode === 0) super.leaveTestCode();
  }
}

module.exports = ConcurrencyAwareRuntime;
