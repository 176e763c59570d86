// @ts-check
const path = require('node:path');

/**
 * One Jest configuration for the whole repository.
 * - @swc/jest strips types fast; `npm run typecheck` does the type checking.
 * - `@app/...` imports resolve to solution/src; when SDP_CODE_ROOT names a
 *   lab folder (e.g. labs/02-streams-relay), a module the lab folder has
 *   under src/ is taken from there instead, for every import (the labs' one
 *   resolution rule: scripts/labs/code-overlay.js). `npm run check:lab` and
 *   `npm run verify:labs` build on this config (scripts/labs/jest-run.ts).
 */
const codeRoot = path.resolve(__dirname, process.env.SDP_CODE_ROOT ?? 'solution');

/** @type {import('jest').Config} */
module.exports = {
  // Node, plus surfacing of a lab's unfinished TODOs in failing tests (see the file).
  testEnvironment: '<rootDir>/scripts/labs/jest-environment.ts',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  resolver: '<rootDir>/scripts/labs/jest-resolver.js',
  // Jest's runtime, made safe for tests that run side by side (see the file).
  runtime: '<rootDir>/scripts/labs/jest-runtime.js',
  testEnvironmentOptions: { sdpCodeRoot: codeRoot },
  globalSetup: '<rootDir>/scripts/test-support/global-setup.ts',
  globalTeardown: '<rootDir>/scripts/test-support/global-teardown.ts',
  setupFiles: ['<rootDir>/scripts/test-support/test-env.ts'],
  // Every lab's tests run against the solution too: the solution passes them all.
  testMatch: ['<rootDir>/solution/test/**/*.test.ts', '<rootDir>/labs/*/test/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/\\.serverless/'],
  modulePathIgnorePatterns: ['<rootDir>/solution/\\.serverless/'],
  maxWorkers: 2,
  testTimeout: 30_000,
};
