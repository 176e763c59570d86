import { testPhases } from './npm-test';

describe('npm test phases for the bench', () => {
  it('splits the test script into its && phases', () => {
    expect(testPhases('npm run typecheck && npm run lint:md && jest && npm run verify:labs')).toEqual([
      'npm run typecheck',
      'npm run lint:md',
      'jest',
      'npm run verify:labs',
    ]);
  });

  it('follows a changed test script', () => {
    expect(testPhases('jest')).toEqual(['jest']);
  });

  it('refuses scripts it cannot split into phases honestly', () => {
    expect(() => testPhases(undefined)).toThrow(/no "test" script/);
    expect(() => testPhases('jest || true')).toThrow(/not a plain/);
    expect(() => testPhases('tsc; jest')).toThrow(/not a plain/);
  });
});
