import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * `npm start -- --lab N` runs a learner's unfinished code, and an unfinished
 * TODO must never look like success: the code around a TODO often catches
 * errors on purpose (a handler answering 500, a relay reporting a failed
 * record), which would bury "Not implemented: lab 1, step 2 — ...".
 *
 * A lab's NotImplementedError records itself on `globalThis.__labTodoHits__`
 * when that exists (solution/src/lib/not-implemented.ts). Here that global
 * is the hit list of the invocation running now (AsyncLocalStorage keeps
 * concurrent invocations apart), so the runtime knows which invocation
 * reached a TODO, whatever the handler did with the error.
 *
 * Only the local cloud's lab mode installs this: the lab tests have their own
 * hit list per test (scripts/labs/jest-environment.ts).
 */
const HITS_GLOBAL = '__labTodoHits__';
const invocations = new AsyncLocalStorage<Error[]>();
let installed = false;

export function trackUnfinishedTodos(): void {
  if (installed) return;
  installed = true;
  Object.defineProperty(globalThis, HITS_GLOBAL, { configurable: true, get: () => invocations.getStore() });
}

/**
 * Runs one invocation; NotImplementedErrors raised during it land in `todos`
 * (only while tracking is on). Without tracking the store is never entered:
 * on Node 20 a used AsyncLocalStorage puts a hook on every promise of the
 * process, which the tests and a plain `npm start` would pay for nothing.
 */
export function collectTodos<T>(todos: Error[], run: () => Promise<T>): Promise<T> {
  return installed ? invocations.run(todos, run) : run();
}
