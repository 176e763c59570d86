import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** The plain-Node half of the doctor (no types: it must run before npm ci). */
interface Result {
  outcome: 'ok' | 'warn' | 'fail';
  title: string;
  fix?: string;
}
const checks = require('./basic-checks.cjs') as {
  checkNode(version: string): Result;
  checkPlatform(platform: string, release: string, arch: string, cwd: string): Result;
  checkPorts(ports: { port: number; what: string }[], env: NodeJS.ProcessEnv): Promise<Result[]>;
  checkDisk(dir: string, statfs: () => { bavail: number; bsize: number }): Result;
  checkRegistry(registry: string, timeoutMs: number): Promise<Result>;
  javaMajorVersion(output: string): number | undefined;
};

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

/** `npm run doctor` as a learner runs it (node scripts/doctor.cjs), in `cwd` (default: this repository). */
async function doctor(args: string[], env: NodeJS.ProcessEnv = process.env, root = ROOT) {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(root, 'scripts', 'doctor.cjs'), ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A copy of the repository as it is before `npm ci`: package.json and the doctor, no node_modules. */
function freshClone(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sdp-fresh-clone-'));
  mkdirSync(path.join(dir, 'scripts', 'doctor'), { recursive: true });
  for (const file of ['package.json', 'scripts/doctor.cjs', 'scripts/doctor/basic-checks.cjs']) copyFileSync(path.join(ROOT, file), path.join(dir, file));
  return dir;
}

describe('npm run doctor before npm ci (plain Node.js, nothing installed)', () => {
  let clone: string;
  beforeAll(() => (clone = freshClone()));
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('runs on a fresh clone, reports the machine and says npm ci is next', async () => {
    const result = await doctor(['--offline'], { ...process.env, SDP_DYNAMODB_ENDPOINT: '' }, clone);
    expect(result.stdout).toMatch(/✔ Node\.js \d+/);
    expect(result.stdout).toMatch(/✔ Java \d+ with javac/);
    expect(result.stdout).toMatch(/port 3001 \(dashboard\)/);
    expect(result.stdout).toMatch(/GB free/);
    expect(result.stdout).toMatch(/! npm packages not installed yet/);
    expect(result.stdout).toMatch(/Next: npm ci/);
    expect(result.code).toBe(0);
  });

  it('names a missing Java and Docker, says how to install Java, and exits 1', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'sdp-empty-path-'));
    try {
      const result = await doctor(['--offline'], { ...process.env, PATH: empty, SDP_DYNAMODB_ENDPOINT: '' }, clone);
      expect(result.stdout).toMatch(/✘ Neither Java nor Docker found/);
      expect(result.stdout).toMatch(/openjdk-17-jdk-headless/);
      expect(result.code).toBe(1);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('accepts Docker instead of Java when SDP_DYNAMODB_ENDPOINT names the engine', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'sdp-empty-path-'));
    try {
      const result = await doctor(['--offline'], { ...process.env, PATH: empty, SDP_DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' }, clone);
      expect(result.stdout).toMatch(/✔ DynamoDB Local: using http:\/\/127\.0\.0\.1:8000 \(SDP_DYNAMODB_ENDPOINT; Java not needed\)/);
      expect(result.code).toBe(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses an unknown option with exit status 2', async () => {
    const result = await doctor(['--fast'], process.env, clone);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option --fast/);
  });
});

describe('npm run doctor after npm ci', () => {
  it('also checks serverless.yml and that the DynamoDB Local named by SDP_DYNAMODB_ENDPOINT answers', async () => {
    // jest's global setup started an engine and named it in SDP_DYNAMODB_ENDPOINT: the Docker route's shape.
    const result = await doctor(['--offline']);
    expect(result.stdout).toMatch(/✔ npm packages installed/);
    expect(result.stdout).toMatch(/✔ solution\/serverless\.yml: 5 tables/);
    expect(result.stdout).toMatch(/✔ DynamoDB Local at http:\/\/127\.0\.0\.1:\d+ answers/);
    expect(result.stdout).toMatch(/Ready for the workshop/);
    expect(result.code).toBe(0);
  });

  it('fails, naming the container, when that engine does not answer', async () => {
    const result = await doctor(['--offline'], { ...process.env, SDP_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' });
    expect(result.stdout).toMatch(/✘ DynamoDB Local at http:\/\/127\.0\.0\.1:9 does not answer/);
    expect(result.stdout).toMatch(/Docker container running/);
    expect(result.code).toBe(1);
  });
});

describe('the doctor checks', () => {
  it('warns, without failing, about a port that is already taken', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const [result] = await checks.checkPorts([{ port, what: 'API' }], {});
      expect(result).toMatchObject({ outcome: 'warn', title: `port ${port} (API) is already in use` });
    } finally {
      server.close();
    }
  });

  it('recommends nothing alarming for Node 20, accepts 22, fails older than 20', () => {
    expect(checks.checkNode('18.19.0')).toMatchObject({ outcome: 'fail', fix: expect.stringContaining('22') });
    expect(checks.checkNode('20.0.0')).toEqual({ outcome: 'ok', title: 'Node.js 20.0.0' });
    expect(checks.checkNode('22.3.0').outcome).toBe('ok');
  });

  it('points native Windows at WSL 2, and WSL users away from the Windows drive', () => {
    expect(checks.checkPlatform('win32', '10.0.22631', 'x64', 'C:\\work')).toMatchObject({ outcome: 'warn', fix: expect.stringContaining('WSL 2') });
    expect(checks.checkPlatform('linux', '5.15.153.1-microsoft-standard-WSL2', 'x64', '/home/ada/workshop')).toEqual({
      outcome: 'ok',
      title: 'Windows, WSL 2 (x64)',
    });
    expect(checks.checkPlatform('linux', '5.15.153.1-microsoft-standard-WSL2', 'x64', '/mnt/c/Users/ada/workshop').outcome).toBe('warn');
    expect(checks.checkPlatform('darwin', '23.0.0', 'arm64', '/Users/ada').title).toBe('macOS (Apple silicon)');
    expect(checks.checkPlatform('darwin', '23.0.0', 'x64', '/Users/ada').title).toBe('macOS (Intel)');
  });

  it('fails below 0.75 GB of free disk, warns below 2 GB', () => {
    const GB = 1024 ** 3;
    expect(checks.checkDisk('/', () => ({ bavail: 0.5 * GB, bsize: 1 })).outcome).toBe('fail');
    expect(checks.checkDisk('/', () => ({ bavail: 1.5 * GB, bsize: 1 })).outcome).toBe('warn');
    expect(checks.checkDisk('/', () => ({ bavail: 10 * GB, bsize: 1 })).outcome).toBe('ok');
  });

  it('finds the registry when it answers its ping, and gives up quickly when it does not', async () => {
    const server = http.createServer((request, response) => {
      if (request.url === '/-/ping') response.end('{}');
      // any other path: never answers (a captive portal, a dead proxy)
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      expect((await checks.checkRegistry(`${base}/`, 2000)).outcome).toBe('ok');
      const started = Date.now();
      const silent = await checks.checkRegistry(`${base}/silent/`, 200);
      expect(silent).toMatchObject({ outcome: 'warn', fix: expect.stringContaining('offline') });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reads Java versions in both the modern and the 1.x style', () => {
    expect(checks.javaMajorVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(checks.javaMajorVersion('java version "1.8.0_392"')).toBe(8);
    expect(checks.javaMajorVersion('no version here')).toBeUndefined();
  });
});
