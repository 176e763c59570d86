import { faultsAndDuplicates } from './scenarios';

/**
 * The fast part of `npm run test:reliability`, in `npm test`: `npm start`
 * as its own process, seeded transient faults on every saga step, every key
 * sent three times at once. The crash and Ctrl-C cycles take minutes and
 * run in the full suite only.
 */
describe('under seeded faults on every step and concurrent duplicates', () => {
  it('keeps every promise: acknowledged orders exist, one per key, all terminal, stock conserved, nothing FAILED charged', async () => {
    const seed = Number(process.env.RELIABILITY_SEED ?? 7);
    const result = await faultsAndDuplicates({ seed, orders: 10, concurrency: 5, terminalBoundMs: 60_000 });
    const failed = result.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
    expect({ seed, failed }).toEqual({ seed, failed: [] });
  }, 120_000);
});
