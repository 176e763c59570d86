/**
 * Thrown by a lab's unfinished TODOs, so the starter compiles and every
 * unfinished step says at run time exactly what is missing and where:
 *
 *   Not implemented: lab 2, step 1 — start the saga at most once per event
 *
 * The solution itself has no TODOs and never imports this: it lives here
 * only so that a lab file's `import ... from './not-implemented'` resolves
 * like every other module a lab does not hold (labs/README.md, "How a lab
 * folder works"), and no lab keeps a file of its own besides the ones the
 * learner edits.
 */
export class NotImplementedError extends Error {
  constructor(todo: string) {
    super(`Not implemented: ${todo}`);
    this.name = 'NotImplementedError';
    // The code around a TODO may catch this error on purpose (a handler that
    // answers 500, a relay that reports a failed record). The lab tests'
    // environment reads this list so a failing test still names the TODO
    // (scripts/labs/jest-environment.ts). Outside the tests it does not exist.
    (globalThis as { __labTodoHits__?: Error[] }).__labTodoHits__?.push(this);
  }
}
