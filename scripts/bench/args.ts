import { UsageError, parseArgs } from '../cli-args';

/** Every section of `npm run bench`, in the order they run. */
export const SECTIONS = ['check-lab', 'watch', 'test', 'package', 'start', 'throughput', 'ceiling'] as const;
export type SectionName = (typeof SECTIONS)[number];

export const USAGE = `Usage: npm run bench [-- options]

Measures this machine's feedback loops and the local cloud's throughput,
prints a table and writes bench-results/<time>.json and bench-results/latest.json.

Options:
  --quick             fewer runs and orders, npm test skipped (about two minutes quiet)
  --only <a,b>        run only these sections (${SECTIONS.join(', ')})
  --runs <n>          runs per figure (default 3, or 1 with --quick)
  --out <dir>         where to write the JSON (default bench-results)
  --compare <file>    show each median's change against an earlier run's JSON
                      (e.g. docs/benchmarks-reference.json)
  --help              show this help`;

export interface BenchArgs {
  readonly quick: boolean;
  readonly sections: readonly SectionName[];
  readonly runs: number;
  readonly outDir: string;
  readonly compare?: string;
  readonly help: boolean;
}

export const DEFAULT_OUT_DIR = 'bench-results';

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  // `npm run bench -- --quick` passes the `--` through on some npm versions.
  const { values, flags } = parseArgs(
    argv.filter((arg) => arg !== '--'),
    { values: ['only', 'runs', 'out', 'compare'], flags: ['quick', 'help'] },
  );
  const quick = flags.has('quick');
  let sections: SectionName[] = [...SECTIONS];
  if (values.only !== undefined) {
    const wanted = values.only
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    const unknown = wanted.filter((name) => !(SECTIONS as readonly string[]).includes(name));
    if (wanted.length === 0 || unknown.length > 0) {
      throw new UsageError(`--only: unknown section ${unknown.map((u) => `"${u}"`).join(', ') || '(none given)'} (known: ${SECTIONS.join(', ')})`);
    }
    // Run in the documented order whatever order they were asked in.
    sections = SECTIONS.filter((name) => wanted.includes(name));
  }
  let runs = quick ? 1 : 3;
  if (values.runs !== undefined) {
    if (!/^\d+$/.test(values.runs) || Number(values.runs) < 1 || Number(values.runs) > 50) {
      throw new UsageError(`--runs must be a whole number from 1 to 50, got "${values.runs}"`);
    }
    runs = Number(values.runs);
  }
  return {
    quick,
    sections,
    runs,
    outDir: values.out ?? DEFAULT_OUT_DIR,
    ...(values.compare !== undefined ? { compare: values.compare } : {}),
    help: flags.has('help'),
  };
}
