import { ratePerSecond, runLoad } from './load';

describe('bench load generator', () => {
  it('sends exactly count requests and never more than concurrency at once', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const result = await runLoad({
      concurrency: 4,
      count: 25,
      maxMs: 60_000,
      send: async (index) => {
        seen.push(index);
        inFlight++;
        most = Math.max(most, inFlight);
        await Promise.resolve();
        inFlight--;
        return true;
      },
    });
    expect(result.succeeded).toBe(25);
    expect(most).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('stops sending once the time bound has passed', async () => {
    let clock = 0;
    const result = await runLoad({
      concurrency: 1,
      count: 1000,
      maxMs: 50,
      now: () => clock,
      send: async () => {
        clock += 10;
        return true;
      },
    });
    expect(result.succeeded).toBe(5);
    expect(result.latenciesMs).toEqual([10, 10, 10, 10, 10]);
    expect(ratePerSecond(result)).toBe(100);
  });

  it('counts refused and thrown requests as failures, keeping the first error', async () => {
    const result = await runLoad({
      concurrency: 1,
      count: 3,
      maxMs: 60_000,
      send: async (index) => {
        if (index === 1) throw new Error('ECONNREFUSED');
        return index === 0;
      },
    });
    expect(result).toMatchObject({ succeeded: 1, failed: 2, firstError: 'ECONNREFUSED' });
  });
});
