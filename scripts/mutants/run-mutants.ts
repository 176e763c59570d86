import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, parseArgs } from '../cli-args';
import { type Lab, loadLabs } from '../labs/manifest';
import { startDynamoDbLocal } from '../local-cloud/dynamodb-local';
import '../local-cloud/quiet-sdk';
import { REPO_ROOT, SOLUTION_SRC, StaleMutantError, buildCodeRoot, codeRootEnvironment } from './code-root';
import { MUTANTS, type Mutant } from './mutants';

/**
 * `npm run test:mutants [-- --lab N] [--only id,id] [--source dir]`
 *
 * Proves the lab tests cannot be fooled: each wrong implementation in
 * mutants.ts is applied to a COPY of solution/src, the lab's tests run
 * against it (real DynamoDB Local, real state machine), and the mutant must
 * be KILLED by at least one failing test. First, the unchanged copy must pass
 * (a baseline), or a "kill" would prove nothing. Exits 1 if any mutant
 * SURVIVES, a baseline fails, or a mutant no longer applies.
 *
 * One DynamoDB Local serves every run; two runs go at a time.
 */
const PARALLEL_RUNS = 2;
const JEST_CLI = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

type Verdict = 'PASSED' | 'FAILED' | 'ERROR';

interface RunResult {
  readonly verdict: Verdict;
  readonly failedTests: readonly string[];
  readonly detail: string;
  readonly seconds: number;
}

async function main(): Promise<number> {
  const { values } = parseArgs(process.argv.slice(2), { values: ['lab', 'only', 'source'] });
  const labs = loadLabs();
  const only = values.only?.split(',').filter(Boolean);
  const mutants = MUTANTS.filter((m) => (!values.lab || String(m.lab) === values.lab) && (!only || only.includes(m.id)));
  if (only) for (const id of only) if (!MUTANTS.some((m) => m.id === id)) throw new UsageError(`--only: no mutant named ${id}`);
  if (mutants.length === 0) throw new UsageError(`no mutants for --lab ${values.lab}`);
  const source = values.source ? path.resolve(values.source) : SOLUTION_SRC;
  const labIds = [...new Set(mutants.map((m) => m.lab))];

  const started = Date.now();
  const dynamodb = process.env.SDP_DYNAMODB_ENDPOINT ? undefined : await startDynamoDbLocal();
  const endpoint = process.env.SDP_DYNAMODB_ENDPOINT ?? (dynamodb?.endpoint as string);
  let problems = 0;
  try {
    const tests = new Map(labIds.map((id) => [id, labOf(labs, id).test]));
    console.log(`Baseline: the lab tests against an unchanged copy of ${path.relative(REPO_ROOT, source) || source} (labs ${labIds.join(', ')})`);
    const baselines = await inParallel(labIds, (id) => runTests(undefined, tests.get(id) as string, endpoint, source));
    baselines.forEach((result, i) => {
      console.log(`  lab ${labIds[i]}: ${result.verdict === 'PASSED' ? 'passes' : `FAILS ${describeFailure(result)}`} (${result.seconds.toFixed(1)} s)`);
      if (result.verdict !== 'PASSED') problems++;
    });
    if (problems > 0) {
      console.log('\nThe unchanged code must pass its lab tests before mutants can be judged.');
      return 1;
    }

    console.log(`\n${mutants.length} mutants, ${PARALLEL_RUNS} at a time:`);
    const results = await inParallel(mutants, async (mutant) => {
      const result = await runTests(mutant, tests.get(mutant.lab) as string, endpoint, source);
      console.log(`  ${line(mutant, result)}`);
      return result;
    });
    const survived = mutants.filter((_, i) => results[i].verdict === 'PASSED');
    const errored = mutants.filter((_, i) => results[i].verdict === 'ERROR');
    problems = survived.length + errored.length;
    console.log(
      `\n${mutants.length - problems} killed, ${survived.length} survived, ${errored.length} could not run, in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    );
    for (const mutant of survived) console.log(`SURVIVED ${mutant.id} (lab ${mutant.lab}, ${mutant.file}): ${mutant.mistake}`);
    return problems > 0 ? 1 : 0;
  } finally {
    await dynamodb?.stop();
  }
}

function labOf(labs: readonly Lab[], id: number): Lab {
  const lab = labs.find((l) => l.id === id);
  if (!lab) throw new Error(`labs/labs.json has no lab ${id}`);
  return lab;
}

function line(mutant: Mutant, result: RunResult): string {
  const label = `lab ${mutant.lab} ${mutant.id}`;
  const time = `(${result.seconds.toFixed(1)} s)`;
  if (result.verdict === 'FAILED') return `KILLED    ${label} ${time}\n            by: ${result.failedTests.join('\n                ')}`;
  if (result.verdict === 'PASSED') return `SURVIVED  ${label} ${time}: ${mutant.mistake}`;
  return `ERROR     ${label} ${time}: ${result.detail}`;
}

function describeFailure(result: RunResult): string {
  return result.failedTests.length > 0 ? `\n    ${result.failedTests.join('\n    ')}` : `: ${result.detail}`;
}

/** Runs one lab test file against a fresh code tree (the solution copy, mutated or not). */
async function runTests(mutant: Mutant | undefined, testFile: string, endpoint: string, source: string): Promise<RunResult> {
  const started = Date.now();
  let root: ReturnType<typeof buildCodeRoot> | undefined;
  try {
    root = buildCodeRoot(mutant, source);
  } catch (error) {
    if (error instanceof StaleMutantError) return { verdict: 'ERROR', failedTests: [], detail: error.message, seconds: 0 };
    throw error;
  }
  const report = path.join(root.dir, 'jest-report.json');
  try {
    const { code, output } = await run(process.execPath, [JEST_CLI, '--ci', '--silent', '--json', '--outputFile', report, testFile], {
      ...process.env,
      ...codeRootEnvironment(root.dir),
      SDP_DYNAMODB_ENDPOINT: endpoint,
    });
    const seconds = (Date.now() - started) / 1000;
    if (!fs.existsSync(report)) return { verdict: 'ERROR', failedTests: [], detail: `jest exited ${code} without a report:\n${output.slice(-2000)}`, seconds };
    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as JestReport;
    const failedTests = json.testResults.flatMap((file) =>
      file.assertionResults.filter((t) => t.status === 'failed').map((t) => [...t.ancestorTitles.slice(-1), t.title].join(' › ')),
    );
    const suiteError = json.testResults.find((file) => file.status === 'failed' && file.assertionResults.length === 0);
    if (suiteError) return { verdict: 'ERROR', failedTests, detail: `the test file did not run: ${suiteError.message.slice(0, 1500)}`, seconds };
    if (json.numTotalTests === 0) return { verdict: 'ERROR', failedTests, detail: 'no tests ran', seconds };
    return { verdict: json.success ? 'PASSED' : 'FAILED', failedTests, detail: '', seconds };
  } finally {
    root.remove();
  }
}

interface JestReport {
  readonly success: boolean;
  readonly numTotalTests: number;
  readonly testResults: ReadonlyArray<{
    readonly status: string;
    readonly message: string;
    readonly assertionResults: ReadonlyArray<{ readonly status: string; readonly title: string; readonly ancestorTitles: readonly string[] }>;
  }>;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Maps `items` with at most PARALLEL_RUNS calls in flight, keeping the order. */
async function inParallel<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_RUNS, items.length) }, worker));
  return results;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof UsageError ? `Usage: npm run test:mutants [-- --lab N] [--only id,id] [--source dir]\n${error.message}` : error);
    process.exitCode = 2;
  },
);
