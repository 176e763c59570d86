import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';

/**
 * The Node test environment, plus two things the labs need:
 *
 * 1. A lab's unfinished TODOs throw `NotImplementedError`, but the code around
 *    them often catches errors on purpose: the create-order handler answers
 *    500, the relay reports a batch item failure, the state machine
 *    compensates. The test then fails on a status code, far from the cause.
 *    Each NotImplementedError records itself on a global (see
 *    solution/src/lib/not-implemented.ts); when a test fails, the ones
 *    raised during it are put first among its errors, so the learner reads
 *    "Not implemented: lab 2, step 1 — ..." instead of "expected 201, got 500".
 *    Passing tests are never touched. Tests that run side by side
 *    (`it.concurrent`, one group per describe block) share one list from the
 *    group's start: which of them raised a hit cannot be told apart without
 *    an AsyncLocalStorage, which on Node 20 would slow every promise. A
 *    describe block is one step of the lab, so its group's hits name that
 *    step's TODOs.
 * 2. `testEnvironmentOptions.sdpCodeRoot` says whose code the test runs (a
 *    lab folder over solution/src, the solution, a variant), so one jest run
 *    can test several code trees side by side as separate projects. It sets
 *    SDP_CODE_ROOT inside the test, and adds the export condition through
 *    which scripts/labs/jest-resolver.js applies the labs' resolution rule.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CODE_ROOT_CONDITION } = require('./jest-resolver') as { CODE_ROOT_CONDITION: string };

export const TODO_HITS_GLOBAL = '__labTodoHits__';

export default class LabTestEnvironment extends TestEnvironment {
  private readonly codeRoot?: string;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const codeRoot: unknown = config.projectConfig.testEnvironmentOptions.sdpCodeRoot;
    if (typeof codeRoot === 'string') {
      this.codeRoot = codeRoot;
      (this.global.process as NodeJS.Process).env.SDP_CODE_ROOT = codeRoot;
    }
  }

  override exportConditions(): string[] {
    const conditions = super.exportConditions();
    return this.codeRoot ? [...conditions, `${CODE_ROOT_CONDITION}${this.codeRoot}`] : conditions;
  }

  handleTestEvent(event: Circus.Event): void {
    if (event.name === 'concurrent_tests_start' || (event.name === 'test_start' && !event.test.concurrent)) {
      this.global[TODO_HITS_GLOBAL] = [];
    } else if (event.name === 'test_done' && event.test.errors.length > 0) {
      surfaceUnfinishedTodos(event.test, this.global[TODO_HITS_GLOBAL]);
    }
  }
}

function surfaceUnfinishedTodos(test: Circus.TestEntry, hits: unknown): void {
  if (!Array.isArray(hits) || hits.length === 0) return;
  const reported = test.errors.map((error) => messageOf(Array.isArray(error) ? error[0] : error)).join('\n');
  const seen = new Set<string>();
  const unreported = hits.filter((hit) => {
    const message = messageOf(hit);
    if (!message || seen.has(message) || reported.includes(message)) return false;
    seen.add(message);
    return true;
  });
  test.errors.unshift(...unreported);
}

// The errors come from the test's own realm (its vm context), so `instanceof Error` would be false here.
function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : '';
}
