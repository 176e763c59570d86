/**
 * npm run verify:labs: proves the labs and the solution agree, on every run.
 *
 *  1. Static: labs.json is sound; each lab's src/ holds exactly the files
 *     labs.json lists under `edit`, each identical to its solution/src
 *     counterpart outside its TODO regions (else: npm run labs:sync); the
 *     READMEs match labs.json; every lab folder type-checks in its own
 *     resolution (its files over solution/src).
 *  2. One jest run (one DynamoDB Local, two workers) over:
 *     - each lab's starter (its edit files over solution/src) with the tests
 *       of that lab and all earlier labs;
 *     - the solution with every lab's tests;
 *     - variants of each starter with some TODO steps solved (their regions
 *       replaced by the solution's code, as a learner would write it).
 *  3. Verdicts, for every lab N:
 *     - the starter fails lab N's tests, and only on missing behaviour (a
 *       failed assertion or "Not implemented: ..."), never a load error;
 *     - the starter passes the tests of labs 1..N-1;
 *     - the solution passes every lab's tests;
 *     - every TODO is covered: solving that step alone (after the steps it
 *       names with "after steps ...") meets at least one more requirement;
 *     - every TODO is needed: the finished lab minus that one step fails;
 *     - the finished lab (every step solved) meets all its requirements.
 *
 * `--quick` skips the variants (coverage, need, finished): about half the time.
 * Exit status 0 when everything holds, 1 otherwise.
 */
import './local-cloud/quiet-sdk';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError, parseArgs } from './cli-args';
import { checkLabReadme, checkLabsIndex } from './labs/docs-check';
import { failureOf, startSharedDynamoDb } from './labs/dynamodb';
import { type JestProject, type ProjectOutcome, type Requirement, runJestProjects } from './labs/jest-run';
import { type LabStep, checkLabTree, learnerWork, stepsOf, writeVariant } from './labs/lab-tree';
import { type Lab, REPO_ROOT, SOLUTION_FOLDER, loadLabs } from './labs/manifest';
import { FAIL, PASS, type Style, styleForStdout } from './labs/report';
import { typecheckLabs } from './labs/typecheck';

interface Verdict {
  readonly ok: boolean;
  readonly text: string;
}

const NOT_IMPLEMENTED = /Not implemented: lab \d+, step \d+/;

/** A failure a learner fixes by writing code: an unmet expectation or an unfinished TODO, not a crash. */
export function isMissingBehaviour(requirement: Requirement): boolean {
  const failure = requirement.failure;
  return failure !== undefined && (failure.assertion || failure.messages.some((m) => NOT_IMPLEMENTED.test(m)));
}

