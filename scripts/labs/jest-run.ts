import path from 'node:path';
import type { AssertionResult, TestResult } from '@jest/test-result';
import { REPO_ROOT } from './manifest';

/**
 * Runs lab tests in-process through jest's `runCLI`, against any code tree,
 * and returns plain results instead of jest's console output.
 *
 * Each "project" is one (code tree, test files) pair: the same test file can
 * run against a lab's starter, the solution and a variant in one jest run,
 * sharing one DynamoDB Local and jest's worker pool. The project config is
 * the repository's jest.config.js with the project's code root (jest.config.js
 * takes it from SDP_CODE_ROOT): its files under src/ win over solution/src's.
 */
export interface JestProject {
  /** Unique within one run; results are grouped by it. */
  readonly name: string;
  /** Folder whose src/ files run instead of solution/src's: `solution`, `labs/02-streams-relay`, or an absolute path. */
  readonly codeRoot: string;
  /** Repository-relative test files. */
  readonly testFiles: readonly string[];
}

export interface TestFailure {
  /** Jest's failure messages, colours removed; the first names the first error. */
  readonly messages: readonly string[];
  /** True when a matcher (expect) failed: missing behaviour, as opposed to a crash. */
  readonly assertion: boolean;
}

export interface Requirement {
  /** The describe blocks around the test, outermost first. */
  readonly groups: readonly string[];
  readonly title: string;
  readonly passed: boolean;
  readonly failure?: TestFailure;
}

export interface SuiteOutcome {
  /** Repository-relative. */
  readonly testFile: string;
  readonly requirements: readonly Requirement[];
  /** Set when the test file could not run at all (a syntax error, a failed import). */
  readonly loadError?: string;
}

export interface ProjectOutcome {
  readonly name: string;
  readonly suites: readonly SuiteOutcome[];
}

export interface RunOptions {
  /** 1 runs everything in this process (fastest for one test file). */
  readonly maxWorkers?: number;
}

export class JestRunError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JestRunError';
  }
}

/**
 * check:lab and verify:labs keep jest's cache here, apart from the one plain
 * `jest` uses: clearing it (a "cold" check, see scripts/bench-check-lab.ts)
 * never disturbs another jest run.
 */
export const LAB_JEST_CACHE = path.join(REPO_ROOT, 'node_modules', '.cache', 'jest-labs');

