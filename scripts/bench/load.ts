/**
 * A closed-loop load generator: `concurrency` clients, each sending its next
 * request as soon as the previous one is answered, until `count` requests
 * were sent or `maxMs` passed. Bounded both ways so a slow machine makes a
 * run shorter, never endless.
 */
export interface LoadOptions {
  readonly concurrency: number;
  readonly count: number;
  readonly maxMs: number;
  /** One request; resolves true when it succeeded. Its latency is measured around it. */
  readonly send: (index: number) => Promise<boolean>;
  readonly now?: () => number;
}

export interface LoadResult {
  readonly succeeded: number;
  readonly failed: number;
  readonly elapsedMs: number;
  /** Latency of each successful request, in ms. */
  readonly latenciesMs: readonly number[];
  /** The first error thrown by `send`, if any, for the report. */
  readonly firstError?: string;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const latenciesMs: number[] = [];
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const client = async () => {
    while (next < options.count && now() - started < options.maxMs) {
      const index = next++;
      const sent = now();
      let ok = false;
      try {
        ok = await options.send(index);
      } catch (error) {
        firstError ??= (error as Error).message;
      }
      if (ok) latenciesMs.push(now() - sent);
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return { succeeded: latenciesMs.length, failed, elapsedMs: now() - started, latenciesMs, ...(firstError !== undefined ? { firstError } : {}) };
}

/** Successful requests per second over the whole load, failures excluded. */
export const ratePerSecond = (result: LoadResult) => (result.elapsedMs > 0 ? (result.succeeded * 1000) / result.elapsedMs : 0);