function staticProblems(labs: readonly Lab[]): string[] {
  const problems = checkLabsIndex(labs);
  for (const lab of labs) {
    problems.push(...checkLabTree(lab));
    try {
      problems.push(...checkLabReadme(lab, stepsOf(lab)));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

/** The sets of solved steps whose variants the verdicts need, keyed by a stable name. */
interface Plan {
  readonly lab: Lab;
  readonly steps: readonly LabStep[];
  readonly numbers: readonly number[];
  readonly variants: Map<string, ReadonlySet<number>>;
}

const setKey = (lab: Lab, solved: ReadonlySet<number>) => `lab-${lab.id}-solved-${[...solved].sort((a, b) => a - b).join('-') || 'none'}`;

function planVariants(lab: Lab): Plan {
  const steps = stepsOf(lab);
  const numbers = [...new Set(steps.map((s) => s.step))].sort((a, b) => a - b);
  const variants = new Map<string, ReadonlySet<number>>();
  const add = (solved: ReadonlySet<number>) => solved.size > 0 && variants.set(setKey(lab, solved), solved);
  for (const step of numbers) {
    const after = afterOf(steps, step);
    add(new Set(after));
    add(new Set([...after, step]));
    add(new Set(numbers.filter((n) => n !== step)));
  }
  add(new Set(numbers));
  return { lab, steps, numbers, variants };
}

function afterOf(steps: readonly LabStep[], step: number): number[] {
  return [...new Set(steps.filter((s) => s.step === step).flatMap((s) => s.after))];
}

const starterName = (lab: Lab) => `lab-${lab.id}-starter`;

function passedIn(outcome: ProjectOutcome | undefined, testFile: string): { met: number; total: number; requirements: Requirement[]; loadError?: string } {
  const suite = outcome?.suites.find((s) => s.testFile === testFile);
  const requirements = [...(suite?.requirements ?? [])];
  return {
    met: requirements.filter((r) => r.passed).length,
    total: requirements.length,
    requirements,
    ...(suite?.loadError ? { loadError: suite.loadError } : {}),
  };
}

function crashes(requirements: readonly Requirement[]): string[] {
  return requirements.filter((r) => !r.passed && !isMissingBehaviour(r)).map((r) => `"${r.title}": ${r.failure?.messages[0]?.split('\n')[0] ?? 'no message'}`);
}

function labVerdicts(lab: Lab, labs: readonly Lab[], plan: Plan | undefined, outcomes: Map<string, ProjectOutcome>): Verdict[] {
  const verdicts: Verdict[] = [];
  const starter = outcomes.get(starterName(lab));
  const own = passedIn(starter, lab.test);
  const ownCrashes = crashes(own.requirements);
  if (own.loadError) {
    verdicts.push({ ok: false, text: `the starter's tests could not load it:\n${own.loadError}` });
  } else {
    const failing = own.total - own.met;
    verdicts.push({
      ok: own.total > 0 && failing > 0 && ownCrashes.length === 0,
      text:
        failing === 0
          ? `the starter passes its own tests: it has nothing left to do`
          : ownCrashes.length > 0
            ? `the starter fails its own tests with errors that are not missing behaviour:\n    ${ownCrashes.join('\n    ')}`
            : `the starter fails its own tests on missing behaviour only (${own.met}/${own.total} met)`,
    });
    if (own.met > 0) verdicts.push({ ok: true, text: `note: ${own.met} requirement(s) already met by the starter` });
  }
  for (const earlier of labs.filter((l) => l.id < lab.id)) {
    const result = passedIn(starter, earlier.test);
    verdicts.push({
      ok: !result.loadError && result.total > 0 && result.met === result.total,
      text: `the starter passes lab ${earlier.id}'s tests (${result.met}/${result.total})${result.loadError ? `; they could not load it: ${result.loadError}` : ''}`,
    });
  }
  const solution = passedIn(outcomes.get(SOLUTION_FOLDER), lab.test);
  verdicts.push({
    ok: solution.total > 0 && solution.met === solution.total && !solution.loadError,
    text: `the solution passes lab ${lab.id}'s tests (${solution.met}/${solution.total})`,
  });
  if (!plan) return verdicts;

  const metWith = (solved: ReadonlySet<number>) => (solved.size === 0 ? own : passedIn(outcomes.get(setKey(lab, solved)), lab.test));
  const all = new Set(plan.numbers);
  for (const step of plan.numbers) {
    const after = afterOf(plan.steps, step);
    const base = metWith(new Set(after));
    const withStep = metWith(new Set([...after, step]));
    const gained = withStep.met - base.met;
    const bad = crashes(withStep.requirements);
    verdicts.push({
      ok: gained > 0 && bad.length === 0 && !withStep.loadError,
      text: `step ${step} is covered: solving it${after.length ? ` after step${after.length > 1 ? 's' : ''} ${after.join(', ')}` : ' alone'} meets ${gained} more requirement(s)${bad.length ? `, but crashes:\n    ${bad.join('\n    ')}` : ''}`,
    });
    const without = metWith(new Set(plan.numbers.filter((n) => n !== step)));
    const finished = metWith(all);
    verdicts.push({ ok: without.met < finished.met, text: `step ${step} is needed: without it, ${finished.met - without.met} requirement(s) fail` });
  }
  const finished = metWith(all);
  verdicts.push({
    ok: finished.total > 0 && finished.met === finished.total && !finished.loadError,
    text: `with every TODO solved (as a learner finishes it) the lab meets ${finished.met}/${finished.total} requirements`,
  });
  return verdicts;
}

function print(title: string, verdicts: readonly Verdict[], s: Style): void {
  console.log(s.bold(title));
  for (const verdict of verdicts) console.log(`  ${verdict.ok ? s.ok(PASS) : s.bad(FAIL)} ${verdict.text}`);
}

export async function main(argv: readonly string[]): Promise<number> {
  const s = styleForStdout();
  let quick: boolean;
  try {
    quick = parseArgs(argv, { values: [], flags: ['quick'] }).flags.has('quick');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\nUsage: npm run verify:labs [-- --quick]`);
    return 2;
  }
  const started = Date.now();
  const labs = loadLabs();
  const work = labs.flatMap(learnerWork);
  if (work.length > 0) {
    console.log(
      [
        s.bold('verify:labs checks the labs as the workshop ships them, and this checkout holds your work:'),
        ...work.map((sign) => `  ${sign}`),
        '',
        `That is as it should be while you do the labs: ${s.bold('npm run check:lab all')} shows your progress.`,
        'To verify the workshop itself, run it in a fresh clone (or after git stash --include-untracked).',
      ].join('\n'),
    );
    return 1;
  }
  const staticOnes = staticProblems(labs);
  const problems = [...staticOnes, ...(staticOnes.length === 0 ? typecheckLabs(labs) : [])];
  print(
    'Static checks (labs.json, lab files against solution/src, READMEs, types)',
    problems.length
      ? problems.map((text) => ({ ok: false, text }))
      : [
          {
            ok: true,
            text: `${labs.length} labs: each lab file is its solution/src file but for its TODOs, READMEs match labs.json, every lab folder compiles over solution/src`,
          },
        ],
    s,
  );
  if (problems.length > 0) return 1;

  const plans = quick ? [] : labs.map(planVariants);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'sdp-verify-labs-'));
  // Variants live outside the repository; this link lets their imports find the packages.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(workDir, 'node_modules'), 'dir');
  const projects: JestProject[] = [
    ...labs.map((lab) => ({ name: starterName(lab), codeRoot: lab.folder, testFiles: labs.filter((l) => l.id <= lab.id).map((l) => l.test) })),
    { name: SOLUTION_FOLDER, codeRoot: SOLUTION_FOLDER, testFiles: labs.map((l) => l.test) },
  ];
  for (const plan of plans) {
    for (const [name, solved] of plan.variants) {
      const dest = path.join(workDir, name);
      writeVariant(plan.lab, solved, dest);
      projects.push({ name, codeRoot: dest, testFiles: [plan.lab.test] });
    }
  }

  let outcomes: Map<string, ProjectOutcome>;
  const db = startSharedDynamoDb(); // boots while jest starts; the tests wait for it
  try {
    outcomes = await runJestProjects(projects, { maxWorkers: 2 });
  } catch (error) {
    throw (await failureOf(db.ready)) ?? error;
  } finally {
    await db.stop();
    rmSync(workDir, { recursive: true, force: true });
  }

  let ok = true;
  for (const lab of labs) {
    const verdicts = labVerdicts(
      lab,
      labs,
      plans.find((p) => p.lab.id === lab.id),
      outcomes,
    );
    ok &&= verdicts.every((v) => v.ok);
    console.log('');
    print(`Lab ${lab.id} · ${lab.title}`, verdicts, s);
  }
  const suites = projects.reduce((n, p) => n + p.testFiles.length, 0);
  console.log('');
  console.log(
    (ok ? s.ok(`${PASS} The labs and the solution agree.`) : s.bad(`${FAIL} The labs and the solution disagree (see ${FAIL} above).`)) +
      s.dim(
        ` ${projects.length} code trees, ${suites} test-file runs, ${((Date.now() - started) / 1000).toFixed(1)} s${quick ? ' (--quick: per-TODO coverage skipped)' : ''}`,
      ),
  );
  return ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
