/**
 * npm run bench:check-lab [-- --labs 1,2,3,4 --cold 3 --warm 5 --write]
 *
 * Measures how long a learner waits for `npm run check:lab N` on this
 * machine, on each lab's starter (the state a learner first runs it in):
 *
 * - cold: the first run after jest's cache is cleared (check:lab keeps its
 *   own, in node_modules/.cache/jest-labs), so every TypeScript file is
 *   transformed again;
 * - warm: the runs after that, caches filled.
 *
 * Each figure is the median wall time of whole `npm run check:lab N`
 * processes (npm, tsx, DynamoDB Local start-up and the tests included).
 * Prints a table; --write also writes docs/check-lab-timing.md. Nothing
 * asserts these numbers: machines differ, and a busy one is slower.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError, parseArgs } from './cli-args';
import { LAB_JEST_CACHE } from './labs/jest-run';
import { type Lab, REPO_ROOT, loadLabs } from './labs/manifest';

interface Timing {
  readonly lab: Lab;
  readonly cold: number[];
  readonly warm: number[];
}

const DOC = path.join(REPO_ROOT, 'docs', 'check-lab-timing.md');

/** check:lab's own jest cache (transformed TypeScript, haste maps); plain `jest` runs keep theirs. */
function clearJestCache(): void {
  rmSync(LAB_JEST_CACHE, { recursive: true, force: true });
}

/** Wall time of one `npm run check:lab N`, in seconds. Exit status 1 (lab not done) is the expected outcome on a starter. */
function timeCheck(lab: Lab): number {
  const started = process.hrtime.bigint();
  const result = spawnSync('npm', ['run', '--silent', 'check:lab', String(lab.id)], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`npm run check:lab ${lab.id} could not run (status ${result.status}):\n${result.stderr || result.stdout}`);
  }
  return seconds;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const seconds = (value: number) => `${value.toFixed(1)} s`;

function measure(lab: Lab, coldRuns: number, warmRuns: number): Timing {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < coldRuns; i++) {
    clearJestCache();
    cold.push(timeCheck(lab));
    process.stderr.write(`  lab ${lab.id} cold run ${i + 1}/${coldRuns}: ${seconds(cold[i])}\n`);
  }
  for (let i = 0; i < warmRuns; i++) {
    warm.push(timeCheck(lab));
    process.stderr.write(`  lab ${lab.id} warm run ${i + 1}/${warmRuns}: ${seconds(warm[i])}\n`);
  }
  return { lab, cold, warm };
}

function machine(): string[] {
  const cpus = os.cpus();
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0]?.trim() ?? 'unknown';
  return [
    `- CPU: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores; ${Math.round(os.totalmem() / 2 ** 30)} GiB memory`,
    `- Node.js ${process.version}, ${java}`,
    `- Load average when the measurement ended: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min)`,
  ];
}

function table(timings: readonly Timing[]): string[] {
  return [
    '| Lab | Requirements checked | Cold (median) | Warm (median) | Cold runs | Warm runs |',
    '| --- | --- | --- | --- | --- | --- |',
    ...timings.map(
      (t) => `| ${t.lab.id} · ${t.lab.title} | \`${t.lab.test.split('/').pop()}\` | ${seconds(median(t.cold))} | ${seconds(median(t.warm))} | ${t.cold.map(seconds).join(', ')} | ${t.warm.map(seconds).join(', ')} |`,
    ),
  ];
}

function markdown(timings: readonly Timing[], coldRuns: number, warmRuns: number): string {
  const worstWarm = Math.max(...timings.map((t) => median(t.warm)));
  const worstCold = Math.max(...timings.map((t) => median(t.cold)));
  return [
    '# Check-lab timing',
    '',
    'How long a learner waits for `npm run check:lab N`, measured by `npm run bench:check-lab`',
    '(`scripts/bench-check-lab.ts`). Each figure is the median wall time of the whole command (npm,',
    "tsx, DynamoDB Local's start-up and the lab's tests) on the lab's starter, the state in which a",
    'learner first runs it.',
    '',
    `- **Cold**: the first run after clearing jest's cache (${coldRuns} runs per lab), so every TypeScript`,
    "  file is transformed again. check:lab keeps its own cache, in `node_modules/.cache/jest-labs`.",
    `- **Warm**: the runs that follow (${warmRuns} per lab), with jest's cache filled.`,
    '',
    ...table(timings),
    '',
    `Goal: warm at most 5 s, cold at most 15 s. Measured: warm at most ${seconds(worstWarm)}, cold at most ${seconds(worstCold)}.`,
    '',
    '## Where the time goes',
    '',
    '- DynamoDB Local, a Java process started for every check, needs about 2 s to answer. The checker',
    "  launches it first, with the quick (C1) JIT compiler, the serial collector and AWS's usage",
    '  telemetry off (`DDB_LOCAL_TELEMETRY=0`); without those it needs about 3 s. Jest starts and',
    "  loads the test file's modules (the AWS SDK, Powertools) while the engine boots; the first test",
    '  waits for it (`scripts/labs/dynamodb.ts`; the start-up settings are in',
    '  `scripts/local-cloud/dynamodb-local.ts`).',
    "- Then come the lab's tests themselves (Lab 4's run whole sagas), and about 0.7 s of npm, Node",
    '  and tsx start-up. The engine is stopped without waiting for Java to exit.',
    '- `npm run check:lab N -- --watch` starts DynamoDB Local once and keeps it running, so every',
    '  re-check after a save skips the start-up.',
    '',
    '## The machine',
    '',
    ...machine(),
    '',
    'The machine is shared with other work, so single runs vary; the medians smooth that out. Run',
    '`npm run bench:check-lab -- --write` to measure yours and rewrite this page.',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: { values: Record<string, string>; flags: Set<string> };
  try {
    options = parseArgs(argv.filter((arg) => arg !== '--'), { values: ['labs', 'cold', 'warm'], flags: ['write'] });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\nUsage: npm run bench:check-lab -- [--labs 1,2] [--cold 3] [--warm 5] [--write]`);
    return 2;
  }
  const labs = loadLabs();
  const wanted = options.values.labs ? options.values.labs.split(',').map(Number) : labs.map((l) => l.id);
  const chosen = labs.filter((lab) => wanted.includes(lab.id));
  const coldRuns = Number(options.values.cold ?? 3);
  const warmRuns = Number(options.values.warm ?? 5);
  if (chosen.length === 0 || !(coldRuns >= 1 && warmRuns >= 1)) {
    console.error('Choose labs that exist (--labs 1,2) and at least one cold and one warm run.');
    return 2;
  }
  const timings = chosen.map((lab) => measure(lab, coldRuns, warmRuns));
  console.log(table(timings).join('\n'));
  if (options.flags.has('write')) {
    writeFileSync(DOC, markdown(timings, coldRuns, warmRuns));
    console.log(`\nWrote ${path.relative(REPO_ROOT, DOC)}`);
  }
  return 0;
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
