import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The README's set-up is the truth CI runs: this keeps them from drifting apart. */
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('repository contract', () => {
  it('.ci/run runs exactly the test command the README gives', () => {
    const readme = read('README.md');
    const setUp = readme.match(/## Set up and test\s+```bash\n([\s\S]*?)```/);
    expect(setUp).not.toBeNull();
    const commands = (setUp?.[1] ?? '').trim().split('\n');
    const testCommand = commands.find((line) => line.startsWith('npm test') || line.startsWith('npm run test'));
    expect(testCommand).toBe('npm test');

    const ci = read('.ci/run')
      .split('\n')
      .map((line) => line.trim());
    expect(ci).toContain(testCommand);
    expect(ci.some((line) => line.startsWith('npm ci'))).toBe(true);
  });

  it('supports Node 20 and newer in engines, and recommends 22 (what Lambda runs) in .nvmrc', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.engines.node).toBe('>=20');
    expect(read('.nvmrc').trim()).toBe('22');
  });

  it('installs serverless from the open-source osls fork, so packaging needs no login', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.devDependencies.serverless).toMatch(/^npm:osls@/);
  });
});
