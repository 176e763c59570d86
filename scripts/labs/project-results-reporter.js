// @ts-check
/**
 * A jest reporter that prints nothing and keeps each test file's result with
 * the project it ran in. Jest's aggregated results lose the project of a test
 * file that could not load (no displayName), and check:lab must still say
 * which code tree the error came from. jest-run.ts reads the results from
 * the global named in the reporter's options (jest runs reporters in the
 * caller's process). Plain JavaScript: jest loads reporters without its
 * TypeScript transform.
 */
const PROGRESS_GLOBAL = '__sdpLabTestProgress__';

class ProjectResultsReporter {
  /**
   * @param {unknown} _globalConfig
   * @param {{ resultsGlobal: string }} options
   */
  constructor(_globalConfig, options) {
    this.resultsGlobal = options.resultsGlobal;
  }

  /**
   * @param {{ context: { config: { displayName?: { name: string } } } }} test
   * @param {unknown} result
   */
  onTestResult(test, result) {
    const store = /** @type {Record<string, Array<{ project?: string, result: unknown }>>} */ (/** @type {unknown} */ (globalThis));
    store[this.resultsGlobal] ??= [];
    store[this.resultsGlobal].push({ project: test.context.config.displayName?.name, result });
  }

  /**
   * Each finished test, for check:lab's progress line: it sets the function
   * under PROGRESS_GLOBAL while it waits (nothing else does).
   * @param {unknown} _test
   * @param {{ status: string }} testCaseResult
   */
  onTestCaseResult(_test, testCaseResult) {
    const progress = /** @type {Record<string, ((status: string) => void) | undefined>} */ (/** @type {unknown} */ (globalThis))[PROGRESS_GLOBAL];
    if (progress) progress(testCaseResult.status);
  }
}

module.exports = ProjectResultsReporter;
module.exports.PROGRESS_GLOBAL = PROGRESS_GLOBAL;
