import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Section, SectionSkipped } from '../context';
import { lastLines, timeCommand } from '../processes';

/** The phases of package.json's "test" script (`a && b && c`), so the bench follows whatever npm test runs. */
export function testPhases(testScript: string | undefined): string[] {
  if (testScript === undefined || testScript.trim() === '') throw new Error('package.json has no "test" script');
  if (/\|\||;|\|/.test(testScript.replace(/&&/g, ''))) throw new Error(`package.json's "test" script is not a plain "a && b && c" chain: ${testScript}`);
  return testScript
    .split('&&')
    .map((phase) => phase.trim())
    .filter((phase) => phase !== '');
}

/**
 * `npm test`, one phase at a time, each as npm would run it (a shell with
 * node_modules/.bin on PATH), so each is timed. A failing phase is timed,
 * reported, and the next still runs: the bench measures, npm test judges.
 * Skipped with --quick (it alone takes minutes) unless chosen with --only.
 */
export const measureNpmTest: Section = async (context, figures) => {
  if (context.quick && !context.chosen) throw new SectionSkipped('--quick skips the npm test phases (add --only test to run them)');
  const manifest = JSON.parse(readFileSync(path.join(context.root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const phases = testPhases(manifest.scripts?.test);
  const env = { PATH: `${path.join(context.root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` };
  const failed = new Map<string, string>();
  for (let run = 1; run <= context.runs; run++) {
    let total = 0;
    for (const phase of phases) {
      context.progress(`npm test phase "${phase}", run ${run}/${context.runs}`);
      const result = await timeCommand('sh', ['-c', phase], { cwd: context.root, env, timeoutMs: 1_200_000 });
      figures.add(phase, 's', result.seconds);
      total += result.seconds;
      if (result.code !== 0 && !failed.has(phase)) failed.set(phase, lastLines(result.output, 20));
    }
    figures.add('npm test, all phases', 's', total);
  }
  if (failed.size > 0) {
    const details = [...failed].map(([phase, output]) => `--- ${phase} ---\n${output}`).join('\n');
    throw new Error(`these npm test phases failed (timed anyway): ${[...failed.keys()].join(', ')}\n${details}`);
  }
};
