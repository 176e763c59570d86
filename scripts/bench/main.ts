/**
 * npm run bench [-- --quick] [--only throughput,package] [--runs 5] [--compare docs/benchmarks-reference.json]
 *
 * Measures, on this machine and in one run, the loops a learner waits on
 * (check:lab, --watch, npm test, npm run package, npm start) and what the
 * local cloud sustains (orders per second, latency, memory, and DynamoDB
 * Local's own ceiling for the same writes). Prints a table and writes the
 * JSON to compare commits by. docs/benchmarks.md explains every figure.
 *
 * A section that fails says why and the others still run; the exit status
 * is then 1. Nothing here asserts a number: machines differ.
 */
// Before anything loads the AWS SDK: its Node 20 notice is noise.
import '../local-cloud/quiet-sdk';
import path from 'node:path';
import { UsageError } from '../cli-args';
import { type SectionName, USAGE, parseBenchArgs } from './args';
import { type Reference, changesFor, readReference } from './compare';
import { type BenchContext, REPO_ROOT, type Section, SectionSkipped, secondsSince } from './context';
import { FigureSet, type SectionOutcome, overheadRatios } from './figures';
import { buildReport, describeMachine, writeReport } from './results';
import { measureCeiling } from './sections/ceiling';
import { measureCheckLab } from './sections/check-lab';
import { measureNpmTest } from './sections/npm-test';
import { measurePackage } from './sections/package';
import { measureStart } from './sections/start';
import { measureThroughput } from './sections/throughput';
import { measureWatch } from './sections/watch';
import { renderMarkdownTable, renderTable } from './table';

const SECTION_RUNNERS: Record<SectionName, Section> = {
  'check-lab': measureCheckLab,
  watch: measureWatch,
  test: measureNpmTest,
  package: measurePackage,
  start: measureStart,
  throughput: measureThroughput,
  ceiling: measureCeiling,
};

export async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseBenchArgs>;
  let reference: Reference | undefined;
  try {
    args = parseBenchArgs(argv);
    // Read before measuring: a wrong path should cost a second, not the whole run.
    if (args.compare !== undefined) reference = readReference(path.resolve(REPO_ROOT, args.compare));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const startedAt = new Date();
  const machine = describeMachine();
  const benchStarted = process.hrtime.bigint();
  console.error(
    `Benchmarking on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}${args.quick ? ' (--quick)' : ''}; load average ${machine.loadAverageAtStart.join(', ')}`,
  );
  const outcomes: SectionOutcome[] = [];
  const skipped: string[] = [];
  for (const section of args.sections) {
    const figures = new FigureSet();
    const context: BenchContext = {
      quick: args.quick,
      runs: args.runs,
      chosen: argv.some((arg) => arg === '--only'),
      root: REPO_ROOT,
      progress: (message) => console.error(`  [${secondsSince(benchStarted).toFixed(0).padStart(4)} s] ${section}: ${message}`),
    };
    const started = process.hrtime.bigint();
    let error: string | undefined;
    try {
      await SECTION_RUNNERS[section](context, figures);
    } catch (caught) {
      if (caught instanceof SectionSkipped) {
        skipped.push(`${section}: ${caught.message}`);
        continue;
      }
      error = caught instanceof Error ? caught.message : String(caught);
      console.error(`  ${section} FAILED: ${error}`);
    }
    outcomes.push({ section, figures: figures.list(), seconds: secondsSince(started), ...(error !== undefined ? { error } : {}) });
  }
  const throughput = outcomes.find((o) => o.section === 'throughput');
  const ceilingIndex = outcomes.findIndex((o) => o.section === 'ceiling');
  if (throughput && ceilingIndex >= 0) {
    const ceiling = outcomes[ceilingIndex];
    outcomes[ceilingIndex] = { ...ceiling, figures: [...ceiling.figures, ...overheadRatios(throughput.figures, ceiling.figures)] };
  }

  console.log(`\n${renderTable(outcomes, reference ? changesFor(outcomes, reference) : undefined)}`);
  for (const line of skipped) console.log(`Skipped ${line}`);
  const files = writeReport(
    buildReport(args, outcomes, machine, startedAt, new Date(), REPO_ROOT),
    renderMarkdownTable(outcomes),
    path.resolve(REPO_ROOT, args.outDir),
  );
  console.log(`\nWrote ${files.map((f) => path.relative(REPO_ROOT, f)).join(' and ')} (${secondsSince(benchStarted).toFixed(0)} s in all)`);
  return outcomes.some((o) => o.error !== undefined) ? 1 : 0;
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
