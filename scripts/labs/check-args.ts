import { UsageError, parseArgs } from '../cli-args';
import { type Lab, findLab } from './manifest';

/** What `npm run check:lab -- ...` was asked to do. */
export interface CheckArgs {
  /** One lab, or every lab. */
  readonly target: Lab | 'all';
  readonly watch: boolean;
  readonly hint: boolean;
  /** Instructors: test solution/ instead of the lab's starter. */
  readonly solution: boolean;
  /** Also print jest's full messages for every failed requirement. */
  readonly verbose: boolean;
}

const FLAGS = ['watch', 'hint', 'solution', 'verbose'] as const;

/** Throws UsageError (exit status 2) naming what is wrong; the caller lists the valid labs. */
export function parseCheckArgs(rawArgv: readonly string[], labs: readonly Lab[]): CheckArgs {
  // A bare "--" is npm's separator; it reaches us when the script is run directly (tsx scripts/check-lab.ts 2 -- --watch).
  const argv = rawArgv.filter((arg) => arg !== '--');
  const positional = argv.filter((arg) => !arg.startsWith('--'));
  if (positional.length === 0) throw new UsageError('Which lab? Give its number, e.g. npm run check:lab 1');
  if (positional.length > 1) throw new UsageError(`One lab at a time, got "${positional.join('", "')}"`);
  const [which] = positional;
  const target = which === 'all' ? 'all' : findLab(labs, which);
  if (target === undefined) throw new UsageError(`There is no lab "${which}".`);
  const { flags } = parseArgs(
    argv.filter((arg) => arg.startsWith('--')),
    { values: [], flags: FLAGS },
  );
  const args: CheckArgs = { target, watch: flags.has('watch'), hint: flags.has('hint'), solution: flags.has('solution'), verbose: flags.has('verbose') };
  if (args.hint && (args.watch || args.solution)) throw new UsageError('--hint shows the next hint and stops; use it without --watch or --solution');
  if (args.hint && target === 'all') throw new UsageError('Hints belong to one lab: npm run check:lab 2 -- --hint');
  if (args.watch && target === 'all') throw new UsageError('--watch follows one lab: npm run check:lab 2 -- --watch');
  return args;
}
