import { UsageError } from '../cli-args';
import { SECTIONS, parseBenchArgs } from './args';

describe('npm run bench arguments', () => {
  it('runs every section three times by default, writing to bench-results', () => {
    expect(parseBenchArgs([])).toEqual({ quick: false, sections: SECTIONS, runs: 3, outDir: 'bench-results', help: false });
  });

  it('runs once per figure with --quick', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ quick: true, runs: 1 });
  });

  it('accepts the -- that npm passes through', () => {
    expect(parseBenchArgs(['--', '--quick']).quick).toBe(true);
  });

  it('runs only the chosen sections, in the documented order', () => {
    expect(parseBenchArgs(['--only', 'throughput,package']).sections).toEqual(['package', 'throughput']);
  });

  it('names an unknown section and lists the known ones', () => {
    expect(() => parseBenchArgs(['--only', 'throughput,speed'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--only', 'speed'])).toThrow(/unknown section "speed" \(known: check-lab, watch/);
  });

  it('lets --runs override the quick default, within bounds', () => {
    expect(parseBenchArgs(['--quick', '--runs', '2']).runs).toBe(2);
    expect(() => parseBenchArgs(['--runs', '0'])).toThrow(/--runs must be a whole number from 1 to 50/);
    expect(() => parseBenchArgs(['--runs', 'many'])).toThrow(UsageError);
  });

  it('takes the earlier run to compare with', () => {
    expect(parseBenchArgs(['--compare', 'docs/benchmarks-reference.json']).compare).toBe('docs/benchmarks-reference.json');
  });

  it('refuses options it does not know', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow(/Unknown option --fast/);
  });
});
