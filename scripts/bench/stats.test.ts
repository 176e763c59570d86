import { EmptySampleError, median, percentile, summarize } from './stats';

describe('bench statistics', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('gives nearest-rank percentiles that are real samples', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
  });

  it('gives the slowest request as p99 when there are fewer than a hundred', () => {
    expect(percentile([10, 30, 20], 99)).toBe(30);
    expect(percentile([10, 30, 20], 50)).toBe(20);
  });

  it('refuses a percentile outside (0, 100]', () => {
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('summarizes runs as median, min, max and count', () => {
    expect(summarize([2.4, 2.1, 3.9])).toEqual({ median: 2.4, min: 2.1, max: 3.9, runs: 3 });
  });

  it('names the problem when a measurement produced no samples', () => {
    expect(() => summarize([])).toThrow(EmptySampleError);
    expect(() => percentile([], 50)).toThrow(/p50 of no values/);
  });
});
