/**
 * npm run check:lab N            where you stand in lab N (exit 0 once it is done)
 * npm run check:lab all          a progress table of every lab
 * npm run check:lab N -- --watch check again each time a file of the lab is saved
 * npm run check:lab N -- --hint  the next hint (remembered in .lab-progress.json)
 * npm run check:lab N -- --solution   instructors: check solution/ against lab N's tests
 * npm run check:lab N -- --verbose    also jest's full messages of the failed requirements
 *
 * The code is type-checked (tsc, in parallel with the tests): a type error is
 * an unmet requirement, so a lab is never complete while tsc rejects it.
 *
 * Exit status: 0 done, 1 not done yet, 2 bad arguments, 3 the check itself
 * could not run (e.g. Java missing for DynamoDB Local).
 */
// Before anything loads the AWS SDK: its Node 20 notice is noise for a learner.
import './local-cloud/quiet-sdk';
import path from 'node:path';
import { UsageError } from './cli-args';
import { type CheckArgs, parseCheckArgs } from './labs/check-args';
import { type SharedDynamoDb, failureOf, startSharedDynamoDb } from './labs/dynamodb';
import { summarizeFailure } from './labs/failure-summary';
import { type ProjectOutcome, requirementsOf, runJestProjects } from './labs/jest-run';
import { type Lab, REPO_ROOT, SOLUTION_FOLDER, loadLabs } from './labs/manifest';
import { carriedFiles } from './labs/lab-tree';
import { labProgress, updateLabProgress } from './labs/progress';
import { startProgressLine } from './labs/progress-line';
import { type LabRow, type Style, isLabDone, renderAllLabs, renderHints, renderLabReport, renderValidLabs, styleForStdout } from './labs/report';
import { hasLearnerEdits } from './labs/step-locations';
import { type TypeErrorAt, typecheckLab } from './labs/typecheck-lab';
import { rerunOnSave } from './labs/watch';

export const EXIT = { done: 0, notDone: 1, usage: 2, cannotRun: 3 } as const;

const codeRootOf = (lab: Lab, args: CheckArgs) => (args.solution ? SOLUTION_FOLDER : lab.folder);

/** Runs the lab tests; if DynamoDB Local never came up, that (not the failed tests) is the news. */
async function runTests(db: SharedDynamoDb, ...args: Parameters<typeof runJestProjects>): Promise<Map<string, ProjectOutcome>> {
  const outcomes = await runJestProjects(...args);
  const engineError = await failureOf(db.ready);
  if (engineError) throw engineError;
  return outcomes;
}

/** The type check and the tests, side by side: tsc takes about a second, the tests longer. */
async function checkCode(db: SharedDynamoDb, labs: readonly Lab[], args: CheckArgs, what: string) {
  const progress = startProgressLine(what);
  try {
    const [typeErrors, outcomes] = await Promise.all([
      sequentially(labs.map((lab) => () => typecheckLab(lab, codeRootOf(lab, args)))),
      runTests(
        db,
        labs.map((lab) => ({ name: `lab-${lab.id}`, codeRoot: codeRootOf(lab, args), testFiles: [lab.test] })),
        labs.length > 1 ? { maxWorkers: 2 } : {},
      ),
    ]);
    return { typeErrors, outcomes };
  } finally {
    progress.stop();
  }
}

/** One tsc at a time: jest needs the other core. */
async function sequentially<T>(tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (const task of tasks) results.push(await task());
  return results;
}

/** Runs one lab's type check and tests, and prints its report. */
async function checkLab(lab: Lab, labs: readonly Lab[], args: CheckArgs, s: Style, db: SharedDynamoDb): Promise<number> {
  const codeRoot = codeRootOf(lab, args);
  const { typeErrors, outcomes } = await checkCode(db, [lab], args, `Checking lab ${lab.id}`);
  const outcome = outcomes.get(`lab-${lab.id}`);
  const requirements = requirementsOf(outcome);
  const loadError = outcome?.suites.find((suite) => suite.loadError)?.loadError;
  const firstFailed = requirements.find((r) => !r.passed);
  const done = isLabDone({ requirements, typeErrors: typeErrors[0], ...(loadError !== undefined ? { loadError } : {}) });
  if (done && !args.solution) updateLabProgress(lab.id, (p) => ({ ...p, completedAt: p.completedAt ?? new Date().toISOString() }));
  console.log(
    renderLabReport(
      {
        lab,
        nextLab: labs.find((l) => l.id === lab.id + 1),
        codeRoot,
        requirements,
        ...(firstFailed ? { firstFailure: summarizeFailure(firstFailed, lab, codeRoot) } : {}),
        ...(loadError !== undefined ? { loadError } : {}),
        hintsShown: labProgress(lab.id).hintsShown,
        carried: args.solution ? [] : carriedFiles(lab),
        typeErrors: typeErrors[0],
        verbose: args.verbose,
      },
      s,
    ),
  );
  return done ? EXIT.done : EXIT.notDone;
}