// biome-ignore lint/suspicious/noControlCharactersInRegex: matches the terminal colour codes (ESC [ … m) that the output carries
const ANSI = /\u001b\[[0-9;]*m/g;
export const stripAnsi = (text: string) => text.replace(ANSI, '');

interface BaseConfig {
  maxWorkers?: number;
  testTimeout?: number;
  [key: string]: unknown;
}

function loadBaseConfig(): { project: Record<string, unknown>; testTimeout: number } {
  const file = path.join(REPO_ROOT, 'jest.config.js');
  // maxWorkers and testTimeout are run-wide options; the rest is one project's config.
  const { maxWorkers: _runWide, testTimeout, ...project } = require(file) as BaseConfig;
  return { project, testTimeout: testTimeout ?? 30_000 };
}

function projectConfig(base: Record<string, unknown>, project: JestProject): Record<string, unknown> {
  const codeRoot = path.resolve(REPO_ROOT, project.codeRoot);
  const testFiles = project.testFiles.map((file) => path.resolve(REPO_ROOT, file));
  return {
    ...base,
    rootDir: REPO_ROOT,
    cacheDirectory: LAB_JEST_CACHE,
    // The checker's DynamoDB Local boots while jest starts and the test modules load (see both files).
    globalSetup: '<rootDir>/scripts/labs/jest-global-setup.ts',
    setupFilesAfterEnv: ['<rootDir>/scripts/labs/jest-wait-for-dynamodb.ts'],
    displayName: project.name,
    // Only the test folders: jest then crawls a handful of files per project, not node_modules.
    roots: [...new Set(testFiles.map((file) => path.dirname(file)))],
    testMatch: testFiles,
    // The labs' resolution rule (scripts/labs/code-overlay.js) reads the code root from here.
    testEnvironmentOptions: { sdpCodeRoot: codeRoot },
  };
}

export async function runJestProjects(projects: readonly JestProject[], options: RunOptions = {}): Promise<Map<string, ProjectOutcome>> {
  const names = new Set(projects.map((p) => p.name));
  if (names.size !== projects.length) throw new JestRunError('project names must be unique');
  const { runCLI } = await import('jest');
  const { project: base, testTimeout } = loadBaseConfig();
  const maxWorkers = options.maxWorkers ?? 1;
  const resultsGlobal = `__sdpJestResults${++runCount}__`;
  const config = {
    rootDir: REPO_ROOT,
    projects: projects.map((p) => projectConfig(base, p)),
    testTimeout,
    // Prints nothing (the caller renders the results) and keeps each result with its project.
    reporters: [[path.join(__dirname, 'project-results-reporter.js'), { resultsGlobal }]],
  };
  const store = globalThis as unknown as Record<string, ReportedResult[] | undefined>;
  let reported: ReportedResult[];
  try {
    await runCLI({ _: [], $0: 'labs', config: JSON.stringify(config), runInBand: maxWorkers === 1, maxWorkers, silent: true, ci: true, watchman: false }, [
      REPO_ROOT,
    ]);
    reported = store[resultsGlobal] ?? [];
  } catch (error) {
    throw new JestRunError(`jest could not run: ${(error as Error).message}`, { cause: error });
  } finally {
    delete store[resultsGlobal];
  }
  const outcomes = new Map<string, ProjectOutcome>(projects.map((p) => [p.name, { name: p.name, suites: [] }]));
  for (const { project, result } of reported) {
    const outcome = project === undefined ? undefined : outcomes.get(project);
    if (!outcome) throw new JestRunError(`jest returned results for an unknown project: ${project}`);
    (outcome.suites as SuiteOutcome[]).push(toSuiteOutcome(result));
  }
  for (const outcome of outcomes.values()) (outcome.suites as SuiteOutcome[]).sort((a, b) => a.testFile.localeCompare(b.testFile));
  for (const project of projects) {
    const found = new Set(outcomes.get(project.name)?.suites.map((s) => s.testFile));
    const missing = project.testFiles.filter((file) => !found.has(file));
    if (missing.length > 0) throw new JestRunError(`jest found no tests in ${missing.join(', ')} (project ${project.name})`);
  }
  return outcomes;
}

/** What project-results-reporter.js records per test file. */
interface ReportedResult {
  readonly project?: string;
  readonly result: TestResult;
}

let runCount = 0;

function toSuiteOutcome(suite: TestResult): SuiteOutcome {
  const testFile = path.relative(REPO_ROOT, suite.testFilePath);
  const loadError = suite.testExecError ? stripAnsi(suite.failureMessage ?? suite.testExecError.message) : undefined;
  return { testFile, requirements: suite.testResults.map(toRequirement), ...(loadError ? { loadError } : {}) };
}

function toRequirement(test: AssertionResult): Requirement {
  const passed = test.status === 'passed';
  const base = { groups: test.ancestorTitles, title: test.title, passed };
  if (passed) return base;
  const details = (test.failureDetails ?? []) as Array<{ matcherResult?: unknown } | null>;
  return {
    ...base,
    failure: {
      messages: test.failureMessages.map(stripAnsi),
      assertion: details.some((detail) => typeof detail === 'object' && detail !== null && detail.matcherResult !== undefined),
    },
  };
}

/** All requirements of a project, in file order. */
export function requirementsOf(outcome: ProjectOutcome | undefined): Requirement[] {
  return outcome ? outcome.suites.flatMap((suite) => suite.requirements) : [];
}
