import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './local-cloud';

/**
 * On Lambda a handler's modules load after its environment is set. The
 * solution's Powertools logger and tracer read theirs once, when they load:
 * POWERTOOLS_LOG_LEVEL (SILENT unless --verbose) and AWS_XRAY_MANUAL_MODE
 * (no X-Ray async hook on every promise). If anything npm start imports
 * statically pulled them in, they would load before local-cloud.ts sets that
 * environment: every order then printed Powertools JSON lines into the hop
 * log and paid the hook, which cost the local cloud about a third of its
 * throughput. Runs start.ts with --help (all its imports, nothing started).
 */
const START = path.join(REPO_ROOT, 'scripts', 'local-cloud', 'start.ts');

it('npm start loads no Powertools or X-Ray module before it sets the handlers environment', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sdp-start-env-'));
  try {
    const report = path.join(dir, 'report.cjs');
    // Preloaded: at exit, lists every module loaded so far that reads the handlers' environment when it loads.
    writeFileSync(
      report,
      `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache).filter((f) => /@aws-lambda-powertools|aws-xray-sdk/.test(f))) + '\\n'));`,
    );
    const run = spawnSync(process.execPath, ['--require', report, '--import', 'tsx', START, '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(run.stdout).toContain('Usage: npm start');
    const loaded = /LOADED (.*)/.exec(run.stderr)?.[1];
    expect(loaded && (JSON.parse(loaded) as string[]).map((file) => path.relative(REPO_ROOT, file))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
