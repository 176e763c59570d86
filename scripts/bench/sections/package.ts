import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Section } from '../context';
import { CommandFailedError, timeCommand } from '../processes';

/** `npm run package` and the size of every zip it leaves in solution/.serverless (what Lambda would load). */
export const measurePackage: Section = async (context, figures) => {
  const folder = path.join(context.root, 'solution', '.serverless');
  for (let run = 1; run <= context.runs; run++) {
    context.progress(`npm run package, run ${run}/${context.runs}`);
    const startedAt = Date.now();
    const result = await timeCommand('npm', ['run', '--silent', 'package'], { cwd: context.root, timeoutMs: 300_000 });
    if (result.code !== 0) throw new CommandFailedError('npm run package', result.code, result.output);
    figures.add('npm run package', 's', result.seconds);
    // Only zips this run wrote: an old one left behind is not this commit's size.
    const zips = readdirSync(folder)
      .filter((name) => name.endsWith('.zip'))
      .map((name) => ({ name, stat: statSync(path.join(folder, name)) }))
      .filter(({ stat }) => stat.mtimeMs >= startedAt - 1000)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (zips.length === 0) throw new Error(`npm run package wrote no .zip into ${path.relative(context.root, folder)}`);
    for (const zip of zips) figures.add(`zip ${zip.name}`, 'KB', zip.stat.size / 1024);
    figures.add(`all ${zips.length} zips together`, 'KB', zips.reduce((sum, zip) => sum + zip.stat.size, 0) / 1024);
  }
};
