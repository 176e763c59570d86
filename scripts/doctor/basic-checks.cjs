// @ts-check
'use strict';
/**
 * The checks `npm run doctor` makes before anything is installed: plain
 * Node.js, no packages, so a learner can check a laptop at home before the
 * 400 MB `npm ci` (and an instructor can check 25 laptops in the morning).
 * Every check returns { outcome: 'ok' | 'warn' | 'fail', title, fix? };
 * only 'fail' makes the doctor exit 1.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

/** The local cloud's default ports: npm start's three, and the dashboard's. */
const PORTS = [
  { port: 3000, what: 'API' },
  { port: 8083, what: 'Step Functions' },
  { port: 8000, what: 'DynamoDB Local' },
  { port: 3001, what: 'dashboard' },
];

const WINDOWS_ROUTE = 'On Windows use WSL 2 (Ubuntu): docs/troubleshooting.md#windows.';

/** Node 22 is recommended (Lambda runs nodejs22.x); 20 still works and is accepted without fuss. */
function checkNode(version = process.versions.node) {
  const major = Number(version.split('.')[0]);
  if (major < 20)
    return { outcome: 'fail', title: `Node.js ${version} is too old`, fix: 'Install Node.js 22 (`nvm install` in this folder reads .nvmrc), or at least 20.' };
  return { outcome: 'ok', title: `Node.js ${version}` };
}

/** Which platform this is, and whether it is a route the workshop supports. */
function checkPlatform(platform = process.platform, release = require('node:os').release(), arch = process.arch, cwd = process.cwd()) {
  if (platform === 'win32') {
    return {
      outcome: 'warn',
      title: 'Windows without WSL 2: the supported route is WSL 2',
      fix: `${WINDOWS_ROUTE} Native Windows mostly works, but test-api.sh needs bash and some tests are skipped.`,
    };
  }
  if (platform === 'linux' && /microsoft/i.test(release)) {
    if (cwd.startsWith('/mnt/'))
      return {
        outcome: 'warn',
        title: 'WSL 2, but the repository is on the Windows drive (/mnt/…)',
        fix: 'Clone it inside Linux (e.g. ~/workshop): npm ci and file watching are many times faster there.',
      };
    return { outcome: 'ok', title: `Windows, WSL 2 (${arch})` };
  }
  if (platform === 'darwin') return { outcome: 'ok', title: `macOS (${arch === 'arm64' ? 'Apple silicon' : 'Intel'})` };
  return { outcome: 'ok', title: `${platform === 'linux' ? 'Linux' : platform} (${arch})` };
}

