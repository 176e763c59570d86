import { runScript } from '../test-support/run-script';

/** The command line only: no benchmark runs inside npm test. */
describe('npm run bench command line', () => {
  it('prints its usage, sections included, with --help', async () => {
    const result = await runScript('bench/main.ts', ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm run bench');
    expect(result.stdout).toContain('check-lab, watch, test, package, start, throughput, ceiling');
  });

  it('refuses an unknown section with status 2, naming it, before measuring anything', async () => {
    const result = await runScript('bench/main.ts', ['--only', 'speed']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown section "speed"');
    expect(result.stderr).not.toContain('Benchmarking');
  });
});