/** Runs every lab's tests in one jest run (and tsc on each lab) and prints the table. */
async function checkAll(labs: readonly Lab[], args: CheckArgs, s: Style, db: SharedDynamoDb): Promise<number> {
  const { typeErrors, outcomes } = await checkCode(db, labs, args, 'Checking every lab');
  const rows: LabRow[] = labs.map((lab, i) => {
    const outcome: ProjectOutcome | undefined = outcomes.get(`lab-${lab.id}`);
    const requirements = requirementsOf(outcome);
    const loadError = outcome?.suites.find((suite) => suite.loadError)?.loadError;
    const errors: readonly TypeErrorAt[] = typeErrors[i];
    return {
      lab,
      met: requirements.filter((r) => r.passed).length + (errors.length === 0 ? 1 : 0),
      total: requirements.length + 1,
      typeErrors: errors.length,
      edited: !args.solution && hasLearnerEdits(lab),
      ...(loadError !== undefined ? { loadError } : {}),
    };
  });
  console.log(renderAllLabs(rows, args.solution ? 'checked against solution/' : 'your code in labs/*/src over solution/src', s));
  return rows.every((row) => row.loadError === undefined && row.typeErrors === 0 && row.total > 0 && row.met === row.total) ? EXIT.done : EXIT.notDone;
}

function showNextHint(lab: Lab, s: Style): number {
  const progress = updateLabProgress(lab.id, (p) => ({ ...p, hintsShown: Math.min(p.hintsShown + 1, lab.hints.length) }));
  console.log(renderHints(lab, progress.hintsShown, s));
  return EXIT.done;
}

/** Re-checks on every save under the lab's src/ (and its tests), until Ctrl-C (scripts/labs/watch.ts). */
async function watchLab(lab: Lab, labs: readonly Lab[], args: CheckArgs, s: Style, db: SharedDynamoDb): Promise<number> {
  const folders = [path.join(REPO_ROOT, codeRootOf(lab, args), 'src'), path.dirname(path.join(REPO_ROOT, lab.test))];
  const clear = () => process.stdout.isTTY && process.stdout.write('\u001b[2J\u001b[3J\u001b[H');
  const check = async () => {
    clear();
    await checkLab(lab, labs, args, s, db).catch((error: Error) => console.error(s.bad(`The check could not run: ${error.message}`)));
  };
  const watching = s.dim(`\nWatching ${folders.map((f) => path.relative(REPO_ROOT, f)).join(' and ')}: save a file to check again, Ctrl-C to stop.`);
  await rerunOnSave(folders, check, { afterRun: () => console.log(watching), onStop: () => console.log(s.dim('\nStopped watching.')) });
  return EXIT.done;
}

export async function main(argv: readonly string[]): Promise<number> {
  const s = styleForStdout();
  const labs = loadLabs();
  let args: CheckArgs;
  try {
    args = parseCheckArgs(argv, labs);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(renderValidLabs(labs, error.message, s));
    return EXIT.usage;
  }
  if (args.hint && args.target !== 'all') return showNextHint(args.target, s);

  // DynamoDB Local boots while jest starts; the tests wait for it (scripts/labs/dynamodb.ts).
  // check:lab keeps it running in the background for the next check (scripts/labs/background-engine.ts).
  const db = startSharedDynamoDb({ background: true });
  try {
    if (args.watch) await db.ready; // fail before watching if the engine cannot start
    if (args.target === 'all') return await checkAll(labs, args, s, db);
    if (args.watch) return await watchLab(args.target, labs, args, s, db);
    return await checkLab(args.target, labs, args, s, db);
  } catch (error) {
    const engineError = await failureOf(db.ready);
    if (engineError) console.error(s.bad(`The lab tests need DynamoDB Local, and it did not start:\n${engineError.message}`));
    else console.error(s.bad(`The check could not run: ${(error as Error).message}`));
    return EXIT.cannotRun;
  } finally {
    const notice = await db.notice?.();
    if (notice) console.log(s.dim(`\n${notice}`));
    // The report is printed: stop the engine without waiting for Java to exit.
    void db.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(EXIT.cannotRun);
    },
  );
}
