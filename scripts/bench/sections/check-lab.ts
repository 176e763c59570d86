import { rmSync } from 'node:fs';
import { backgroundEngineStatus, stopBackgroundEngine } from '../../labs/background-engine';
import { LAB_JEST_CACHE } from '../../labs/jest-run';
import type { Section } from '../context';
import { CommandFailedError, timeCommand } from '../processes';

/** The two checks issue 13's targets name: a learner's first, failing check and an instructor's passing one. */
export const STARTER_LAB = 1;
export const DONE_LAB = 4;

/**
 * Wall time of whole `npm run check:lab` processes, as a learner waits for
 * them (npm, tsx, DynamoDB Local and the tests included).
 *
 * - cold: check:lab's own jest cache cleared and its background DynamoDB
 *   Local stopped first, so every TypeScript file is transformed again and
 *   the engine starts (a learner's very first check);
 * - the rest: caches filled. One warm-up run first, not counted (skipped
 *   with --quick), so the cold figure is not mixed into the warm ones.
 */
export const measureCheckLab: Section = async (context, figures) => {
  const hadEngine = backgroundEngineStatus()?.running ?? false;
  try {
    await measureChecks(context, figures);
  } finally {
    // Leave no engine behind that was not there before.
    if (!hadEngine) await stopBackgroundEngine();
  }
};

const measureChecks: Section = async (context, figures) => {
  for (let run = 1; run <= context.runs; run++) {
    context.progress(`check:lab ${STARTER_LAB} cold, run ${run}/${context.runs}`);
    rmSync(LAB_JEST_CACHE, { recursive: true, force: true });
    await stopBackgroundEngine();
    const result = await timeCommand('npm', ['run', '--silent', 'check:lab', '--', String(STARTER_LAB)], { cwd: context.root, timeoutMs: 180_000 });
    if (result.code !== 1) throw new CommandFailedError(`npm run check:lab -- ${STARTER_LAB} (expected status 1)`, result.code, result.output);
    figures.add(`check:lab ${STARTER_LAB} (starter, cold: jest cache cleared)`, 's', result.seconds);
  }
  const checks = [
    { name: `check:lab ${STARTER_LAB} (starter, fails)`, args: [String(STARTER_LAB)], expected: 1 },
    { name: `check:lab ${DONE_LAB} --solution (done)`, args: [String(DONE_LAB), '--solution'], expected: 0 },
  ];
  const warmUps = context.quick ? 0 : 1;
  for (const check of checks) {
    for (let run = 1 - warmUps; run <= context.runs; run++) {
      context.progress(`${check.name}, ${run < 1 ? 'warm-up' : `run ${run}/${context.runs}`}`);
      const result = await timeCommand('npm', ['run', '--silent', 'check:lab', '--', ...check.args], { cwd: context.root, timeoutMs: 180_000 });
      // Exit 1 is the starter's honest "not done yet"; anything else unexpected means the check did not measure what we think.
      if (result.code !== check.expected)
        throw new CommandFailedError(`npm run check:lab -- ${check.args.join(' ')} (expected status ${check.expected})`, result.code, result.output);
      if (run >= 1) figures.add(check.name, 's', result.seconds);
    }
  }
};
