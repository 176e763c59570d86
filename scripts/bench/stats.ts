/**
 * The arithmetic behind every figure `npm run bench` prints. One run on a
 * shared machine is noise; the median of several, with the min and max
 * beside it, shows both the typical value and how much it moved.
 */
export class EmptySampleError extends Error {
  constructor(what: string) {
    super(`${what} of no values: a measurement produced no samples`);
    this.name = 'EmptySampleError';
  }
}

function sorted(values: readonly number[], what: string): number[] {
  if (values.length === 0) throw new EmptySampleError(what);
  return [...values].sort((a, b) => a - b);
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  const s = sorted(values, 'median');
  const middle = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[middle] : (s[middle - 1] + s[middle]) / 2;
}

/**
 * The nearest-rank percentile: the smallest value with at least p% of the
 * values at or below it. It is always a latency that really happened (no
 * interpolation between two requests), which is what p99 should mean.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const s = sorted(values, `p${p}`);
  return s[Math.ceil((p / 100) * s.length) - 1];
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function summarize(values: readonly number[]): Summary {
  const s = sorted(values, 'summary');
  return { median: median(s), min: s[0], max: s[s.length - 1], runs: s.length };
}
