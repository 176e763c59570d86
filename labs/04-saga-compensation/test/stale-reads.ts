import { AsyncLocalStorage } from 'node:async_hooks';
import { dynamo } from '@app/lib/dynamodb';

/**
 * Two attempts of a saga step racing each other, made deterministic.
 *
 * In production a step and its retry (or a late step and its compensation)
 * can both READ "nothing done yet" before either WRITES: the classic
 * check-then-act race. Only a DynamoDB condition on the write makes the
 * second writer notice. Hoping two concurrent calls interleave that way is
 * flaky, so this helper forces the interleaving instead, on the real
 * DynamoDB Local: every copy runs until its first write and is held there;
 * when all copies are held (or finished), the copies are let go one at a
 * time, in the given order, each running to its end before the next one
 * resumes. Every copy has therefore read the state as it was before anyone
 * wrote, on every run.
 *
 * It works through the handlers' own DynamoDB client (`dynamo()` in
 * lib/dynamodb.ts): a middleware sees each command; AsyncLocalStorage tells
 * which copy sent it. Commands sent outside a copy (the test's own reads)
 * pass untouched. Races may run side by side: each copy belongs to one race.
 * Between races the store is switched off: on Node 20 an active
 * AsyncLocalStorage slows every promise in the process.
 */
const READ_COMMANDS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);
const ALL_HELD_WITHIN_MS = 5_000;

interface Copy {
  released: boolean;
  held?: () => void;
  /** Tells the copy's race that it is now held, or finished. */
  changed: () => void;
}

const currentCopy = new AsyncLocalStorage<Copy>();
let installed = false;
let racesRunning = 0;

function installGate(): void {
  if (installed) return;
  installed = true;
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      const copy = currentCopy.getStore();
      if (copy && !copy.released && !READ_COMMANDS.has(context.commandName as string)) {
        await new Promise<void>((resume) => {
          copy.held = resume;
          copy.changed();
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'staleReadsGate' },
  );
}

/** What one copy answered: its result's `outcome`, or the name of the error it threw. */
export type Answer = string;

/**
 * Runs `copies` so that all of them read before any of them writes, then
 * lets them write one after another in `order` (indexes into `copies`,
 * default: as given). Resolves with each copy's answer, in `copies` order.
 */
export async function runWithStaleReads(copies: ReadonlyArray<() => Promise<unknown>>, order?: readonly number[]): Promise<Answer[]> {
  installGate();
  racesRunning += 1;
  try {
    return await race(copies, order);
  } finally {
    racesRunning -= 1;
    if (racesRunning === 0) currentCopy.disable();
  }
}

async function race(copies: ReadonlyArray<() => Promise<unknown>>, order?: readonly number[]): Promise<Answer[]> {
  let changed: () => void = () => {};
  const states: Copy[] = copies.map(() => ({ released: false, changed: () => changed() }));
  const finished = copies.map(() => false);

  const runs = copies.map((copy, i) =>
    currentCopy
      .run(states[i], copy)
      .then(answerOf, answerOfError)
      .finally(() => {
        finished[i] = true;
        states[i].changed();
      }),
  );

  const deadline = Date.now() + ALL_HELD_WITHIN_MS;
  while (!states.every((state, i) => state.held || finished[i])) {
    if (Date.now() > deadline) throw new Error(`the copies did not all reach their first write within ${ALL_HELD_WITHIN_MS} ms`);
    await new Promise<void>((resolve) => {
      changed = resolve;
      setTimeout(resolve, 50); // re-check the deadline even if nothing changes
    });
  }
  for (const i of order ?? copies.map((_, index) => index)) {
    states[i].released = true;
    states[i].held?.();
    await runs[i];
  }
  return Promise.all(runs);
}

function answerOf(result: unknown): Answer {
  return typeof result === 'object' && result !== null && 'outcome' in result ? String(result.outcome) : JSON.stringify(result);
}

function answerOfError(error: unknown): Answer {
  return error instanceof Error ? error.name : String(error);
}
