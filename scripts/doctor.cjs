#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run doctor`: is this machine ready for the workshop? Plain Node.js,
 * no packages: it runs on a fresh clone, before `npm ci`.
 *
 *   npm run doctor                # before npm ci: Node, platform, Java or Docker, ports, disk, registry
 *                                 # after npm ci: also serverless.yml and that DynamoDB Local starts
 *   npm run doctor -- --quick     # skip starting DynamoDB Local
 *   npm run doctor -- --offline   # skip the registry check
 *
 * It never runs the labs' tests: a learner's half-finished lab is not a
 * broken laptop. Exit status 0 when ready, 1 when something must be fixed,
 * 2 for a bad argument.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const checks = require('./doctor/basic-checks.cjs');

const ROOT = path.resolve(__dirname, '..');
const KNOWN = ['--quick', '--offline', '--help'];
const SYMBOL = { ok: '✔', warn: '!', fail: '✘' };

function print(result) {
  console.log(`  ${SYMBOL[result.outcome]} ${result.title}`);
  if (result.fix && result.outcome !== 'ok') console.log(`      → ${result.fix}`);
}

async function main(argv) {
  const unknown = argv.filter((arg) => !KNOWN.includes(arg));
  if (unknown.length > 0) {
    console.error(`doctor: Unknown option ${unknown[0]} (accepted: ${KNOWN.join(', ')})`);
    return 2;
  }
  if (argv.includes('--help')) {
    console.log('Usage: npm run doctor [-- --quick] [-- --offline]\nChecks this machine for the workshop; works before npm ci.');
    return 0;
  }
  console.log('Checking this machine for the workshop…\n');
  const results = [];
  const record = (result) => {
    results.push(result);
    print(result);
  };
  record(checks.checkNode());
  record(checks.checkPlatform());
  record(checks.checkEngine());
  for (const result of await checks.checkPorts()) record(result);
  record(checks.checkDisk(ROOT));

  const { names, missing } = checks.missingPackages(ROOT);
  const installed = missing.length === 0;
  let installedFailed = false;
  if (!installed) {
    const title =
      missing.length === names.length
        ? 'npm packages not installed yet'
        : `npm packages missing: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}`;
    record({
      outcome: 'warn',
      title,
      fix: 'Run `npm ci` in this folder (or, offline, `npm ci --offline --cache <kit>/npm-cache`), then `npm run doctor` again.',
    });
    if (!argv.includes('--offline')) record(await checks.checkRegistry());
  } else {
    record({ outcome: 'ok', title: `npm packages installed (${names.length})` });
    // The checks that need the packages (the real DynamoDB Local, serverless.yml) run through tsx.
    const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const args = [tsx, path.join(ROOT, 'scripts', 'doctor', 'installed.ts'), ...argv.filter((arg) => arg === '--quick')];
    const child = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
    installedFailed = child.status !== 0;
  }

  const failures = results.filter((r) => r.outcome === 'fail').length + (installedFailed ? 1 : 0);
  const warnings = results.filter((r) => r.outcome === 'warn').length;
  if (failures > 0) console.log('\nSome things to fix before the workshop (see → above). docs/troubleshooting.md has more.');
  else if (!installed)
    console.log(`\nThis machine can take the workshop${warnings > 1 ? ' (see the warnings above)' : ''}. Next: npm ci, then npm run doctor again.`);
  else console.log(`\nReady for the workshop${warnings > 0 ? ` (${warnings} warning(s) above)` : ''}. Next: npm start, or npm run check:lab 1.`);
  return failures > 0 ? 1 : 0;
}

// Exported for tests; run when invoked directly.
module.exports = { main };
if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
