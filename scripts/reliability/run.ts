/**
 * `npm run test:reliability`: the failure scenarios of issue 8 against the
 * real local cloud, with the seed and figures of every run.
 *
 *   npm run test:reliability
 *   npm run test:reliability -- --seed 42 --orders 60 --only crash
 */
import '../local-cloud/quiet-sdk';
import { UsageError, parseArgs } from '../cli-args';
import type { Check } from './invariants';
import { type ScenarioOptions, type ScenarioResult, faultsAndDuplicates, memory, outage, redeliveredRecords, stopMidLoad } from './scenarios';

const SCENARIOS: Record<string, (options: ScenarioOptions) => Promise<ScenarioResult>> = {
  crash: stopMidLoad('crash', false),
  'crash-slow': stopMidLoad('crash', true),
  'ctrl-c-slow': stopMidLoad('interrupt', true),
  redelivery: redeliveredRecords(false),
  replay: redeliveredRecords(true),
  faults: faultsAndDuplicates,
  outage,
  memory,
};

function whole(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`--${name} must be a whole number of 1 or more, got "${raw}"`);
  return Number(raw);
}

const mark = (check: Check) => (check.ok ? 'ok  ' : 'FAIL');

const HELP = `Usage: npm run test:reliability -- [options]

Runs the failure scenarios of issue 8 against \`npm start\` as a separate process (own --persist
folder, ephemeral ports) and checks the invariants on the tables after each one.

Scenarios: ${Object.keys(SCENARIOS).join(', ')}

Options:
  --seed <n>          seed of the load and the injected faults (default 20261127, or RELIABILITY_SEED)
  --orders <n>        keys per scenario (default 60; memory always sends 2 x 1,000 orders)
  --concurrency <n>   requests in flight (default 16)
  --bound-s <n>       seconds orders get to become terminal or flagged after the last restart (default 90)
  --only <a,b>        run only these scenarios
  --help              show this help

Exit code: 0 every invariant held, 1 a check failed (re-run with the printed seed), 2 bad usage.`;

async function main(): Promise<void> {
  const { values, flags } = parseArgs(process.argv.slice(2), { values: ['seed', 'orders', 'concurrency', 'only', 'bound-s'], flags: ['help'] });
  if (flags.has('help')) {
    console.log(HELP);
    return;
  }
  const seed = whole('seed', values.seed, Number(process.env.RELIABILITY_SEED ?? 20_261_127));
  const only = values.only?.split(',') ?? Object.keys(SCENARIOS);
  for (const name of only) if (!SCENARIOS[name]) throw new UsageError(`--only: unknown scenario "${name}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  const options: ScenarioOptions = {
    seed,
    orders: whole('orders', values.orders, 60),
    concurrency: whole('concurrency', values.concurrency, 16),
    terminalBoundMs: whole('bound-s', values['bound-s'], 90) * 1000,
  };
  console.log(
    `Reliability suite: seed ${seed}, ${options.orders} keys per scenario, concurrency ${options.concurrency}, terminal bound ${options.terminalBoundMs / 1000} s`,
  );
  let failures = 0;
  for (const name of only) {
    const started = Date.now();
    console.log(`\n▶ ${name}`);
    const result = await SCENARIOS[name]({ ...options, log: (line) => console.log(`  ${line}`) });
    console.log(`  ${result.name} (seed ${result.seed}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    console.log(`  orders: ${result.figures}`);
    for (const note of result.notes) console.log(`  · ${note}`);
    for (const check of result.checks) {
      console.log(`  ${mark(check)} ${check.name}: ${check.detail}`);
      if (!check.ok) failures++;
    }
  }
  console.log(failures === 0 ? '\nEvery invariant held.' : `\n${failures} invariant check(s) failed (re-run with --seed ${seed} to reproduce).`);
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`test:reliability: ${error instanceof UsageError ? error.message : (error as Error).stack}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