/** Parses the major version out of `java -version` (`openjdk version "17.0.15"`, or `"1.8.0_392"` for Java 8). */
function javaMajorVersion(output) {
  const match = output.match(/version "(\d+)(?:\.(\d+))?/);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

function javaInstallAdvice(platform = process.platform) {
  if (platform === 'darwin') return 'Install a JDK 17+: `brew install openjdk@17` (or Temurin 17 from adoptium.net), or use Docker (below).';
  if (platform === 'win32') return `${WINDOWS_ROUTE} Then: sudo apt-get install -y openjdk-17-jdk-headless`;
  return 'Install a JDK 17+: `sudo apt-get install -y openjdk-17-jdk-headless` (Debian/Ubuntu), `sudo dnf install java-17-openjdk-devel` (Fedora).';
}

const run = (command, args) => spawnSync(command, args, { encoding: 'utf8', timeout: 15_000 });

/**
 * DynamoDB Local runs on Java 17+ (a JDK, so it can be kept to 127.0.0.1),
 * or in Docker with SDP_DYNAMODB_ENDPOINT pointing at it. One is enough.
 */
function checkEngine(env = process.env, platform = process.platform) {
  const external = env.SDP_DYNAMODB_ENDPOINT;
  if (external) return { outcome: 'ok', title: `DynamoDB Local: using ${external} (SDP_DYNAMODB_ENDPOINT; Java not needed)` };
  const java = run('java', ['-version']);
  if (!java.error && java.status === 0) {
    const major = javaMajorVersion(`${java.stderr}${java.stdout}`);
    if (major !== undefined && major < 17)
      return { outcome: 'fail', title: `Java ${major} is too old for DynamoDB Local (17+)`, fix: javaInstallAdvice(platform) };
    const javac = run('javac', ['-version']);
    if (javac.error || javac.status !== 0) {
      return {
        outcome: 'warn',
        title: `Java ${major ?? '(version unknown)'}, but no javac: DynamoDB Local would listen on every network interface`,
        fix: 'Install the JDK rather than the JRE (it keeps DynamoDB Local to 127.0.0.1 on shared Wi-Fi): ' + javaInstallAdvice(platform),
      };
    }
    return { outcome: 'ok', title: `Java ${major ?? '(version unknown)'} with javac (DynamoDB Local will listen on 127.0.0.1 only)` };
  }
  const docker = run('docker', ['--version']);
  if (!docker.error && docker.status === 0) {
    return {
      outcome: 'warn',
      title: 'No Java, but Docker is here: use the Docker route for DynamoDB Local',
      fix: 'docker run --rm -p 127.0.0.1:8000:8000 amazon/dynamodb-local -jar DynamoDBLocal.jar -sharedDb -inMemory, then export SDP_DYNAMODB_ENDPOINT=http://127.0.0.1:8000 (docs/troubleshooting.md#docker-instead-of-java).',
    };
  }
  return { outcome: 'fail', title: 'Neither Java nor Docker found (DynamoDB Local needs one)', fix: javaInstallAdvice(platform) };
}

/** Resolves true when `port` can be listened on at 127.0.0.1. */
function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function checkPorts(ports = PORTS, env = process.env) {
  const results = [];
  for (const { port, what } of ports) {
    // With the Docker route, 8000 is taken by the learner's own engine: that is the point.
    if (what === 'DynamoDB Local' && env.SDP_DYNAMODB_ENDPOINT) continue;
    results.push(
      (await portFree(port))
        ? { outcome: 'ok', title: `port ${port} (${what}) is free` }
        : {
            outcome: 'warn',
            title: `port ${port} (${what}) is already in use`,
            fix: `Stop what uses it (an earlier npm start?), or pick another port: npm start -- --help.`,
          },
    );
  }
  return results;
}

const GB = 1024 ** 3;

/** npm ci needs about 0.5 GB, its cache as much again; DynamoDB Local's data is small. */
function checkDisk(dir = process.cwd(), statfs = fs.statfsSync) {
  if (typeof statfs !== 'function') return { outcome: 'ok', title: 'disk space not checked (this Node.js cannot tell)' };
  const stats = statfs(dir);
  const free = stats.bavail * stats.bsize;
  const shown = `${(free / GB).toFixed(1)} GB free`;
  if (free < 0.75 * GB) return { outcome: 'fail', title: `only ${shown} here`, fix: 'npm ci and its cache need about 1 GB: free some space.' };
  if (free < 2 * GB) return { outcome: 'warn', title: `${shown} here (tight)`, fix: 'About 1 GB is needed; 2 GB leaves room.' };
  return { outcome: 'ok', title: `${shown} on this disk` };
}

/** Can npm reach its registry? A short timeout: the answer matters only before npm ci. */
async function checkRegistry(registry = process.env.npm_config_registry || 'https://registry.npmjs.org/', timeoutMs = 4000) {
  const url = new URL('-/ping', registry.endsWith('/') ? registry : `${registry}/`);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return { outcome: 'ok', title: `npm registry reachable (${url.host})` };
    return {
      outcome: 'warn',
      title: `npm registry answered ${response.status} (${url.host})`,
      fix: 'Check a proxy setting (npm config get proxy), or install from the offline kit (docs/instructor-guide.md#offline-install-kit).',
    };
  } catch (error) {
    const why =
      error && error.name === 'TimeoutError'
        ? `no answer in ${timeoutMs / 1000} s`
        : String((error && error.cause && error.cause.code) || (error && error.message));
    return {
      outcome: 'warn',
      title: `npm registry not reachable (${url.host}: ${why})`,
      fix: 'npm ci needs it, or the offline kit from your instructor: npm ci --offline --cache <kit>/npm-cache (docs/instructor-guide.md#offline-install-kit).',
    };
  }
}

/** The package names package.json asks for that node_modules does not hold. */
function missingPackages(root) {
  const path = require('node:path');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const names = [...Object.keys(pkg.dependencies || {}), ...Object.keys(pkg.devDependencies || {})];
  return { names, missing: names.filter((name) => !fs.existsSync(path.join(root, 'node_modules', name, 'package.json'))) };
}

module.exports = { PORTS, checkNode, checkPlatform, javaMajorVersion, checkEngine, checkPorts, checkDisk, checkRegistry, missingPackages };
